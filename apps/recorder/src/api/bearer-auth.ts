import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * `Authorization: Bearer <token>` checked in constant time (hashes of equal length are
 * compared, so the token's length leaks nothing either). Missing or wrong → 401.
 */
export function bearerAuth(token: string) {
  const expected = createHash('sha256').update(token).digest();
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const header = request.headers.authorization ?? '';
    const presented = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    const actual = createHash('sha256').update(presented).digest();
    if (!presented || !timingSafeEqual(actual, expected)) {
      request.log.warn(
        { route: request.routeOptions.url, hasToken: presented !== '' },
        'calls api auth refused',
      );
      return reply
        .code(401)
        .header('www-authenticate', 'Bearer realm="calls"')
        .send({ error: 'unauthorized', message: 'a valid bearer token is required' });
    }
  };
}
