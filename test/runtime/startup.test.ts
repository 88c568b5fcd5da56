/** Bundling and starting a bento: reproducible bytes, device fallback, a model that cannot load. */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleServer } from '../../compiler/phases/4-generate/bundle-server.js';
import { E2E_HANDLERS, createE2eConfig } from './support/e2e-config.js';
import { createIrisConfig } from './support/iris-config.js';
import { buildTestBento, postJson, startBento } from './support/test-bento.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

describe('bundleServer', () => {
  it('writes the same bytes for the same inputs, whatever the order of the handler list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bentoc-bundle-'));
    dirs.push(dir);
    const hashes: string[] = [];
    for (const [i, handlers] of [E2E_HANDLERS, [...E2E_HANDLERS].reverse()].entries()) {
      const outFile = join(dir, `server-${i}.mjs`);
      await bundleServer({ config: createE2eConfig(), handlers, outFile, projectDir: join(import.meta.dirname, '../..') });
      hashes.push(createHash('sha256').update(readFileSync(outFile)).digest('hex'));
    }
    expect(hashes[0]).toBe(hashes[1]);
    const text = readFileSync(join(dir, 'server-0.mjs'), 'utf8');
    expect(text).not.toContain(tmpdir());
    expect(text).toMatch(/from "onnxruntime-node"|import\("onnxruntime-node"\)/);
  });
});

describe('starting a bento', () => {
  it('falls back to cpu with a logged warning when the requested device is missing', async () => {
    const config = createIrisConfig();
    config.runtime.device = 'cuda';
    const dir = await buildTestBento(config);
    dirs.push(dir);
    const bento = await startBento(dir);
    try {
      const warning = bento.logs.find((entry) => String(entry.msg).includes('falling back to cpu'));
      expect(warning?.level).toBe(40);
      const worker = bento.logs.find((entry) => entry.msg === 'model worker ready');
      expect(worker?.device).toBe('cpu');
      const response = await postJson(`${bento.url}/predict`, [[5.1, 3.5, 1.4, 0.2]]);
      expect(((await response.json()) as Array<{ label: string }>)[0]!.label).toBe('setosa');
    } finally {
      bento.child.kill('SIGTERM');
      expect(await bento.exited).toBe(0);
    }
  });

  it('spreads concurrent calls over several workers and closes them all on SIGTERM', async () => {
    const dir = await buildTestBento(createIrisConfig({ workers: 2 }));
    dirs.push(dir);
    const bento = await startBento(dir);
    const rows = [[5.1, 3.5, 1.4, 0.2], [6.4, 3.2, 4.5, 1.5], [6.7, 3.0, 5.2, 2.3]];
    const answers = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const response = await postJson(`${bento.url}/predict`, [rows[i % 3]]);
        return ((await response.json()) as Array<{ label: string }>)[0]!.label;
      }),
    );
    expect(answers).toEqual(Array.from({ length: 60 }, (_, i) => ['setosa', 'versicolor', 'virginica'][i % 3]));
    expect(bento.logs.filter((entry) => entry.msg === 'model worker ready').map((entry) => entry.worker).sort()).toEqual([0, 1]);
    bento.child.kill('SIGTERM');
    expect(await bento.exited).toBe(0);
  });

  it('exits 1 with a fatal log when a model cannot be loaded', async () => {
    const dir = await buildTestBento(createIrisConfig());
    dirs.push(dir);
    writeFileSync(join(dir, 'models', 'iris.onnx'), 'not an onnx model');
    const failure = await startBento(dir).then(() => undefined, (error: Error) => error.message);
    expect(failure).toMatch(/exited with 1 before ready/);
    expect(failure).toMatch(/could not load the models: .*Protobuf parsing failed/);
    expect(failure).toContain('"msg":"startup failed"');
  });

  it('prints usage and exits 2 on a bad flag', async () => {
    const dir = await buildTestBento(createIrisConfig());
    dirs.push(dir);
    await expect(startBento(dir, ['--prot', '1'])).rejects.toThrow(/exited with 2 before ready[\s\S]*unknown argument "--prot"[\s\S]*Usage: node server.mjs/);
  });
});
