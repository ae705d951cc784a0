import { mayAccept, mayResolve } from '../../domain/permissions.js';
import type { AttemptView } from '../../store/attempts.js';
import type { Escalation } from '../../store/escalations.js';
import type { HumanAgent } from '../../store/humans.js';
import { html, type SafeHtml } from '../html.js';
import { age, escalationPath, label, maskedCaller } from './format.js';
import { hiddenFields, type NoticeCode, signedInPage } from './layout.js';

/** What one escalation's page shows. */
export interface DetailView {
  human: HumanAgent;
  csrf: string;
  escalation: Escalation;
  attempts: AttemptView[];
  names: ReadonlyMap<string, string>;
  now: Date;
  notice?: NoticeCode | undefined;
}

function actions(view: DetailView): SafeHtml {
  const { escalation, human, csrf } = view;
  const back = escalationPath(escalation.id);
  const accept =
    mayAccept(escalation, human) &&
    html`<form class="inline" method="post" action="${escalationPath(escalation.id, 'accept')}">${hiddenFields(csrf, back)}<button type="submit" id="accept">Accept</button></form>`;
  const resolve =
    mayResolve(escalation, human) &&
    html`<form class="inline" method="post" action="${escalationPath(escalation.id, 'resolve')}">${hiddenFields(csrf, back)}<button type="submit" id="resolve">Resolve</button></form>`;
  return html`<p class="actions">${accept} ${resolve}</p>`;
}

function attemptsTable(view: DetailView): SafeHtml {
  if (view.attempts.length === 0) return html`<p class="empty">No human has been rung.</p>`;
  return html`<table id="attempts">
<thead><tr><th>Human</th><th>Outcome</th><th>Rung</th></tr></thead>
<tbody>${view.attempts.map(
    (attempt) =>
      html`<tr><td>${view.names.get(attempt.humanAgentId) ?? attempt.humanAgentId}</td><td>${label(attempt.status)}</td><td>${age(attempt.startedAt, view.now)} ago</td></tr>`,
  )}</tbody>
</table>`;
}

function transcript(escalation: Escalation): SafeHtml {
  if (escalation.transcript.length === 0) return html`<p class="empty">No transcript.</p>`;
  return html`<ol class="transcript" id="transcript">${escalation.transcript.map(
    (turn) =>
      html`<li class="${turn.role}"><span class="role">${turn.role === 'caller' ? 'Caller' : 'Agent'}</span><span class="text">${turn.text}</span></li>`,
  )}</ol>`;
}

/** The live region of an escalation's page. */
export function detailFragment(view: DetailView): SafeHtml {
  const { escalation } = view;
  const handledBy = escalation.humanAgentId
    ? (view.names.get(escalation.humanAgentId) ?? escalation.humanAgentId)
    : 'nobody yet';
  return html`<section id="escalation" data-escalation-id="${escalation.id}" data-status="${escalation.status}" class="priority-${escalation.priority} status-${escalation.status}">
  <h2 id="reason">${escalation.reason}</h2>
  ${actions(view)}
  <dl>
    <dt>Status</dt><dd><span class="badge status" id="status">${label(escalation.status)}</span></dd>
    <dt>Priority</dt><dd><span class="badge priority">${escalation.priority}</span></dd>
    ${escalation.skills.length > 0 && html`<dt>Needs</dt><dd id="skills">${escalation.skills.join(', ')}</dd>`}
    <dt>Caller</dt><dd>${maskedCaller(escalation.caller)}</dd>
    <dt>Waiting since</dt><dd>${age(escalation.requestedAt, view.now)} ago</dd>
    <dt>Handled by</dt><dd id="handled-by">${handledBy}</dd>
    ${escalation.callbackAt && html`<dt>Call back by</dt><dd><time datetime="${escalation.callbackAt.toISOString()}">${escalation.callbackAt.toISOString()}</time></dd>`}
    ${escalation.message && html`<dt>Caller was told</dt><dd>${escalation.message}</dd>`}
    ${escalation.failureReason && html`<dt>Failure</dt><dd>${escalation.failureReason}</dd>`}
  </dl>
</section>
<section>
  <h2>Summary</h2>
  <p id="summary">${escalation.summary}</p>
</section>
<section>
  <h2>Transfer attempts</h2>
  ${attemptsTable(view)}
</section>
<section>
  <h2>Transcript</h2>
  ${transcript(escalation)}
</section>`;
}

export function detailPage(view: DetailView): string {
  const path = escalationPath(view.escalation.id);
  return signedInPage({
    title: `${view.escalation.reason} · Escalations`,
    human: view.human,
    csrf: view.csrf,
    returnTo: path,
    liveUrl: escalationPath(view.escalation.id, 'fragment'),
    notice: view.notice,
    content: detailFragment(view),
  });
}
