import type { RepositoryKind } from '../../db/schema.js';
import type { VersionView } from '../../registry/versions.js';
import { formatSize, formatTime, html } from '../html.js';

export function renderRepository(kind: RepositoryKind, name: string, versions: { items: VersionView[]; total: number }, label: string) {
  return html`<p class="muted"><a href="/ui/${kind}s">${kind === 'bento' ? 'Bentos' : 'Models'}</a> /</p>
<h1>${name}</h1>
<p class="sub">${versions.total} version${versions.total === 1 ? '' : 's'}${versions.items.length < versions.total ? ` · showing the newest ${versions.items.length}${label ? ' that match' : ''}` : ''}</p>
<form class="toolbar" method="get">
  <input type="text" name="label" value="${label}" placeholder="label filter, e.g. stage=prod" aria-label="Label filter">
  <button type="submit">Filter</button>
</form>
<table><thead><tr><th>Version</th><th>Aliases</th><th>Labels</th><th>Size</th><th>Pushed</th></tr></thead><tbody>
${versions.items.map(
  (v) => html`<tr>
  <td><a href="/ui/${kind}s/${name}/${v.version}"><code>${v.version}</code></a></td>
  <td>${v.aliases.map((a) => html`<span class="pill alias">${a}</span>`)}</td>
  <td>${Object.entries(v.labels).map(([k, val]) => html`<span class="pill">${k}=${val}</span>`)}</td>
  <td>${formatSize(v.size)}</td>
  <td class="muted">${formatTime(v.createdAt)} by ${v.pushedBy}</td>
</tr>`,
)}
</tbody></table>`;
}
