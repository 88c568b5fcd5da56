import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tar from 'tar';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { irisModelBytes, makeTempDir } from '../support/iris-project.js';

/** The model store through the real CLI: import, list, get, export/import, delete, and `model:` in a bentofile. */
describe('bentoc models', () => {
  const home = makeTempDir('models-home');
  const work = makeTempDir('models-work');
  const onnx = join(work, 'iris.onnx');
  writeFileSync(onnx, irisModelBytes());
  const cli = (...args: string[]) => runCli(args, { home, cwd: work });

  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    rmSync(work, { recursive: true, force: true });
  });

  it('imports an ONNX file under a content-hash version with its signature, sha256, size and labels', () => {
    const first = cli('models', 'import', onnx, '--name', 'iris', '--label', 'stage=dev', '--label', 'team=ml');
    expect(first.status, first.stderr).toBe(0);
    const again = cli('models', 'import', onnx, '--name', 'iris');
    expect(again.stdout).toContain('already in the store');
    const record = JSON.parse(cli('models', 'get', 'iris:latest', '-o', 'json').stdout);
    expect(record).toMatchObject({ name: 'iris', sizeBytes: irisModelBytes().byteLength, labels: { stage: 'dev', team: 'ml' } });
    expect(record.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(record.version).toMatch(/^[a-z2-7]{16}$/);
    expect(record.signature.inputs[0]).toMatchObject({ name: 'input', dtype: 'float32', shape: ['batch', 4] });
    expect(readFileSync(record.path)).toEqual(Buffer.from(irisModelBytes()));
    const listed = JSON.parse(cli('models', 'list', '-o', 'json').stdout);
    expect(listed.map((m: { version: string }) => m.version)).toEqual([record.version]);
  });

  it('rejects an ONNX file without a name, a bad label and a file that is not ONNX', () => {
    expect(cli('models', 'import', onnx).stderr).toContain('bad_cli_input');
    expect(cli('models', 'import', onnx, '--name', 'iris', '--label', 'novalue').stderr).toContain('bad_cli_input');
    writeFileSync(join(work, 'junk.onnx'), 'not a model');
    const junk = cli('models', 'import', join(work, 'junk.onnx'), '--name', 'junk');
    expect(junk.status).toBe(1);
    expect(junk.stderr).toContain('model_unreadable');
    expect(cli('models', 'import', onnx, '--name', '../evil').stderr).toContain('bad_tag');
  });

  it('exports and imports a model archive, and refuses tampered or padded archives', async () => {
    const exported = cli('models', 'export', 'iris', '-o', join(work, 'out') + '/');
    expect(exported.status, exported.stderr).toBe(0);
    const version = JSON.parse(cli('models', 'get', 'iris', '-o', 'json').stdout).version;
    const archive = join(work, 'out', `iris-${version}.model.tar.gz`);
    expect(cli('models', 'delete', 'iris', '-y').status).toBe(0);
    expect(cli('models', 'list').stdout).toContain('No models yet');
    const imported = cli('models', 'import', archive);
    expect(imported.stdout, imported.stderr).toContain(`Imported model iris:${version}`);
    expect(JSON.parse(cli('models', 'get', 'iris', '-o', 'json').stdout).labels).toEqual({ stage: 'dev', team: 'ml' });

    const unpacked = join(work, 'unpacked');
    mkdirSync(unpacked);
    await tar.extract({ file: archive, cwd: unpacked });
    const bytes = readFileSync(join(unpacked, 'model.onnx'));
    bytes[bytes.length - 1] ^= 0xff;
    writeFileSync(join(unpacked, 'model.onnx'), bytes);
    await tar.create({ file: join(work, 'tampered.tar.gz'), cwd: unpacked, gzip: true }, ['model.yaml', 'model.onnx']);
    expect(cli('models', 'import', join(work, 'tampered.tar.gz')).stderr).toContain('model_checksum_mismatch');
    writeFileSync(join(unpacked, 'extra.sh'), 'echo hi');
    await tar.create({ file: join(work, 'padded.tar.gz'), cwd: unpacked, gzip: true }, ['model.yaml', 'model.onnx', 'extra.sh']);
    expect(cli('models', 'import', join(work, 'padded.tar.gz')).stderr).toContain('archive_unsafe_entry');
  });

  it('exports the same import to the same bytes in another store (so a second push of it is a no-op on a hub)', () => {
    const other = makeTempDir('models-other');
    try {
      expect(runCli(['models', 'import', onnx, '--name', 'iris', '--label', 'stage=dev', '--label', 'team=ml'], { home: other, cwd: work }).status).toBe(0);
      const mine = join(work, 'mine.model.tar.gz');
      const theirs = join(work, 'theirs.model.tar.gz');
      expect(cli('models', 'export', 'iris', '-o', mine).status).toBe(0);
      expect(runCli(['models', 'export', 'iris', '-o', theirs], { home: other, cwd: work }).status).toBe(0);
      expect(readFileSync(theirs).equals(readFileSync(mine))).toBe(true);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('builds a bento whose artifact is `model: iris:latest` and predicts with it', () => {
    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(
      join(project, 'bentofile.yaml'),
      ['service: from_store', 'artifacts:', '  - name: clf', '    model: iris:latest', 'apis:', '  - name: predict', '    model: clf', '    input: {type: ndarray}', '    output: {type: json, labels: [setosa, versicolor, virginica]}', ''].join('\n'),
    );
    const built = runCli(['build', join(project, 'bentofile.yaml'), '--json'], { home, cwd: project });
    expect(built.status, built.stderr + built.stdout).toBe(0);
    const run = cli('run', 'from_store:latest', 'predict', '--input', '[[5.1,3.5,1.4,0.2]]');
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)[0].label).toBe('setosa');

    writeFileSync(join(project, 'bentofile.yaml'), ['service: from_store', 'artifacts:', '  - name: clf', '    model: nope:latest', 'apis:', '  - name: predict', '    model: clf', '    input: {type: ndarray}', '    output: {type: json}', ''].join('\n'));
    const missing = runCli(['build', join(project, 'bentofile.yaml')], { home, cwd: project });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/bentofile\.yaml:4:\d+ error\[model_not_found\]/);
  });
});
