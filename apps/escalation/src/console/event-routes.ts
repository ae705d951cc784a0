import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type ConsoleRouteContext, signedIn } from './route-guards.js';

/** The live `text/event-stream` that tells an open console which escalation changed. */
export function registerEventRoutes(scope: FastifyInstance, deps: ConsoleRouteContext): void {
  scope.get('/events', (request, reply) => streamEvents(deps, request, reply));
}

async function streamEvents(
  deps: ConsoleRouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const found = await signedIn(deps, request, reply, 'api');
  if (!found) return reply;
  // The hub owns the raw response from here on: Fastify must not answer it.
  reply.hijack();
  deps.hub.attach(reply.raw);
  return reply;
}
