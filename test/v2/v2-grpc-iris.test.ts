import { status } from '@grpc/grpc-js';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../support/cli.js';
import { makeProjectFrom } from '../support/iris-project.js';
import { createInferenceClient, failureOf, float32Bytes, type InferenceClient } from './support/grpc-client.js';
import { buildAndServe, type ServedSample } from './support/serve-sample.js';

const ROWS = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]];

/** `inference.GRPCInferenceService` of a real iris bento, called by @grpc/grpc-js from the bento's own .proto. */
describe('v2 gRPC on the iris sample', () => {
  let project: string;
  let served: ServedSample;
  let client: InferenceClient;
  let expected: { probabilities: number[]; label: string[] };
  let version: string;

  beforeAll(async () => {
    project = makeProjectFrom(join(repoRoot, 'samples/iris'));
    served = await buildAndServe(project, 'iris_classifier:latest');
    const dir = runCli(['get', 'iris_classifier:latest', '-o', 'path'], { home: served.home }).stdout.trim();
    version = dir.split('/').at(-1)!;
    client = createInferenceClient(served.grpcPort, join(dir, 'proto/grpc_predict_v2.proto'));
    const session = await ort.InferenceSession.create(readFileSync(join(project, 'iris.onnx')));
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(ROWS.flat()), [3, 4]) });
    expected = { probabilities: Array.from(out.probabilities!.data as Float32Array), label: Array.from(out.label!.data as BigInt64Array, String) };
    await session.release();
  });

  afterAll(async () => {
    client?.close();
    await served?.stop();
    rmSync(project, { recursive: true, force: true });
  });

  it('answers health and metadata', async () => {
    expect(await client.call('ServerLive', {})).toEqual({ live: true });
    expect(await client.call('ServerReady', {})).toEqual({ ready: true });
    expect(await client.call('ModelReady', { name: 'iris' })).toEqual({ ready: true });
    expect(await client.call('ModelReady', { name: 'iris', version })).toEqual({ ready: true });
    expect(await client.call('ServerMetadata', {})).toEqual({ name: 'iris_classifier', version, extensions: ['binary_tensor_data'] });
    expect(await client.call('ModelMetadata', { name: 'iris' })).toEqual({
      name: 'iris',
      versions: [version],
      platform: 'onnx_onnxv1',
      inputs: [{ name: 'input', datatype: 'FP32', shape: ['-1', '4'] }],
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: ['-1', '3'] }, { name: 'label', datatype: 'INT64', shape: ['-1'] }],
    });
    expect(await failureOf(client.call('ModelMetadata', { name: 'nope' }))).toMatchObject({ code: status.NOT_FOUND });
    expect(await failureOf(client.call('ModelReady', { name: 'iris', version: 'old' }))).toMatchObject({ code: status.NOT_FOUND });
  });

  it('infers with typed contents, answering typed contents equal to a direct onnxruntime call', async () => {
    const response = await client.call('ModelInfer', {
      model_name: 'iris',
      id: 'typed',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [3, 4], contents: { fp32_contents: ROWS.flat() } }],
    });
    expect(response).toMatchObject({ model_name: 'iris', model_version: version, id: 'typed', raw_output_contents: [] });
    const [probabilities, label] = response.outputs;
    expect(probabilities).toMatchObject({ name: 'probabilities', datatype: 'FP32', shape: ['3', '3'] });
    expect(probabilities.contents.fp32_contents).toEqual(expected.probabilities);
    expect(label).toMatchObject({ name: 'label', datatype: 'INT64', shape: ['3'] });
    expect(label.contents.int64_contents).toEqual(expected.label);
  });

  it('infers with raw_input_contents, answering raw_output_contents', async () => {
    const response = await client.call('ModelInfer', {
      model_name: 'iris',
      model_version: version,
      inputs: [{ name: 'input', datatype: 'FP32', shape: [3, 4] }],
      outputs: [{ name: 'label' }, { name: 'probabilities' }],
      raw_input_contents: [float32Bytes(ROWS.flat())],
    });
    expect(response.outputs.map((output: { name: string }) => output.name)).toEqual(['label', 'probabilities']);
    expect(response.outputs[0].contents).toBeNull();
    const [labels, probabilities] = response.raw_output_contents as Buffer[];
    expect(Array.from(new BigInt64Array(new Uint8Array(labels!).buffer), String)).toEqual(expected.label);
    expect(Array.from(new Float32Array(new Uint8Array(probabilities!).buffer))).toEqual(expected.probabilities);
  });

  it('refuses malformed requests with INVALID_ARGUMENT naming the tensor, and keeps serving', async () => {
    const input = { name: 'input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: [1, 2, 3, 4] } };
    const cases: [string, Record<string, unknown>, number, string][] = [
      ['no inputs', { inputs: [] }, status.INVALID_ARGUMENT, 'inputs'],
      ['unknown tensor', { inputs: [{ ...input, name: 'pixels' }] }, status.INVALID_ARGUMENT, 'input "pixels"'],
      ['wrong datatype', { inputs: [{ ...input, datatype: 'FP64', contents: { fp64_contents: [1, 2, 3, 4] } }] }, status.INVALID_ARGUMENT, 'input "input": expected datatype FP32, got FP64'],
      ['contents field of another datatype', { inputs: [{ ...input, contents: { int_contents: [1, 2, 3, 4] } }] }, status.INVALID_ARGUMENT, 'FP32 travels in fp32_contents'],
      ['value count', { inputs: [{ ...input, contents: { fp32_contents: [1, 2] } }] }, status.INVALID_ARGUMENT, 'input "input".contents.fp32_contents'],
      ['wrong dims', { inputs: [{ ...input, shape: [2, 2] }] }, status.INVALID_ARGUMENT, 'input "input": expected shape [batch, 4], got [2, 2]'],
      ['unknown datatype', { inputs: [{ ...input, datatype: 'FP8' }] }, status.INVALID_ARGUMENT, 'input "input".datatype'],
      ['raw of the wrong size', { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4] }], raw_input_contents: [Buffer.alloc(12)] }, status.INVALID_ARGUMENT, 'input "input" raw_input_contents[0]'],
      ['raw count', { inputs: [input, { ...input, name: 'other' }], raw_input_contents: [Buffer.alloc(16)] }, status.INVALID_ARGUMENT, 'raw_input_contents'],
      ['raw and contents', { inputs: [input], raw_input_contents: [Buffer.alloc(16)] }, status.INVALID_ARGUMENT, 'input "input".contents'],
      ['unknown output', { inputs: [input], outputs: [{ name: 'logits' }] }, status.INVALID_ARGUMENT, 'output "logits"'],
      ['unknown model', { model_name: 'nope', inputs: [input] }, status.NOT_FOUND, '"nope"'],
    ];
    for (const [name, request, code, mention] of cases) {
      const failure = await failureOf(client.call('ModelInfer', { model_name: 'iris', ...request }));
      expect(failure.code, name).toBe(code);
      expect(failure.details, name).toContain(mention);
    }
    const ok = await client.call('ModelInfer', { model_name: 'iris', inputs: [input] });
    expect(ok.outputs).toHaveLength(2);
    const metrics = await (await fetch(`${served.server.url}/metrics`)).text();
    expect(metrics).toMatch(/bento_http_requests_total\{route="\/inference.GRPCInferenceService\/ModelInfer",method="GRPC",status="400"\} 11/);
  });

  it('drains on SIGTERM with gRPC calls in flight: each answered or refused as UNAVAILABLE, exit 0', async () => {
    const request = { model_name: 'iris', inputs: [{ name: 'input', datatype: 'FP32', shape: [3, 4], contents: { fp32_contents: ROWS.flat() } }] };
    const calls = Array.from({ length: 20 }, () => client.call('ModelInfer', request).then(
      (response) => ({ ok: true, values: response.outputs[0].contents.fp32_contents as number[] }),
      (error: { code: number }) => ({ ok: false, code: error.code }),
    ));
    const code = await served.server.stop();
    const results = await Promise.all(calls);
    expect(code).toBe(0);
    for (const result of results) {
      if (result.ok) expect((result as { values: number[] }).values).toEqual(expected.probabilities);
      else expect((result as { code: number }).code).toBe(status.UNAVAILABLE);
    }
    expect(served.server.logs()).toContain('"msg":"stopped"');
  });
});
