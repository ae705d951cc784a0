import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { loginPage } from './pages/login.js';
import { type ConsoleRouteContext, sendPage } from './route-guards.js';

const loginBody = z.object({ token: z.string().max(512) });

/** Sign-in by console token (a session cookie) and sign-out. */
export function registerLoginRoutes(scope: FastifyInstance, deps: ConsoleRouteContext): void {
  scope.get('/login', async (_request, reply) => sendPage(reply, loginPage({ failed: false })));
  scope.post('/login', (request, reply) => login(deps, request, reply));
  scope.post('/logout', async (_request, reply) =>
    reply.header('set-cookie', deps.auth.clearedCookie()).redirect('/console/login', 303),
  );
}

async function login(
  { auth, log }: ConsoleRouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const body = loginBody.safeParse(request.body);
  const human = body.success ? await auth.login(body.data.token) : undefined;
  if (!human) {
    log.warn('console sign-in with an unknown token');
    return sendPage(reply.code(401), loginPage({ failed: true }));
  }
  log.info({ humanAgentId: human.id }, 'console sign-in');
  return reply.header('set-cookie', auth.sessionCookie(human.id)).redirect('/console', 303);
}
