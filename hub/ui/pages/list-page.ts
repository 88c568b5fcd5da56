import type { RepositoryKind } from '../../db/schema.js';
import { formatTime, html } from '../html.js';

export interface RepositoryRow {
  name: string;
  versions: number;
  updatedAt: string | null;
}

/** Bentos or models: search by name, filter by a label (`key=value`). */
export function renderRepositoryList(kind: RepositoryKind, rows: RepositoryRow[], filter: { q: string; label: string }) {
  const plural = kind === 'bento' ? 'Bentos' : 'Models';
  return html`<h1>${plural}</h1>
<p class="sub">${kind === 'bento' ? html`Packaged model servers, pushed with <code>bentoc push</code>.` : html`ONNX models, pushed with <code>bentoc models push</code>.`}</p>
<form class="toolbar" method="get">
  <input type="search" name="q" value="${filter.q}" placeholder="Search ${plural.toLowerCase()} by name" aria-label="Search">
  <input type="text" name="label" value="${filter.label}" placeholder="label, e.g. team=ml" aria-label="Label filter">
  <button type="submit">Filter</button>
</form>
${
  rows.length === 0
    ? html`<div class="card empty">No ${plural.toLowerCase()} ${filter.q || filter.label ? 'match this filter' : 'yet'}.</div>`
    : html`<table><thead><tr><th>Name</th><th>Versions</th><th>Last push</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td><a href="/ui/${kind}s/${r.name}"><b>${r.name}</b></a></td><td>${r.versions}</td><td class="muted">${formatTime(r.updatedAt)}</td></tr>`)}
</tbody></table>`
}`;
}
