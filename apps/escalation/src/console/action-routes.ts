import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { ActionResult } from './actions.js';
import type { NoticeCode } from './pages/layout.js';
import { type ConsoleRouteContext, formBody, idParams, signedInForm } from './route-guards.js';

const availabilityBody = formBody.extend({ available: z.enum(['on', 'off']) });
const ACTIONS = ['accept', 'resolve'] as const;
type EscalationAction = (typeof ACTIONS)[number];

/**
 * The console's form posts: availability, and accepting or resolving an escalation. Each
 * answers with a redirect back to the page it came from, carrying the notice to show.
 */
export function registerActionRoutes(scope: FastifyInstance, deps: ConsoleRouteContext): void {
  scope.post('/availability', (request, reply) => setAvailability(deps, request, reply));
  for (const action of ACTIONS) {
    scope.post(`/escalations/:id/${action}`, (request, reply) => act(deps, action, request, reply));
  }
}

async function setAvailability(
  deps: ConsoleRouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const form = await signedInForm(deps, request, reply, availabilityBody);
  if (!form) return reply;
  const available = form.body.available === 'on';
  await deps.actions.setAvailability(form.human, available);
  deps.log.info({ humanAgentId: form.human.id, available }, 'availability set');
  return redirectBack(reply, form.body.return_to, { ok: true }, available ? 'available' : 'away');
}

async function act(
  deps: ConsoleRouteContext,
  action: EscalationAction,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const form = await signedInForm(deps, request, reply, formBody);
  if (!form) return reply;
  const params = idParams.safeParse(request.params);
  if (!params.success) return reply.code(400).type('text/plain').send('Bad escalation id.');
  const result = await deps.actions[action](form.human, params.data.id);
  deps.log.info(
    { humanAgentId: form.human.id, escalationId: params.data.id, action, ok: result.ok },
    'console action',
  );
  return redirectBack(reply, form.body.return_to, result, action === 'accept' ? 'accepted' : 'resolved');
}

function redirectBack(
  reply: FastifyReply,
  returnTo: string | undefined,
  result: ActionResult,
  success: NoticeCode,
): FastifyReply {
  return reply.redirect(`${safeReturn(returnTo)}?notice=${result.ok ? success : result.refusal}`, 303);
}

/** Only console paths: a form cannot send the browser anywhere else. */
function safeReturn(path: string | undefined): string {
  return path && /^\/console(\/[A-Za-z0-9._~%-]*)*$/.test(path) ? path : '/console';
}
