import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Diagnostic } from '../../compiler/diagnostics/index.js';

/** One diagnostic as a fixture states it: every field a user sees, with the file relative to the project. */
export interface ExpectedDiagnostic {
  code: string;
  severity: 'error' | 'warning';
  file: string | null;
  line: number | null;
  column: number | null;
  message: string;
  hint: string | null;
}

export const fixturesRoot = fileURLToPath(new URL('../fixtures', import.meta.url));

/** `UPDATE_SNAPSHOTS=1 npx vitest run …` rewrites expected.json from what the compiler says now. */
export const updating = process.env.UPDATE_SNAPSHOTS === '1';

/** Case folders of a fixture kind: each has (or, when updating, gets) an expected.json. */
export function listCases(kind: string): string[] {
  const dir = join(fixturesRoot, kind);
  return readdirSync(dir).filter((name) => existsSync(join(dir, name, 'expected.json')) || (updating && !name.startsWith('.')));
}

/** Temp paths vary per run: diagnostics are stated relative to the project, with the project as `<project>`. */
export function toExpected(d: Diagnostic, project: string): ExpectedDiagnostic {
  const scrub = (text: string) => text.split(project).join('<project>');
  return {
    code: d.code,
    severity: d.severity,
    file: d.span ? relative(project, d.span.file) : null,
    line: d.span?.start.line ?? null,
    column: d.span?.start.column ?? null,
    message: scrub(d.message),
    hint: d.hint === undefined ? null : scrub(d.hint),
  };
}

/** The expected list, or, when updating, the actual one written as the new expectation. */
export function readExpected(caseDir: string, actual: ExpectedDiagnostic[]): ExpectedDiagnostic[] {
  const file = join(caseDir, 'expected.json');
  if (updating) writeFileSync(file, `${JSON.stringify(actual, null, 2)}\n`);
  return JSON.parse(readFileSync(file, 'utf8')) as ExpectedDiagnostic[];
}

/** Every code some fixture of these kinds expects. */
export function codesInFixtures(kinds: string[]): Set<string> {
  const codes = new Set<string>();
  for (const kind of kinds) {
    for (const name of listCases(kind)) {
      const file = join(fixturesRoot, kind, name, 'expected.json');
      if (!existsSync(file)) continue;
      for (const d of JSON.parse(readFileSync(file, 'utf8')) as ExpectedDiagnostic[]) codes.add(d.code);
    }
  }
  return codes;
}
