import { cpSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../support/cli.js';
import { fixturesRoot, listCases, readExpected, type ExpectedDiagnostic } from '../support/diagnostic-fixtures.js';
import { makeProjectFrom, makeTempDir } from '../support/iris-project.js';

/**
 * Errors of the real CLI outside a bentofile (store, tags, inputs, engines), one folder per case under
 * fixtures/cli-errors: case.json gives the arguments (`{project}` is the case's folder, copied), extra
 * environment, files to generate, and whether the iris sample is built first; expected.json is the whole
 * diagnostics list `--json` prints. The command must exit 1 (a user error), never 70.
 */
interface CliCase {
  args: string[];
  env?: Record<string, string>;
  /** Generated files, for content too large to commit: `{repeat, times}`. */
  files?: Record<string, { repeat: string; times: number }>;
  /** Build samples/iris into the case's store first. */
  build?: boolean;
}

const cases = listCases('cli-errors');
const cleanup: string[] = [];
afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('CLI diagnostics', () => {
  for (const name of cases) {
    it(name, () => {
      const caseDir = join(fixturesRoot, 'cli-errors', name);
      const spec = JSON.parse(readFileSync(join(caseDir, 'case.json'), 'utf8')) as CliCase;
      const home = makeTempDir('home');
      let version = '<no build>';
      const project = makeProjectFrom(spec.build ? join(repoRoot, 'samples/iris') : caseDir);
      cleanup.push(home, project);
      if (spec.build) {
        cpSync(caseDir, project, { recursive: true });
        const built = runCli(['build', join(project, 'bentofile.yaml'), '--json'], { home });
        expect(built.status, built.stderr).toBe(0);
        version = (JSON.parse(built.stdout) as { tag: string }).tag.split(':')[1]!;
      }
      for (const [file, { repeat, times }] of Object.entries(spec.files ?? {})) writeFileSync(join(project, file), repeat.repeat(times));
      const args = spec.args.map((a) => a.replaceAll('{project}', project));
      const result = runCli([...args, '--json'], { home, env: spec.env });
      expect(result.status, result.stderr).toBe(1);
      const printed = JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { ok: boolean; diagnostics: ExpectedDiagnostic[] };
      expect(printed.ok).toBe(false);
      const actual = printed.diagnostics.map((d) => scrub(d, { [project]: '<project>', [home]: '<home>', [version]: '<version>' }));
      expect(actual).toEqual(readExpected(caseDir, actual));
    });
  }
});

/** Temp folders and the bento version change from run to run: fixtures name them `<project>`, `<home>`, `<version>`. */
function scrub(d: ExpectedDiagnostic, names: Record<string, string>): ExpectedDiagnostic {
  const text = (s: string) => Object.entries(names).reduce((out, [value, name]) => out.split(value).join(name), s);
  // --json prints paths relative to the working directory (the repo), or absolute outside it.
  const file = d.file === null ? null : text(resolve(repoRoot, d.file)).replace(/^<project>\//, '');
  return { ...d, file, message: text(d.message), hint: d.hint === null ? null : text(d.hint) };
}
