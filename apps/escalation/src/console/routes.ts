import { describeError } from '@voice/shared/errors';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { HandoffContext } from '../routing/context.js';
import type { ActionResult, ConsoleActions } from './actions.js';
import { CONSOLE_SCRIPT, CONSOLE_STYLES } from './assets.js';
import type { ConsoleAuth, SignedIn } from './auth.js';
import { dashboardFragment, dashboardPage } from './pages/dashboard.js';
import { detailFragment, detailPage } from './pages/detail.js';
import { isNoticeCode, type NoticeCode } from './pages/layout.js';
import { loginPage } from './pages/login.js';
import type { ConsoleEventHub } from './sse.js';
import { loadDashboard, loadDetail } from './views.js';

/** What the console routes are built from. */
export interface ConsoleRoutesDeps {
  ctx: HandoffContext;
  auth: ConsoleAuth;
  actions: ConsoleActions;
  hub: ConsoleEventHub;
}

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};
const ASSET_MAX_AGE_SECONDS = 300;

const loginBody = z.object({ token: z.string().max(512) });
const formBody = z.object({ _csrf: z.string().max(200), return_to: z.string().max(300).optional() });
const availabilityBody = formBody.extend({ available: z.enum(['on', 'off']) });
const idParams = z.object({ id: z.string().min(1).max(200) });
const noticeQuery = z.object({ notice: z.string().max(40).optional() });

/** Only console paths: a form cannot send the browser anywhere else. */
function safeReturn(path: string | undefined): string {
  return path && /^\/console(\/[A-Za-z0-9._~%-]*)*$/.test(path) ? path : '/console';
}

function noticeOf(request: FastifyRequest): NoticeCode | undefined {
  const query = noticeQuery.safeParse(request.query);
  return query.success && isNoticeCode(query.data.notice) ? query.data.notice : undefined;
}

/**
 * The human agents' console under `/console`: server-rendered pages, one script, a live
 * `text/event-stream`. Pages without a session answer 401 with the sign-in form; every other
 * call without one is a plain 401; every form post needs the session's CSRF token (403).
 */
