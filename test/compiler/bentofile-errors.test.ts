import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../compiler/check.js';
import { isBentocError, type Diagnostic } from '../../compiler/diagnostics/index.js';
import { fixturesRoot, listCases, readExpected, toExpected } from '../support/diagnostic-fixtures.js';
import { makeProjectFrom } from '../support/iris-project.js';

/**
 * One folder per case under fixtures/bentofile-errors: a bentofile.yaml (plus any files it needs) and
 * expected.json, the whole list of diagnostics it produces (code, severity, position, message, hint).
 * A new case is a new folder; `UPDATE_SNAPSHOTS=1` writes its expected.json, to be read before committing.
 */
const cases = listCases('bentofile-errors');

describe('bentofile diagnostics', () => {
  it('has at least 15 cases', () => expect(cases.length).toBeGreaterThanOrEqual(15));

  for (const name of cases) {
    it(name, async () => {
      const caseDir = join(fixturesRoot, 'bentofile-errors', name);
      const project = makeProjectFrom(caseDir);
      const actual = (await collectDiagnostics(join(project, 'bentofile.yaml'))).map((d) => toExpected(d, project));
      rmSync(project, { recursive: true, force: true });
      expect(actual.length, 'a case must produce at least one diagnostic').toBeGreaterThan(0);
      expect(actual).toEqual(readExpected(caseDir, actual));
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
