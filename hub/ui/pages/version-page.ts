import type { RepositoryKind } from '../../db/schema.js';
import type { VersionView } from '../../registry/versions.js';
import { copyable } from '../layout.js';
import { formatSize, formatTime, html } from '../html.js';
import type { UiSession } from '../session.js';

interface Tensor {
  name?: string;
  dtype?: string;
  shape?: unknown[];
}

interface AliasInfo {
  aliases: { alias: string; version: string; updatedBy: string; updatedAt: string }[];
  history: { alias: string; version: string | null; movedBy: string; movedAt: string }[];
}

export interface VersionPageData {
  kind: RepositoryKind;
  view: VersionView;
  manifest: Record<string, unknown>;
  files: Record<string, string>;
  aliases: AliasInfo;
  hubUrl: string;
  session: UiSession | undefined;
  canWrite: boolean;
}

const tensors = (list: unknown) =>
  Array.isArray(list) ? list.map((t: Tensor) => html`<div><code>${t.name}</code> <span class="pill">${t.dtype}</span> <code>[${(t.shape ?? []).map(String).join(', ')}]</code></div>`) : '';

const describeType = (value: unknown) => {
  if (!value || typeof value !== 'object') return '';
  const { type, ...rest } = value as { type?: string };
  const details = Object.entries(rest).filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object');
  return html`<span class="pill">${type}</span> ${details.map(([k, v]) => html`<span class="muted">${k}=${String(v)}</span> `)}`;
};

/** One version: what it serves, what it runs, how big, how to get it, where its aliases point. */
export function renderVersion(data: VersionPageData) {
  const { kind, view, manifest } = data;
  const tag = `${view.name}:${view.version}`;
  const base = `/ui/${kind}s/${view.name}/${view.version}`;
  const apis = Array.isArray(manifest.apis) ? (manifest.apis as { name: string; route: string; input: unknown; output: unknown; model?: string; handler?: string }[]) : [];
  const models = Array.isArray(manifest.models) ? (manifest.models as { name: string; sha256: string; size_bytes: number; inputs: unknown; outputs: unknown }[]) : [];
  const signature = (manifest.signature ?? {}) as { inputs?: unknown; outputs?: unknown };
  const pull = kind === 'bento' ? `bentoc pull ${tag}` : `bentoc models pull ${tag}`;
  return html`<p class="muted"><a href="/ui/${kind}s">${kind === 'bento' ? 'Bentos' : 'Models'}</a> / <a href="/ui/${kind}s/${view.name}">${view.name}</a> /</p>
<h1>${view.name} <code class="muted" style="font-size:18px">${view.version}</code></h1>
<p class="sub">${(manifest.description as string | undefined) ?? ''} ${view.aliases.map((a) => html`<span class="pill alias">${a}</span>`)}</p>
<div class="grid">
  <div class="stat"><b>Archive size</b><span>${formatSize(view.size)}</span></div>
  <div class="stat"><b>Pushed</b><span>${formatTime(view.createdAt)} by ${view.pushedBy}</span></div>
  <div class="stat"><b>sha256</b><span><code>${view.digest}</code></span></div>
  <div class="stat"><b>Labels</b><span>${Object.entries(view.labels).map(([k, v]) => html`<span class="pill">${k}=${v}</span>`)}${Object.keys(view.labels).length === 0 ? '—' : ''}</span></div>
</div>
<h2>Get it</h2>
${copyable(`bentoc login ${data.hubUrl} --token <token>`)}
${copyable(pull)}
${kind === 'bento' ? [copyable(`bentoc serve ${tag}`), copyable(`bentoc containerize ${tag} -t ${view.name}:${view.version}`)] : copyable(`# in a bentofile\nartifacts:\n  - name: ${view.name}\n    model: ${tag}`)}
${
  kind === 'bento'
    ? html`<h2>APIs ${data.files['openapi.json'] ? html`<a style="font-size:13px;font-weight:400;margin-left:8px" href="${base}/api">Open the OpenAPI spec in Swagger UI →</a>` : ''}</h2>
<table><thead><tr><th>API</th><th>Route</th><th>Input</th><th>Output</th><th>Runs</th></tr></thead><tbody>
${apis.map((a) => html`<tr><td><b>${a.name}</b></td><td><code>POST ${a.route}</code></td><td>${describeType(a.input)}</td><td>${describeType(a.output)}</td><td>${a.model ? html`model <code>${a.model}</code>` : html`handler <code>${a.handler}</code>`}</td></tr>`)}
</tbody></table>
<h2>Models</h2>
${
  models.length === 0
    ? html`<div class="card empty">No models in this bento.</div>`
    : html`<table><thead><tr><th>Model</th><th>Inputs</th><th>Outputs</th><th>Size</th><th>sha256</th></tr></thead><tbody>
${models.map((m) => html`<tr><td><b>${m.name}</b></td><td>${tensors(m.inputs)}</td><td>${tensors(m.outputs)}</td><td>${formatSize(m.size_bytes ?? 0)}</td><td><code>${String(m.sha256).slice(0, 16)}…</code></td></tr>`)}
</tbody></table>`
}`
    : html`<h2>Signature</h2>
<table><thead><tr><th>Inputs</th><th>Outputs</th><th>Model size</th><th>ONNX sha256</th></tr></thead><tbody>
<tr><td>${tensors(signature.inputs)}</td><td>${tensors(signature.outputs)}</td><td>${formatSize(Number(manifest.sizeBytes ?? 0))}</td><td><code>${String(manifest.sha256 ?? '')}</code></td></tr>
</tbody></table>`
}
<h2>Aliases</h2>
${data.canWrite && data.session ? html`<form class="toolbar" method="post" action="${base}/alias"><input type="hidden" name="_csrf" value="${data.session.csrf}"><input type="text" name="alias" placeholder="alias, e.g. production" required><button type="submit">Point alias here</button></form>` : ''}
<table><thead><tr><th>Alias</th><th>Points at</th><th>Moved</th></tr></thead><tbody>
${data.aliases.aliases.map((a) => html`<tr><td><span class="pill alias">${a.alias}</span></td><td><a href="/ui/${kind}s/${view.name}/${a.version}"><code>${a.version}</code></a></td><td class="muted">${formatTime(a.updatedAt)} by ${a.updatedBy}</td></tr>`)}
</tbody></table>
<details style="margin-top:10px"><summary class="muted">History of alias moves</summary>
<table style="margin-top:8px"><tbody>${data.aliases.history.map((h) => html`<tr><td><span class="pill alias">${h.alias}</span></td><td>${h.version ? html`→ <code>${h.version}</code>` : html`<span class="muted">removed</span>`}</td><td class="muted">${formatTime(h.movedAt)} by ${h.movedBy}</td></tr>`)}</tbody></table>
</details>
${data.files.Dockerfile ? html`<h2>Dockerfile</h2><pre>${data.files.Dockerfile}</pre>` : ''}
${
  data.canWrite && data.session
    ? html`<h2>Delete</h2><form method="post" action="${base}/delete" onsubmit="return confirm('Delete ${tag}? Its aliases go with it, and its blob is freed when no other version uses it.')"><input type="hidden" name="_csrf" value="${data.session.csrf}"><button class="danger" type="submit">Delete ${tag}</button></form>`
    : ''
}`;
}
