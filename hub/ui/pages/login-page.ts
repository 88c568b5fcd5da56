import { html } from '../html.js';

export function renderLogin(error?: string, next?: string) {
  return html`<div class="login card">
  <h1>Sign in</h1>
  <p class="sub">Paste an API token (bch_…). A hub admin creates them with <code>bentoc hub token create</code> or on the Tokens page.</p>
  ${error ? html`<div class="error">${error}</div>` : ''}
  <form method="post" action="/ui/login${next ? `?next=${encodeURIComponent(next)}` : ''}">
    <label for="token">API token</label>
    <input id="token" name="token" type="password" autocomplete="off" placeholder="bch_…" required autofocus>
    <button type="submit">Sign in</button>
  </form>
</div>`;
}
