import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { dashboardFragment, dashboardPage } from './pages/dashboard.js';
import { detailFragment, detailPage } from './pages/detail.js';
import { type ConsoleRouteContext, idParams, noticeOf, sendPage, signedIn } from './route-guards.js';
import { loadDashboard, loadDetail } from './views.js';

/**
 * The dashboard and one escalation's detail, each as a whole page and as the fragment the
 * console's script swaps in when the event stream says something changed.
 */
export function registerPageRoutes(scope: FastifyInstance, deps: ConsoleRouteContext): void {
  scope.get('/', (request, reply) => showDashboard(deps, request, reply));
  scope.get('/fragment', (request, reply) => showDashboardFragment(deps, request, reply));
  scope.get('/escalations/:id', (request, reply) => showDetail(deps, request, reply, false));
  scope.get('/escalations/:id/fragment', (request, reply) => showDetail(deps, request, reply, true));
}

async function showDashboard(
  deps: ConsoleRouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const found = await signedIn(deps, request, reply, 'page');
  if (!found) return reply;
  const input = {
    human: found.human,
    csrf: deps.auth.csrfToken(found.session),
    now: deps.ctx.now(),
    notice: noticeOf(request),
  };
  return sendPage(reply, dashboardPage(await loadDashboard(deps.ctx.db, input)));
}

async function showDashboardFragment(
  deps: ConsoleRouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<FastifyReply> {
  const found = await signedIn(deps, request, reply, 'api');
  if (!found) return reply;
  const input = { human: found.human, csrf: deps.auth.csrfToken(found.session), now: deps.ctx.now() };
  return sendPage(reply, dashboardFragment(await loadDashboard(deps.ctx.db, input)).value);
}

async function showDetail(
  deps: ConsoleRouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  fragment: boolean,
): Promise<FastifyReply> {
  const found = await signedIn(deps, request, reply, fragment ? 'api' : 'page');
  if (!found) return reply;
  const params = idParams.safeParse(request.params);
  const input = {
    human: found.human,
    csrf: deps.auth.csrfToken(found.session),
    now: deps.ctx.now(),
    notice: noticeOf(request),
  };
  const view = params.success ? await loadDetail(deps.ctx.db, params.data.id, input) : undefined;
  if (!view) return reply.code(404).type('text/plain').send('No such escalation in your queue.');
  return sendPage(reply, fragment ? detailFragment(view).value : detailPage(view));
}
