import { formatTime, html } from '../html.js';
import type { UiSession } from '../session.js';

interface TokenRow {
  id: string;
  name: string;
  scopes: string[];
  admin: boolean;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Tokens: create (the secret shown once, here), list with last use and expiry, revoke. */
export function renderTokens(session: UiSession, tokens: TokenRow[], created?: { token: string; name: string }, error?: string) {
  return html`<h1>API tokens</h1>
<p class="sub">Only the sha256 of each secret is stored. Scopes: <code>read:&lt;pattern&gt;</code> or <code>write:&lt;pattern&gt;</code>; a pattern with a slash matches <code>bento/name</code> or <code>model/name</code>, e.g. <code>write:bento/iris*</code>.</p>
${created ? html`<div class="notice"><b>Token “${created.name}” created.</b> Copy it now: it will not be shown again.<div class="copy" style="margin-top:8px"><pre id="new-token">${created.token}</pre><button type="button" class="secondary" data-copy="${created.token}">Copy</button></div></div>` : ''}
${error ? html`<div class="error">${error}</div>` : ''}
<form class="card toolbar" method="post" action="/ui/tokens" style="align-items:center">
  <input type="hidden" name="_csrf" value="${session.csrf}">
  <input type="text" name="name" placeholder="name, e.g. ci-prod" required aria-label="Token name">
  <input type="text" name="scopes" placeholder="scopes, e.g. read:* write:bento/iris*" aria-label="Scopes" style="flex:1">
  <select name="expires" aria-label="Expires"><option value="30d">expires in 30 days</option><option value="90d">in 90 days</option><option value="1d">in 1 day</option><option value="never">never</option></select>
  <label><input type="checkbox" name="admin" value="1"> admin</label>
  <button type="submit">Create token</button>
</form>
<table><thead><tr><th>Name</th><th>Scopes</th><th>Created</th><th>Expires</th><th>Last used</th><th></th></tr></thead><tbody>
${tokens.map(
  (t) => html`<tr class="${t.revokedAt ? 'muted' : ''}">
  <td><b>${t.name}</b><div class="muted"><code>${t.id}</code></div></td>
  <td>${t.admin ? html`<span class="pill admin">admin</span>` : ''}${t.scopes.map((s) => html`<span class="pill">${s}</span>`)}</td>
  <td class="muted">${formatTime(t.createdAt)} by ${t.createdBy}</td>
  <td class="muted">${t.expiresAt ? formatTime(t.expiresAt) : 'never'}</td>
  <td class="muted">${formatTime(t.lastUsedAt)}</td>
  <td>${t.revokedAt ? html`revoked ${formatTime(t.revokedAt)}` : html`<form class="inline" method="post" action="/ui/tokens/${t.id}/revoke"><input type="hidden" name="_csrf" value="${session.csrf}"><button class="danger" type="submit" aria-label="Revoke ${t.name}">Revoke</button></form>`}</td>
</tr>`,
)}
</tbody></table>`;
}

interface AuditRow {
  id: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  details: Record<string, unknown>;
}

export function renderAudit(rows: AuditRow[], action: string, next?: number) {
  const actions = ['', 'push', 'pull', 'delete', 'alias.move', 'alias.remove', 'token.create', 'token.revoke', 'gc', 'session.create'];
  return html`<h1>Audit log</h1>
<p class="sub">Every push, pull, delete, alias move, token change and sign-in, newest first.</p>
<form class="toolbar" method="get"><select name="action" aria-label="Action">${actions.map((a) => html`<option value="${a}" ${a === action ? 'selected' : ''}>${a || 'all actions'}</option>`)}</select><button type="submit">Filter</button></form>
<table><thead><tr><th>When</th><th>Who</th><th>Action</th><th>Target</th><th>Details</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td class="muted nowrap">${formatTime(r.at)}</td><td>${r.actor}</td><td><span class="pill">${r.action}</span></td><td class="wrap"><code>${r.target}</code></td><td class="muted">${renderDetails(r.details)}</td></tr>`)}
</tbody></table>
${next ? html`<p><a href="/ui/audit?before=${next}&action=${action}">Older entries →</a></p>` : ''}`;
}

/** `key: value` per detail; long values (digests) shortened, the whole value kept in the tooltip. */
function renderDetails(details: Record<string, unknown>) {
  return Object.entries(details).map(([key, value]) => {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return html`<span class="pill" title="${text}">${key}: ${text.length > 28 ? `${text.slice(0, 12)}…` : text}</span>`;
  });
}
