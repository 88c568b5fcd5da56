import { html, type SafeHtml } from './html.js';
import type { UiSession } from './session.js';

export interface PageOptions {
  title: string;
  session: UiSession | undefined;
  /** Which nav entry is current. */
  section?: 'bentos' | 'models' | 'tokens' | 'audit';
  body: SafeHtml;
}

const styles = `
:root { --ink:#1c2430; --muted:#5d6b7c; --line:#e3e8ef; --bg:#f6f8fb; --card:#fff; --brand:#d9480f; --brand-soft:#fff1e8; --ok:#2b8a3e; --code:#0f172a; }
* { box-sizing: border-box; }
body { margin:0; font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; color:var(--ink); background:var(--bg); }
a { color:#1d4ed8; text-decoration:none; } a:hover { text-decoration:underline; }
header { background:#111827; color:#fff; }
header .bar { max-width:1120px; margin:0 auto; padding:0 24px; display:flex; align-items:center; gap:28px; height:56px; }
header .logo { font-weight:700; font-size:17px; color:#fff; letter-spacing:.2px; } header .logo span { color:#fb923c; }
header nav { display:flex; gap:6px; flex:1; }
header nav a { color:#cbd5e1; padding:6px 12px; border-radius:6px; } header nav a.on, header nav a:hover { background:#1f2937; color:#fff; text-decoration:none; }
header .who { color:#cbd5e1; display:flex; align-items:center; gap:10px; }
header .who form { margin:0; }
main { max-width:1120px; margin:0 auto; padding:28px 24px 64px; }
h1 { font-size:24px; margin:0 0 4px; } h2 { font-size:16px; margin:28px 0 10px; } .sub { color:var(--muted); margin:0 0 20px; }
.card { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:18px 20px; margin-bottom:16px; }
table { width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line); border-radius:10px; overflow:hidden; }
th, td { text-align:left; padding:10px 14px; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#f1f4f8; font-weight:600; color:var(--muted); font-size:12px; text-transform:uppercase; letter-spacing:.4px; }
tr:last-child td { border-bottom:0; }
code, pre { font:12.5px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace; }
pre { background:var(--code); color:#e2e8f0; padding:14px 16px; border-radius:8px; overflow:auto; margin:0; }
.pill { display:inline-block; padding:1px 9px; border-radius:999px; background:#eef2f7; color:#334155; font-size:12px; margin:0 4px 4px 0; white-space:nowrap; }
.pill.alias { background:var(--brand-soft); color:var(--brand); font-weight:600; }
.pill.admin { background:#fee2e2; color:#991b1b; }
.muted { color:var(--muted); } .nowrap { white-space:nowrap; } td.wrap { word-break:break-all; }
.grid { display:grid; grid-template-columns: repeat(auto-fit,minmax(220px,1fr)); gap:12px; margin-bottom:16px; }
.stat { background:var(--card); border:1px solid var(--line); border-radius:10px; padding:12px 16px; } .stat b { display:block; font-size:12px; color:var(--muted); font-weight:600; text-transform:uppercase; letter-spacing:.4px; } .stat span { font-size:15px; } .stat code { word-break:break-all; }
form.inline { display:inline; }
input[type=text], input[type=password], input[type=search], select { font:inherit; padding:8px 10px; border:1px solid #cbd5e1; border-radius:7px; background:#fff; min-width:0; }
button, .button { font:inherit; padding:8px 14px; border-radius:7px; border:1px solid #111827; background:#111827; color:#fff; cursor:pointer; }
button.secondary { background:#fff; color:var(--ink); border-color:#cbd5e1; } button.danger { background:#fff; color:#b91c1c; border-color:#fca5a5; }
.toolbar { display:flex; gap:10px; margin-bottom:16px; flex-wrap:wrap; } .toolbar input[type=search] { flex:1; min-width:220px; }
.copy { display:flex; align-items:stretch; margin-bottom:8px; } .copy pre { flex:1; border-radius:8px 0 0 8px; } .copy button { border-radius:0 8px 8px 0; }
.notice { border-left:4px solid var(--ok); background:#ebfbee; padding:12px 16px; border-radius:8px; margin-bottom:16px; }
.error { border-left:4px solid #c92a2a; background:#fff5f5; padding:12px 16px; border-radius:8px; margin-bottom:16px; }
.empty { text-align:center; color:var(--muted); padding:36px; }
.login { max-width:420px; margin:80px auto; } .login input { width:100%; margin:8px 0 14px; }
`;

/** Every page: one stylesheet inline (no build, no CDN), the nav, who is signed in, a CSRF-protected sign-out. */
export function renderPage(options: PageOptions): string {
  const { session } = options;
  const admin = session?.principal.admin;
  const nav = (href: string, label: string, key: PageOptions['section']) => html`<a href="${href}" class="${options.section === key ? 'on' : ''}">${label}</a>`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · bentoc hub</title>
<style>${styles}</style>
</head>
<body>
<header><div class="bar">
  <a class="logo" href="/ui/bentos">bentoc <span>hub</span></a>
  <nav>${nav('/ui/bentos', 'Bentos', 'bentos')}${nav('/ui/models', 'Models', 'models')}${admin ? [nav('/ui/tokens', 'Tokens', 'tokens'), nav('/ui/audit', 'Audit log', 'audit')] : ''}</nav>
  <div class="who">${
    session
      ? html`<span>${session.principal.name}${admin ? html` <span class="pill admin">admin</span>` : ''}</span>
    <form method="post" action="/ui/logout"><input type="hidden" name="_csrf" value="${session.csrf}"><button class="secondary" type="submit">Sign out</button></form>`
      : html`<a href="/ui/login" style="color:#fff">Sign in</a>`
  }</div>
</div></header>
<main>${options.body}</main>
<script>
document.addEventListener('click', (event) => {
  const button = event.target.closest('[data-copy]');
  if (!button) return;
  navigator.clipboard?.writeText(button.getAttribute('data-copy')).then(() => { button.textContent = 'Copied'; setTimeout(() => (button.textContent = 'Copy'), 1500); });
});
</script>
</body>
</html>`.value;
}

export function copyable(command: string) {
  return html`<div class="copy"><pre>${command}</pre><button type="button" class="secondary" data-copy="${command}">Copy</button></div>`;
}
