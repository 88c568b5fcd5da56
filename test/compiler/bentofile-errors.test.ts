import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { check } from '../../compiler/check.js';
import { isBentocError, type Diagnostic } from '../../compiler/diagnostics/index.js';
import { makeProjectFrom } from '../support/iris-project.js';

/**
 * One folder per case under fixtures/bentofile-errors: a bentofile.yaml (plus any files it needs) and
 * expected.json with the diagnostic it must produce. A new case is a new folder, no code.
 */
interface Expected {
  code: string;
  line: number;
  column: number;
  severity?: 'error' | 'warning';
  /** Substrings the message must contain. */
  message?: string[];
  hint?: string;
  /** Where the diagnostic points, when not the bentofile (e.g. a handler). */
  file?: string;
}

const fixturesDir = fileURLToPath(new URL('../fixtures/bentofile-errors', import.meta.url));
const cases = readdirSync(fixturesDir).filter((name) => existsSync(join(fixturesDir, name, 'expected.json')));

describe('bentofile diagnostics', () => {
  it('has at least 15 cases', () => expect(cases.length).toBeGreaterThanOrEqual(15));

  for (const name of cases) {
    it(name, async () => {
      const expected = JSON.parse(readFileSync(join(fixturesDir, name, 'expected.json'), 'utf8')) as Expected;
      const project = makeProjectFrom(join(fixturesDir, name));
      const file = join(project, 'bentofile.yaml');
      const diagnostics = await collectDiagnostics(file);
      const match = diagnostics.find((d) => d.code === expected.code);
      expect(match, `expected ${expected.code}, got ${JSON.stringify(diagnostics, null, 1)}`).toBeDefined();
      expect(match!.severity).toBe(expected.severity ?? 'error');
      expect(match!.span?.file).toBe(join(project, expected.file ?? 'bentofile.yaml'));
      expect({ line: match!.span?.start.line, column: match!.span?.start.column }).toEqual({ line: expected.line, column: expected.column });
      for (const part of expected.message ?? []) expect(match!.message).toContain(part);
      if (expected.hint) expect(match!.hint).toContain(expected.hint);
    });
  }
});

async function collectDiagnostics(file: string): Promise<Diagnostic[]> {
  try {
    const { warnings } = await check(file);
    return warnings;
  } catch (error) {
    if (!isBentocError(error)) throw error;
    return error.diagnostics;
  }
}
