import { html } from '../html.js';
import { htmlDocument } from './layout.js';

export function loginPage(options: { failed: boolean }): string {
  return htmlDocument(
    'Sign in · Escalations',
    html`<main class="login">
  <section>
    <h2>Human agents console</h2>
    ${options.failed && html`<p class="notice refused" role="alert">That token is not valid.</p>`}
    <form method="post" action="/console/login">
      <label for="token">Console token</label>
      <input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
      <button type="submit">Sign in</button>
    </form>
  </section>
</main>`,
  );
}
