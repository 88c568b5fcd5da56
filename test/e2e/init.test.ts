import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, serveBento } from '../support/cli.js';
import { fixturesRoot } from '../support/diagnostic-fixtures.js';
import { irisModelBytes, makeTempDir } from '../support/iris-project.js';
import { makeMultiInputModel } from '../support/multi-input-model.js';

/** `bentoc init model.onnx`, then the commands it prints, as a new user would run them. */
describe('bentoc init', () => {
  const home = makeTempDir('home');
  const dirs = [home];
  afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  function initProject(file: string, bytes: Uint8Array, args: string[] = []) {
    const project = makeTempDir('init');
    dirs.push(project);
    writeFileSync(join(project, file), bytes);
    const init = runCli(['init', join(project, file), ...args], { home, cwd: project });
    expect(init.status, init.stderr).toBe(0);
    const curl = /--data '(.*)' http:\/\/localhost:5000\/predict/.exec(init.stdout);
    expect(curl, init.stdout).not.toBeNull();
    return { project, stdout: init.stdout, example: curl![1]!, bentofile: readFileSync(join(project, 'bentofile.yaml'), 'utf8') };
  }

  it('writes a bentofile that builds and serves, and a curl example that the server answers', async () => {
    const { project, stdout, example, bentofile } = initProject('iris.onnx', irisModelBytes(), ['--name', 'Iris Init']);
    expect(bentofile).toContain('service: iris_init');
    expect(bentofile).toContain('# model input `input`: float32 [batch, 4]');
    expect(bentofile).not.toMatch(/^\s+(input|output):/m);
    expect(bentofile).toMatch(/^\s+batch: \{enabled: true/m);
    expect(stdout).toContain('bentoc build .');
    expect(stdout).toContain('bentoc serve iris_init:latest');
    const built = runCli(['build', project], { home });
    expect(built.status, built.stderr).toBe(0);
    const server = await serveBento('iris_init:latest', { home });
    try {
      const response = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: example });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { probabilities: number[][]; label: number[] };
      expect(body.probabilities).toHaveLength(1);
      expect(body.probabilities[0]).toHaveLength(3);
    } finally {
      await server.stop();
    }
  });

  it('handles a model with several inputs: named tensors in the example', () => {
    const { project, example } = initProject('multi.onnx', makeMultiInputModel());
    expect(JSON.parse(example)).toEqual({ inputs: { features: [[0, 0, 0]], counts: [[0, 0]] } });
    expect(runCli(['build', project], { home }).status).toBe(0);
    const ran = runCli(['run', 'multi:latest', 'predict', '--input', example], { home });
    expect(ran.status, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout)).toMatchObject({ doubled: [[0, 0]] });
  });

  it('leaves batching off for a model whose output has no batch axis, and the result builds', () => {
    const reduction = readFileSync(join(fixturesRoot, 'bentofile-errors', 'unbatchable-reduction', 'reduce_batch.onnx'));
    const { project, bentofile } = initProject('reduce_batch.onnx', reduction);
    expect(bentofile).toContain('# no batching');
    expect(bentofile).not.toMatch(/^\s+batch:/m);
    expect(runCli(['build', project], { home }).status).toBe(0);
  });

  it('refuses to overwrite a bentofile, and a file that is not a model', () => {
    const { project } = initProject('iris.onnx', irisModelBytes());
    const again = runCli(['init', join(project, 'iris.onnx')], { home });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('already exists');
    writeFileSync(join(project, 'notes.onnx'), 'not a model');
    const bad = runCli(['init', join(project, 'notes.onnx')], { home });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('error[model_unreadable]');
  });
});
