import type { Logger } from '@voice/shared/logging';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HandoffContext } from '../routing/context.js';
import type { ConsoleActions } from './actions.js';
import type { ConsoleAuth, SignedIn } from './auth.js';
import { isNoticeCode, type NoticeCode } from './pages/layout.js';
import { loginPage } from './pages/login.js';
import type { ConsoleEventHub } from './sse.js';

/** What the console routes are built from. */
export interface ConsoleRoutesDeps {
  ctx: HandoffContext;
  auth: ConsoleAuth;
  actions: ConsoleActions;
  hub: ConsoleEventHub;
}

/** The routes' dependencies and the console's logger, handed to every group of routes. */
export interface ConsoleRouteContext extends ConsoleRoutesDeps {
  log: Logger;
}

/** What every console form posts. */
export const formBody = z.object({ _csrf: z.string().max(200), return_to: z.string().max(300).optional() });
export const idParams = z.object({ id: z.string().min(1).max(200) });
const noticeQuery = z.object({ notice: z.string().max(40).optional() });

export function sendPage(reply: FastifyReply, body: string): FastifyReply {
  return reply.type('text/html; charset=utf-8').send(body);
}

/** The notice a redirect after a form post asked the page to show, if it is one the pages know. */
export function noticeOf(request: FastifyRequest): NoticeCode | undefined {
  const query = noticeQuery.safeParse(request.query);
  return query.success && isNoticeCode(query.data.notice) ? query.data.notice : undefined;
}

/** The signed-in human, or a 401 already sent: the sign-in form for a page, plain text otherwise. */
export async function signedIn(
  { auth }: ConsoleRouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  kind: 'page' | 'api',
): Promise<SignedIn | undefined> {
  const found = await auth.signedIn(request);
  if (found) return found;
  if (kind === 'page') await sendPage(reply.code(401), loginPage({ failed: false }));
  else await reply.code(401).type('text/plain').send('Sign in first.');
  return undefined;
}

/** A signed-in form post with a valid CSRF token, or a 401/403 already sent. */
export async function signedInForm<S extends z.ZodType<{ _csrf: string; return_to?: string | undefined }>>(
  deps: ConsoleRouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  schema: S,
): Promise<(SignedIn & { body: z.output<S> }) | undefined> {
  const found = await signedIn(deps, request, reply, 'api');
  if (!found) return undefined;
  const body = schema.safeParse(request.body);
  if (!body.success || !deps.auth.checkCsrf(found.session, body.data._csrf)) {
    deps.log.warn({ humanAgentId: found.human.id }, 'console form without a valid csrf token refused');
    await reply.code(403).type('text/plain').send('Forbidden.');
    return undefined;
  }
  return { ...found, body: body.data };
}
