import { readFileSync, statSync } from 'node:fs';
import { relative } from 'node:path';
import type { Diagnostic } from './diagnostic.js';

export interface RenderOptions {
  cwd: string;
  color: boolean;
  /** Source texts by file path, so a frame can be shown without re-reading. */
  sources?: Map<string, string>;
}

/** Characters of a source line shown in a frame, and how many of them precede the column. */
const frameWidth = 120;
const frameContext = 40;
/** Files larger than this get no frame (the loader refuses them anyway). */
const maxFrameSourceBytes = 4 * 1024 * 1024;

const paint = (on: boolean, code: number, text: string) => (on ? `\u001b[${code}m${text}\u001b[0m` : text);

/** `file:line:col error[code]: message`, a code frame, and the hint: what a user needs to fix it. */
export function renderDiagnostic(d: Diagnostic, options: RenderOptions): string {
  const label = d.severity === 'error' ? paint(options.color, 31, 'error') : paint(options.color, 33, 'warning');
  const where = d.span ? `${formatPath(d.span.file, options.cwd)}:${d.span.start.line}:${d.span.start.column} ` : '';
  const lines = [`${where}${label}[${d.code}]: ${d.message}`];
  const frame = d.span ? renderFrame(d, options) : undefined;
  if (frame) lines.push(frame);
  if (d.hint) lines.push(`  ${paint(options.color, 36, 'hint')}: ${d.hint}`);
  return lines.join('\n');
}

function formatPath(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel.startsWith('..') ? file : rel;
}

function renderFrame(d: Diagnostic, options: RenderOptions): string | undefined {
  const span = d.span!;
  const source = options.sources?.get(span.file) ?? readSource(span.file);
  if (source === undefined) return undefined;
  const all = source.split(/\r?\n/);
  const line = span.start.line;
  const first = Math.max(1, line - 2);
  const last = Math.min(all.length, line + 1);
  const width = String(last).length;
  const out: string[] = [];
  // A frame shows a window of long lines around the column, so a 1 MB one-line value prints as one screen line.
  const from = Math.max(0, span.start.column - 1 - frameContext);
  const clip = (text: string) => `${from > 0 ? '…' : ''}${text.slice(from, from + frameWidth)}${text.length > from + frameWidth ? '…' : ''}`;
  for (let n = first; n <= last; n++) {
    const marker = n === line ? '>' : ' ';
    out.push(`  ${marker} ${String(n).padStart(width)} | ${clip(all[n - 1] ?? '')}`);
    if (n === line) {
      const endColumn = span.end && span.end.line === line ? span.end.column : span.start.column + 1;
      const start = span.start.column - 1 - from + (from > 0 ? 1 : 0);
      const carets = '^'.repeat(Math.min(frameWidth - (span.start.column - 1 - from), Math.max(1, endColumn - span.start.column)));
      out.push(`    ${' '.repeat(width)} | ${' '.repeat(start)}${paint(options.color, 31, carets)}`);
    }
  }
  return out.join('\n');
}

function readSource(file: string): string | undefined {
  try {
    if (statSync(file).size > maxFrameSourceBytes) return undefined;
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The `--json` form: stable fields only, so CI tools can parse them. */
export function toJsonDiagnostic(d: Diagnostic, cwd: string) {
  return {
    code: d.code,
    severity: d.severity,
    message: d.message,
    hint: d.hint ?? null,
    file: d.span ? formatPath(d.span.file, cwd) : null,
    line: d.span?.start.line ?? null,
    column: d.span?.start.column ?? null,
  };
}
