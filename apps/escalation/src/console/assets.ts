/**
 * The console's only script and stylesheet, served from this app (no build step). The page
 * has no inline script, so the Content-Security-Policy can forbid any.
 * The script keeps one `EventSource` open and, on each change, re-reads the server-rendered
 * view of the page's live region (`data-live-url`): all escaping stays on the server.
 */
export const CONSOLE_SCRIPT = `'use strict';
(() => {
  const live = document.querySelector('[data-live-url]');
  if (!live) return;
  const url = live.getAttribute('data-live-url');
  let timer = null;
  let running = false;
  let again = false;
  const refresh = async () => {
    if (running) { again = true; return; }
    running = true;
    try {
      const response = await fetch(url, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (response.status === 401) { window.location.assign('/console/login'); return; }
      if (response.ok) {
        live.innerHTML = await response.text();
        document.body.dataset.refreshedAt = String(Date.now());
      }
    } catch (error) {
      document.body.dataset.live = 'off';
    } finally {
      running = false;
      if (again) { again = false; schedule(); }
    }
  };
  const schedule = () => {
    if (timer !== null) return;
    timer = setTimeout(() => { timer = null; refresh(); }, 25);
  };
  const events = new EventSource('/console/events');
  events.addEventListener('open', () => { document.body.dataset.live = 'on'; schedule(); });
  events.addEventListener('error', () => { document.body.dataset.live = 'off'; });
  events.addEventListener('escalation', schedule);
})();
`;

export const CONSOLE_STYLES = `
:root { color-scheme: light; --ink: #1d2330; --muted: #5b6475; --line: #dde2ea; --accent: #1f6feb; --bg: #f6f8fb; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
header { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; justify-content: space-between; padding: 12px 24px; background: #fff; border-bottom: 1px solid var(--line); }
header h1 { font-size: 18px; margin: 0; }
header .who { color: var(--muted); }
main { padding: 16px 24px 40px; max-width: 1200px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin-bottom: 16px; }
h2 { font-size: 16px; margin: 4px 0 12px; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 8px 6px; border-top: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); border-top: 0; }
td.summary { color: var(--muted); max-width: 380px; }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; background: #eef1f6; white-space: nowrap; }
.priority-urgent .priority, .priority-high .priority { background: #ffe3e0; color: #a4161a; }
.status-queued .status, .status-callback_scheduled .status { background: #fff4d6; color: #7a5200; }
.status-connected .status, .status-dialing .status { background: #ddf4e4; color: #11612e; }
.status-failed .status { background: #ffe3e0; color: #a4161a; }
.empty { color: var(--muted); }
form.inline { display: inline; margin: 0; }
button { font: inherit; padding: 4px 12px; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
.notice { padding: 8px 12px; border-radius: 6px; background: #e8f1ff; margin-bottom: 12px; }
.notice.refused { background: #ffe3e0; }
dl { display: grid; grid-template-columns: 160px 1fr; gap: 6px 12px; margin: 0; }
dt { color: var(--muted); }
dd { margin: 0; }
ol.transcript { list-style: none; padding: 0; margin: 0; }
ol.transcript li { padding: 6px 0; border-top: 1px solid var(--line); }
ol.transcript .role { font-weight: 600; margin-right: 8px; }
ol.transcript li.agent .role { color: var(--accent); }
.live-state::before { content: "● "; color: #b0b7c3; }
body[data-live="on"] .live-state::before { color: #1a7f37; }
.login { max-width: 380px; margin: 80px auto; }
.login input { width: 100%; padding: 8px; margin: 8px 0 12px; font: inherit; }
`;
