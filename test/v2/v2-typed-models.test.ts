import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irisModelBytes, makeTempDir } from '../support/iris-project.js';
import { makeMultiInputModel } from '../support/multi-input-model.js';
import { createInferenceClient, type InferenceClient } from './support/grpc-client.js';
import { buildAndServe, jsonOf, type ServedSample } from './support/serve-sample.js';
import { makeStringEchoModel } from './support/string-model.js';

const BENTOFILE = `service: typed_models
artifacts:
  - {name: multi, path: ./multi.onnx}
  - {name: echo, path: ./echo.onnx}
  - {name: iris, path: ./iris.onnx}
apis:
  - {name: combine, model: multi, input: {type: ndarray}, output: {type: json}, batch: {enabled: true}}
  - {name: shout, model: echo, input: {type: ndarray}, output: {type: json}}
  - {name: classify, handler: ./service.ts#classify, input: {type: json}, output: {type: json}}
`;
const HANDLER = `export async function classify(body, ctx) {
  return (await ctx.run('iris', { input: { dtype: 'float32', dims: [1, 4], data: Float32Array.from(body) } })).label;
}
`;

/** Beyond FP32: a two-input model (FP32 + INT64), a BYTES model, and a model only a handler runs. */
describe('v2 on models with INT64, BYTES and several inputs', () => {
  const project = makeTempDir('typed-v2');
  let served: ServedSample;
  let client: InferenceClient;
  let multi: ort.InferenceSession;
  const features = [[0.5, 1, -1], [2, 0, 0.25]];
  const counts = [[1, 2], [3, 40]];

  beforeAll(async () => {
    writeFileSync(join(project, 'multi.onnx'), makeMultiInputModel());
    writeFileSync(join(project, 'echo.onnx'), makeStringEchoModel());
    writeFileSync(join(project, 'iris.onnx'), irisModelBytes());
    writeFileSync(join(project, 'service.ts'), HANDLER);
    writeFileSync(join(project, 'bentofile.yaml'), BENTOFILE);
    served = await buildAndServe(project, 'typed_models:latest');
    client = createInferenceClient(served.grpcPort);
    multi = await ort.InferenceSession.create(makeMultiInputModel());
  });

  afterAll(async () => {
    client?.close();
    await multi?.release();
    await served?.stop();
    rmSync(project, { recursive: true, force: true });
  });

  const infer = (model: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    fetch(`${served.server.url}/v2/models/${model}/infer`, { method: 'POST', headers, body: Buffer.isBuffer(body) ? body : JSON.stringify(body) });

  async function direct() {
    const out = await multi.run({
      features: new ort.Tensor('float32', Float32Array.from(features.flat()), [2, 3]),
      counts: new ort.Tensor('int64', BigInt64Array.from(counts.flat(), BigInt), [2, 2]),
    });
    return { scores: Array.from(out.scores!.data as Float32Array), doubled: Array.from(out.doubled!.data as BigInt64Array, Number) };
  }

  it('lists every artifact with its datatypes; a model only a handler runs is not ready', async () => {
    expect((await jsonOf(fetch(`${served.server.url}/v2/models/multi`))).inputs).toEqual([
      { name: 'features', datatype: 'FP32', shape: [-1, 3] },
      { name: 'counts', datatype: 'INT64', shape: [-1, 2] },
    ]);
    expect((await jsonOf(fetch(`${served.server.url}/v2/models/echo`))).outputs).toEqual([{ name: 'echo', datatype: 'BYTES', shape: [-1] }]);
    const ready = await fetch(`${served.server.url}/v2/models/iris/ready`);
    expect(ready.status).toBe(400);
    const refused = await infer('iris', { inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], data: [1, 2, 3, 4] }] });
    expect(refused.status).toBe(400);
    expect((await jsonOf(refused)).error).toContain('model "iris"');
    expect(await client.call('ModelReady', { name: 'iris' })).toEqual({ ready: false });
  });

  it('feeds FP32 + INT64 inputs as JSON, binary and gRPC typed contents, equal to a direct onnxruntime call', async () => {
    const expected = await direct();
    const json = await jsonOf(infer('multi', { inputs: [
      { name: 'counts', datatype: 'INT64', shape: [2, 2], data: counts },
      { name: 'features', datatype: 'FP32', shape: [2, 3], data: features.flat() },
    ] }));
    expect(json.outputs.find((o: { name: string }) => o.name === 'doubled')).toEqual({ name: 'doubled', datatype: 'INT64', shape: [2, 2], data: expected.doubled });
    expect(json.outputs.find((o: { name: string }) => o.name === 'scores').data.map(Math.fround)).toEqual(expected.scores);

    const countBytes = Buffer.from(BigInt64Array.from(counts.flat(), BigInt).buffer);
    const header = Buffer.from(JSON.stringify({
      inputs: [
        { name: 'features', datatype: 'FP32', shape: [2, 3], data: features.flat() },
        { name: 'counts', datatype: 'INT64', shape: [2, 2], parameters: { binary_data_size: countBytes.byteLength } },
      ],
      parameters: { binary_data_output: true },
    }));
    const response = await infer('multi', Buffer.concat([header, countBytes]), { 'inference-header-content-length': String(header.byteLength) });
    const bytes = Buffer.from(await response.arrayBuffer());
    const length = Number(response.headers.get('inference-header-content-length'));
    const outputs = JSON.parse(bytes.subarray(0, length).toString()).outputs as { name: string; parameters: { binary_data_size: number } }[];
    let offset = length;
    const values: Record<string, Buffer> = {};
    for (const output of outputs) {
      values[output.name] = bytes.subarray(offset, offset + output.parameters.binary_data_size);
      offset += output.parameters.binary_data_size;
    }
    expect(Array.from(new BigInt64Array(new Uint8Array(values.doubled!).buffer), Number)).toEqual(expected.doubled);
    expect(Array.from(new Float32Array(new Uint8Array(values.scores!).buffer))).toEqual(expected.scores);

    const viaGrpc = await client.call('ModelInfer', { model_name: 'multi', inputs: [
      { name: 'features', datatype: 'FP32', shape: [2, 3], contents: { fp32_contents: features.flat() } },
      { name: 'counts', datatype: 'INT64', shape: [2, 2], contents: { int64_contents: counts.flat() } },
    ] });
    const doubled = viaGrpc.outputs.find((o: { name: string }) => o.name === 'doubled');
    expect(doubled.contents.int64_contents.map(Number)).toEqual(expected.doubled);
  });

  it('takes BYTES where the model takes strings: JSON, binary (length-prefixed) and gRPC bytes_contents', async () => {
    const words = ['hello', 'grüße 🌍', ''];
    const json = await jsonOf(infer('echo', { inputs: [{ name: 'text', datatype: 'BYTES', shape: [3], data: words }] }));
    expect(json.outputs).toEqual([{ name: 'echo', datatype: 'BYTES', shape: [3], data: words }]);

    const encoded = Buffer.concat(words.flatMap((word) => {
      const body = Buffer.from(word);
      const length = Buffer.alloc(4);
      length.writeUInt32LE(body.byteLength);
      return [length, body];
    }));
    const header = Buffer.from(JSON.stringify({ inputs: [{ name: 'text', datatype: 'BYTES', shape: [3], parameters: { binary_data_size: encoded.byteLength } }] }));
    const binary = await jsonOf(infer('echo', Buffer.concat([header, encoded]), { 'inference-header-content-length': String(header.byteLength) }));
    expect(binary.outputs[0].data).toEqual(words);

    const viaGrpc = await client.call('ModelInfer', { model_name: 'echo', inputs: [{ name: 'text', datatype: 'BYTES', shape: [3], contents: { bytes_contents: words.map((w) => Buffer.from(w)) } }] });
    expect(viaGrpc.outputs[0].contents.bytes_contents.map((b: Buffer) => b.toString())).toEqual(words);

    const wrong = await infer('echo', { inputs: [{ name: 'text', datatype: 'BYTES', shape: [2], data: ['a', 3] }] });
    expect(wrong.status).toBe(400);
    expect((await jsonOf(wrong)).error).toContain('input "text".data[1]');
  });
});
