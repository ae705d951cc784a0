import { mayAccept } from '../../domain/permissions.js';
import type { Escalation } from '../../store/escalations.js';
import type { HumanAgent } from '../../store/humans.js';
import { html, type SafeHtml } from '../html.js';
import { age, clip, escalationPath, label, maskedCaller } from './format.js';
import { hiddenFields, type NoticeCode, signedInPage } from './layout.js';

/** What the queue page shows one human. */
export interface DashboardView {
  human: HumanAgent;
  csrf: string;
  /** Open escalations of the human's queue, most urgent and oldest first. */
  open: Escalation[];
  /** Recently resolved or failed. */
  history: Escalation[];
  /** Human names by id, for "handled by". */
  names: ReadonlyMap<string, string>;
  now: Date;
  notice?: NoticeCode | undefined;
}

export const DASHBOARD_LIVE_URL = '/console/fragment';
const SUMMARY_PREVIEW_CHARS = 160;

function row(view: DashboardView, escalation: Escalation, withActions: boolean): SafeHtml {
  const handledBy = escalation.humanAgentId
    ? (view.names.get(escalation.humanAgentId) ?? escalation.humanAgentId)
    : '';
  const acceptable = withActions && mayAccept(escalation, view.human);
  return html`<tr data-escalation-id="${escalation.id}" data-status="${escalation.status}" class="priority-${escalation.priority} status-${escalation.status}">
  <td><span class="badge priority">${escalation.priority}</span></td>
  <td><span class="badge status">${label(escalation.status)}</span></td>
  <td class="reason"><a href="${escalationPath(escalation.id)}">${escalation.reason}</a></td>
  <td class="summary">${clip(escalation.summary, SUMMARY_PREVIEW_CHARS)}</td>
  <td class="caller">${maskedCaller(escalation.caller)}</td>
  <td>${age(escalation.requestedAt, view.now)}</td>
  <td>${handledBy}</td>
  <td>${
    acceptable &&
    html`<form class="inline" method="post" action="${escalationPath(escalation.id, 'accept')}">${hiddenFields(view.csrf, '/console')}<button type="submit">Accept</button></form>`
  }</td>
</tr>`;
}

function table(view: DashboardView, rows: Escalation[], withActions: boolean, empty: string): SafeHtml {
  if (rows.length === 0) return html`<p class="empty">${empty}</p>`;
  return html`<table>
<thead><tr><th>Priority</th><th>Status</th><th>Reason</th><th>Summary</th><th>Caller</th><th>Age</th><th>Human</th><th></th></tr></thead>
<tbody>${rows.map((escalation) => row(view, escalation, withActions))}</tbody>
</table>`;
}

/** The live region of the queue page: re-rendered on every change. */
export function dashboardFragment(view: DashboardView): SafeHtml {
  const current = view.human.currentEscalationId;
  const currentReason = view.open.find((escalation) => escalation.id === current)?.reason ?? 'an escalation';
  return html`<section id="me">
  ${
    current
      ? html`<p>You are handling <a href="${escalationPath(current)}" id="current-escalation">${currentReason}</a>.</p>`
      : html`<p class="empty">You are not handling an escalation.</p>`
  }
</section>
<section id="queue">
  <h2>Live queue <span class="badge" id="queue-count">${view.open.length}</span></h2>
  ${table(view, view.open, true, 'Nobody is waiting.')}
</section>
<section id="history">
  <h2>History</h2>
  ${table(view, view.history, false, 'Nothing resolved yet.')}
</section>`;
}

export function dashboardPage(view: DashboardView): string {
  return signedInPage({
    title: 'Escalations',
    human: view.human,
    csrf: view.csrf,
    returnTo: '/console',
    liveUrl: DASHBOARD_LIVE_URL,
    notice: view.notice,
    content: dashboardFragment(view),
  });
}
