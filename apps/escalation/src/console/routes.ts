import { describeError } from '@voice/shared/errors';
import type { Logger } from '@voice/shared/logging';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { registerActionRoutes } from './action-routes.js';
import { registerAssetRoutes } from './asset-routes.js';
import { registerEventRoutes } from './event-routes.js';
import { registerLoginRoutes } from './login-routes.js';
import { registerPageRoutes } from './page-routes.js';
import type { ConsoleRoutesDeps } from './route-guards.js';

export type { ConsoleRoutesDeps } from './route-guards.js';

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/**
 * The human agents' console under `/console`: server-rendered pages, one script, a live
 * `text/event-stream`. Pages without a session answer 401 with the sign-in form; every other
 * call without one is a plain 401; every form post needs the session's CSRF token (403).
 */
export async function registerConsoleRoutes(app: FastifyInstance, deps: ConsoleRoutesDeps): Promise<void> {
  const routes = { ...deps, log: deps.ctx.logger.child({ component: 'console' }) };
  await app.register(
    async (scope) => {
      scope.addHook('onSend', async (_request, reply, payload) => {
        addSecurityHeaders(reply);
        return payload;
      });
      scope.setErrorHandler((error: { statusCode?: number }, request, reply) =>
        sendConsoleError(routes.log, error, request, reply),
      );
      registerAssetRoutes(scope);
      registerLoginRoutes(scope, routes);
      registerPageRoutes(scope, routes);
      registerActionRoutes(scope, routes);
      registerEventRoutes(scope, routes);
    },
    { prefix: '/console' },
  );
}

function addSecurityHeaders(reply: FastifyReply): void {
  reply.headers(SECURITY_HEADERS);
  // Pages carry a session's data and CSRF token: never cached. The two assets say otherwise.
  if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
}

/** A failure inside the console: logged with its cause, answered without it. */
function sendConsoleError(
  log: Logger,
  error: { statusCode?: number },
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply {
  const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 503;
  log.error({ err: describeError(error), path: request.routeOptions.url }, 'console request failed');
  return reply
    .code(status)
    .type('text/plain')
    .send(status === 503 ? 'The console is unavailable.' : 'Bad request.');
}
