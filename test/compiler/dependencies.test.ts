import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { build } from '../../compiler/index.js';
import { check } from '../../compiler/check.js';
import { makeProjectFrom, makeTempDir } from '../support/iris-project.js';

const fixture = fileURLToPath(new URL('../fixtures/projects/handler-service', import.meta.url));

/** A package installed in the user's project, as npm would leave it. */
function installFakePackage(project: string, name: string, version: string): void {
  const dir = join(project, 'node_modules', name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, main: 'index.js' }));
  writeFileSync(join(dir, 'index.js'), 'exports.toMillimetres = (cm) => cm * 10;\n');
}

describe('dependency inference', () => {
  it('pins handler imports to the installed versions and infers pip distributions', async () => {
    const project = makeProjectFrom(fixture);
    installFakePackage(project, 'units-lite', '2.4.1');
    const { analyzed, warnings } = await check(join(project, 'bentofile.yaml'));
    expect(warnings).toEqual([]);
    expect(analyzed.npm).toEqual([{ name: 'units-lite', version: '2.4.1', source: 'inferred' }]);
    expect(analyzed.pip.lines).toEqual(['numpy>=1.26', 'Pillow', 'PyYAML', 'scikit-learn']);
    expect(analyzed.pip.scanned).toEqual(['preprocess.py']);
    expect(analyzed.bentofile.service).toBe('iris_handler');
  });

  it('warns, with the handler position, about an import that is not installed', async () => {
    const project = makeProjectFrom(fixture);
    const { warnings } = await check(join(project, 'bentofile.yaml')).catch((error) => ({ warnings: error.diagnostics }));
    const warning = warnings.find((d: { code: string }) => d.code === 'npm_unresolved');
    expect(warning).toMatchObject({ severity: 'warning', message: expect.stringContaining('units-lite'), span: { start: { line: 9 } } });
  });

  it('fails the build at the import line when the package is missing, as a user error', async () => {
    const project = makeProjectFrom(fixture);
    const failure = await build({ bentofile: join(project, 'bentofile.yaml'), env: { BENTOML_HOME: makeTempDir('home') } }).catch((e) => e);
    expect(failure.diagnostics?.[0]).toMatchObject({
      code: 'handler_build_failed',
      span: { file: join(project, 'service.ts'), start: { line: 2 } },
      hint: expect.stringContaining('npm install'),
    });
  });

  it('builds a bento whose manifest, requirements.txt and bundle carry the dependencies', async () => {
    const project = makeProjectFrom(fixture);
    installFakePackage(project, 'units-lite', '2.4.1');
    const { bento } = await build({ bentofile: join(project, 'bentofile.yaml'), env: { BENTOML_HOME: makeTempDir('home') } });
    const manifest = parse(readFileSync(join(bento.dir, 'bento.yaml'), 'utf8'));
    expect(manifest.env.npm).toEqual([{ name: 'units-lite', version: '2.4.1', source: 'inferred' }]);
    expect(readFileSync(join(bento.dir, 'requirements.txt'), 'utf8')).toBe('numpy>=1.26\nPillow\nPyYAML\nscikit-learn\n');
    // Pure-JS dependencies are bundled: the bento needs no npm install.
    expect(readFileSync(join(bento.dir, 'server.mjs'), 'utf8')).toContain('toMillimetres');
    expect(readFileSync(join(bento.dir, 'Dockerfile'), 'utf8')).toContain('requirements.txt');
  });
});
