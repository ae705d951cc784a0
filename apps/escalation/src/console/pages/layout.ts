import type { HumanAgent } from '../../store/humans.js';
import { html, type SafeHtml } from '../html.js';

/** Messages shown after an action; only these fixed texts, so nothing from the URL is reflected. */
export const NOTICES = {
  accepted: { text: 'Accepted. It is yours now.', refused: false },
  resolved: { text: 'Resolved.', refused: false },
  available: { text: 'You are available for transfers.', refused: false },
  away: { text: 'You are away: no transfers will ring you.', refused: false },
  not_found: { text: 'That escalation is not in your queue.', refused: true },
  not_allowed: { text: 'That escalation cannot take this action in its current state.', refused: true },
  busy: { text: 'You are already handling an escalation; resolve it first.', refused: true },
  taken: { text: 'Someone else took it first.', refused: true },
  call_ended: { text: 'The caller has already hung up.', refused: true },
  try_again: { text: 'The phone system did not answer; try again in a moment.', refused: true },
} as const;

/** The name of one of the fixed notices. */
export type NoticeCode = keyof typeof NOTICES;

export function isNoticeCode(value: unknown): value is NoticeCode {
  return typeof value === 'string' && Object.hasOwn(NOTICES, value);
}

export function notice(code: NoticeCode | undefined): SafeHtml {
  if (!code) return html``;
  const { text, refused } = NOTICES[code];
  return html`<p class="notice${refused ? ' refused' : ''}" role="status">${text}</p>`;
}

/** Every form carries the session's CSRF token and where to come back to. */
export function hiddenFields(csrf: string, returnTo: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="return_to" value="${returnTo}">`;
}

export function htmlDocument(title: string, body: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="stylesheet" href="/console/assets/console.css">
<script src="/console/assets/console.js" defer></script>
</head>
<body>
${body}
</body>
</html>`.value;
}

/** The signed-in page frame: who, availability, live state, sign out; `liveUrl` feeds the live region. */
export function signedInPage(input: {
  title: string;
  human: HumanAgent;
  csrf: string;
  returnTo: string;
  liveUrl: string;
  notice?: NoticeCode | undefined;
  content: SafeHtml;
}): string {
  const { human, csrf, returnTo } = input;
  return htmlDocument(
    input.title,
    html`<header>
  <h1><a href="/console">Escalations</a> <span class="who">· ${human.name} · ${human.queue}</span></h1>
  <div>
    <span class="live-state" id="live-state">live</span>
    <form class="inline" method="post" action="/console/availability">
      ${hiddenFields(csrf, returnTo)}
      <input type="hidden" name="available" value="${human.available ? 'off' : 'on'}">
      <span id="availability" data-available="${String(human.available)}">${human.available ? 'Available' : 'Away'}</span>
      <button type="submit" class="secondary" id="toggle-availability">${human.available ? 'Set away' : 'Set available'}</button>
    </form>
    <form class="inline" method="post" action="/console/logout">${hiddenFields(csrf, '/console/login')}<button type="submit" class="secondary">Sign out</button></form>
  </div>
</header>
<main>
${notice(input.notice)}
<div data-live-url="${input.liveUrl}">${input.content}</div>
</main>`,
  );
}