export async function registerConsoleRoutes(app: FastifyInstance, deps: ConsoleRoutesDeps): Promise<void> {
  const { ctx, auth, actions, hub } = deps;
  const log = ctx.logger.child({ component: 'console' });

  await app.register(
    async (scope) => {
      scope.addHook('onSend', async (_request, reply, payload) => {
        reply.headers(SECURITY_HEADERS);
        // Pages carry a session's data and CSRF token: never cached. The two assets say otherwise.
        if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
        return payload;
      });
      scope.setErrorHandler((error: { statusCode?: number }, request, reply) => {
        const status = error.statusCode && error.statusCode < 500 ? error.statusCode : 503;
        log.error({ err: describeError(error), path: request.routeOptions.url }, 'console request failed');
        return reply
          .code(status)
          .type('text/plain')
          .send(status === 503 ? 'The console is unavailable.' : 'Bad request.');
      });

      const page = (reply: FastifyReply, body: string) => reply.type('text/html; charset=utf-8').send(body);
      /** The signed-in human, or a 401 already sent: the sign-in form for a page, plain text otherwise. */
      const signedIn = async (
        request: FastifyRequest,
        reply: FastifyReply,
        kind: 'page' | 'api',
      ): Promise<SignedIn | undefined> => {
        const found = await auth.signedIn(request);
        if (found) return found;
        if (kind === 'page') await page(reply.code(401), loginPage({ failed: false }));
        else await reply.code(401).type('text/plain').send('Sign in first.');
        return undefined;
      };

      /** A signed-in form post with a valid CSRF token, or a 401/403 already sent. */
      const signedInForm = async <S extends z.ZodType<{ _csrf: string; return_to?: string | undefined }>>(
        request: FastifyRequest,
        reply: FastifyReply,
        schema: S,
      ): Promise<(SignedIn & { body: z.output<S> }) | undefined> => {
        const found = await signedIn(request, reply, 'api');
        if (!found) return undefined;
        const body = schema.safeParse(request.body);
        if (!body.success || !auth.checkCsrf(found.session, body.data._csrf)) {
          log.warn({ humanAgentId: found.human.id }, 'console form without a valid csrf token refused');
          await reply.code(403).type('text/plain').send('Forbidden.');
          return undefined;
        }
        return { ...found, body: body.data };
      };

      const back = (
        reply: FastifyReply,
        returnTo: string | undefined,
        result: ActionResult,
        success: NoticeCode,
      ) => reply.redirect(`${safeReturn(returnTo)}?notice=${result.ok ? success : result.refusal}`, 303);

      scope.get('/assets/console.js', async (_request, reply) =>
        reply
          .type('text/javascript; charset=utf-8')
          .header('cache-control', `max-age=${ASSET_MAX_AGE_SECONDS}`)
          .send(CONSOLE_SCRIPT),
      );
      scope.get('/assets/console.css', async (_request, reply) =>
        reply
          .type('text/css; charset=utf-8')
          .header('cache-control', `max-age=${ASSET_MAX_AGE_SECONDS}`)
          .send(CONSOLE_STYLES),
      );

      scope.get('/login', async (_request, reply) => page(reply, loginPage({ failed: false })));

      scope.post('/login', async (request, reply) => {
        const body = loginBody.safeParse(request.body);
        const human = body.success ? await auth.login(body.data.token) : undefined;
        if (!human) {
          log.warn('console sign-in with an unknown token');
          return page(reply.code(401), loginPage({ failed: true }));
        }
        log.info({ humanAgentId: human.id }, 'console sign-in');
        return reply.header('set-cookie', auth.sessionCookie(human.id)).redirect('/console', 303);
      });

      scope.post('/logout', async (_request, reply) =>
        reply.header('set-cookie', auth.clearedCookie()).redirect('/console/login', 303),
      );

      scope.get('/', async (request, reply) => {
        const found = await signedIn(request, reply, 'page');
        if (!found) return reply;
        const input = {
          human: found.human,
          csrf: auth.csrfToken(found.session),
          now: ctx.now(),
          notice: noticeOf(request),
        };
        return page(reply, dashboardPage(await loadDashboard(ctx.db, input)));
      });

      scope.get('/fragment', async (request, reply) => {
        const found = await signedIn(request, reply, 'api');
        if (!found) return reply;
        const input = { human: found.human, csrf: auth.csrfToken(found.session), now: ctx.now() };
        return page(reply, dashboardFragment(await loadDashboard(ctx.db, input)).value);
      });

      const detail = async (request: FastifyRequest, reply: FastifyReply, fragment: boolean) => {
        const found = await signedIn(request, reply, fragment ? 'api' : 'page');
        if (!found) return reply;
        const params = idParams.safeParse(request.params);
        const input = {
          human: found.human,
          csrf: auth.csrfToken(found.session),
          now: ctx.now(),
          notice: noticeOf(request),
        };
        const view = params.success ? await loadDetail(ctx.db, params.data.id, input) : undefined;
        if (!view) return reply.code(404).type('text/plain').send('No such escalation in your queue.');
        return page(reply, fragment ? detailFragment(view).value : detailPage(view));
      };
      scope.get('/escalations/:id', (request, reply) => detail(request, reply, false));
      scope.get('/escalations/:id/fragment', (request, reply) => detail(request, reply, true));

      scope.post('/availability', async (request, reply) => {
        const form = await signedInForm(request, reply, availabilityBody);
        if (!form) return reply;
        const available = form.body.available === 'on';
        await actions.setAvailability(form.human, available);
        log.info({ humanAgentId: form.human.id, available }, 'availability set');
        return back(reply, form.body.return_to, { ok: true }, available ? 'available' : 'away');
      });

      for (const action of ['accept', 'resolve'] as const) {
        scope.post(`/escalations/:id/${action}`, async (request, reply) => {
          const form = await signedInForm(request, reply, formBody);
          if (!form) return reply;
          const params = idParams.safeParse(request.params);
          if (!params.success) return reply.code(400).type('text/plain').send('Bad escalation id.');
          const result = await actions[action](form.human, params.data.id);
          log.info(
            { humanAgentId: form.human.id, escalationId: params.data.id, action, ok: result.ok },
            'console action',
          );
          return back(reply, form.body.return_to, result, action === 'accept' ? 'accepted' : 'resolved');
        });
      }

      scope.get('/events', async (request, reply) => {
        const found = await signedIn(request, reply, 'api');
        if (!found) return reply;
        reply.hijack();
        hub.attach(reply.raw);
        return reply;
      });
    },
    { prefix: '/console' },
  );
}
