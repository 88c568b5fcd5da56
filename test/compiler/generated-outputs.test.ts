import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../../compiler/index.js';
import { fixturesRoot, updating } from '../support/diagnostic-fixtures.js';
import { makeProjectFrom, makeTempDir } from '../support/iris-project.js';

/**
 * What bentoc writes, as a user reads it: one folder per project under fixtures/generated, with the bento's
 * openapi.json, Dockerfile and bento.yaml under expected/. The bento version and hashes change with any
 * runtime or compiler edit, so they read `<version>` and `<sha256>` there. `UPDATE_SNAPSHOTS=1` rewrites them.
 */
const outputs = ['openapi.json', 'Dockerfile', 'bento.yaml'];
const kind = join(fixturesRoot, 'generated');
const cleanup: string[] = [];
afterAll(() => cleanup.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('generated outputs', () => {
  for (const name of readdirSync(kind)) {
    it(name, async () => {
      const caseDir = join(kind, name);
      const project = makeProjectFrom(caseDir);
      const home = makeTempDir('home');
      cleanup.push(project, home);
      rmSync(join(project, 'expected'), { recursive: true, force: true });
      const { bento } = await build({ bentofile: join(project, 'bentofile.yaml'), env: { BENTOML_HOME: home } });
      const scrub = (text: string) =>
        text.split(bento.version).join('<version>').replace(/\b[0-9a-f]{64}\b/g, '<sha256>').split(project).join('<project>');
      mkdirSync(join(caseDir, 'expected'), { recursive: true });
      for (const output of outputs) {
        const actual = scrub(readFileSync(join(bento.dir, output), 'utf8'));
        const file = join(caseDir, 'expected', output);
        if (updating || !existsSync(file)) writeFileSync(file, actual);
        expect(actual, `${name}/${output}`).toBe(readFileSync(file, 'utf8'));
      }
    });
  }
});
