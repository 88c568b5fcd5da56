import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../support/cli.js';
import { makeProjectFrom } from '../support/iris-project.js';
import { buildAndServe, jsonOf, type ServedSample } from './support/serve-sample.js';

const ROWS = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]];

/** The Open Inference Protocol over REST on the iris sample, built and served by the real CLI. */
describe('v2 REST on the iris sample', () => {
  let project: string;
  let served: ServedSample;
  let session: ort.InferenceSession;
  let url: string;

  beforeAll(async () => {
    project = makeProjectFrom(join(repoRoot, 'samples/iris'));
    served = await buildAndServe(project, 'iris_classifier:latest');
    url = served.server.url;
    session = await ort.InferenceSession.create(readFileSync(join(project, 'iris.onnx')));
  });

  afterAll(async () => {
    await session?.release();
    await served?.stop();
    rmSync(project, { recursive: true, force: true });
  });

  async function direct(rows: number[][]) {
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]) });
    return { probabilities: Array.from(out.probabilities!.data as Float32Array), label: Array.from(out.label!.data as BigInt64Array, Number) };
  }

  const infer = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }, path = '/v2/models/iris/infer') =>
    fetch(`${url}${path}`, { method: 'POST', headers, body: typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body) });

  it('answers health, server and model metadata', async () => {
    expect((await fetch(`${url}/v2/health/live`)).status).toBe(200);
    expect((await fetch(`${url}/v2/health/ready`)).status).toBe(200);
    const server = await jsonOf(fetch(`${url}/v2`));
    expect(server).toMatchObject({ name: 'iris_classifier', extensions: ['binary_tensor_data'] });
    const model = await jsonOf(fetch(`${url}/v2/models/iris`));
    expect(model).toEqual({
      name: 'iris',
      versions: [server.version],
      platform: 'onnx_onnxv1',
      inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 4] }],
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 3] }, { name: 'label', datatype: 'INT64', shape: [-1] }],
    });
    expect(await jsonOf(fetch(`${url}/v2/models/iris/versions/${server.version}`))).toEqual(model);
    expect((await fetch(`${url}/v2/models/iris/ready`)).status).toBe(200);
    // The API's name finds the model it serves; Triton's repository index lists the models.
    expect(await jsonOf(fetch(`${url}/v2/models/predict`))).toEqual(model);
    expect(await jsonOf(fetch(`${url}/v2/repository/index`, { method: 'POST' }))).toEqual([{ name: 'iris', version: server.version, state: 'READY' }]);
    // The API's name finds the model it serves; Triton's repository index lists the models.
    expect(await jsonOf(fetch(`${url}/v2/models/predict`))).toEqual(model);
    expect(await jsonOf(fetch(`${url}/v2/repository/index`, { method: 'POST' }))).toEqual([{ name: 'iris', version: server.version, state: 'READY' }]);
    expect((await fetch(`${url}/v2/models/iris/versions/nope/ready`)).status).toBe(404);
    const unknown = await fetch(`${url}/v2/models/nope`);
    expect(unknown.status).toBe(404);
    expect((await jsonOf(unknown)).error).toContain('"nope"');
  });

  it('infers with JSON tensors, flat or nested, equal to a direct onnxruntime call', async () => {
    const expected = await direct(ROWS);
    for (const data of [ROWS.flat(), ROWS]) {
      const response = await infer({ id: 'req-1', inputs: [{ name: 'input', shape: [3, 4], datatype: 'FP32', data }] });
      expect(response.status).toBe(200);
      const body = await jsonOf(response);
      expect(body).toMatchObject({ model_name: 'iris', id: 'req-1' });
      const [probabilities, label] = body.outputs;
      expect(probabilities).toMatchObject({ name: 'probabilities', datatype: 'FP32', shape: [3, 3] });
      // Printed in shortest float32 form: exact once read back as float32.
      expect(probabilities.data.map(Math.fround)).toEqual(expected.probabilities);
      expect(label).toEqual({ name: 'label', datatype: 'INT64', shape: [3], data: expected.label });
    }
  });

  it('selects outputs and answers them in binary when asked (binary tensor extension both ways)', async () => {
    const expected = await direct(ROWS);
    const header = Buffer.from(JSON.stringify({
      inputs: [{ name: 'input', shape: [3, 4], datatype: 'FP32', parameters: { binary_data_size: 48 } }],
      outputs: [{ name: 'probabilities', parameters: { binary_data: true } }],
    }));
    const body = Buffer.concat([header, Buffer.from(Float32Array.from(ROWS.flat()).buffer)]);
    const response = await infer(body, { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(header.byteLength) });
    expect(response.status).toBe(200);
    const length = Number(response.headers.get('inference-header-content-length'));
    const bytes = Buffer.from(await response.arrayBuffer());
    const json = JSON.parse(bytes.subarray(0, length).toString());
    expect(json.outputs).toEqual([{ name: 'probabilities', datatype: 'FP32', shape: [3, 3], parameters: { binary_data_size: 36 } }]);
    const values = new Float32Array(bytes.subarray(length).buffer.slice(bytes.byteOffset + length));
    expect(Array.from(values)).toEqual(expected.probabilities);
  });

  it('answers the versioned route and the bento\'s native route alike', async () => {
    const version = (await jsonOf(fetch(`${url}/v2`))).version;
    const v2 = await jsonOf(infer({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: ROWS[1] }] }, undefined, `/v2/models/iris/versions/${version}/infer`));
    const native = await jsonOf(fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify([ROWS[1]]) }));
    expect(v2.outputs[0].data).toEqual(Object.values(native[0].probabilities));
  });

  it('rejects malformed requests with 4xx {"error"} naming the tensor, and keeps serving', async () => {
    const tensor = (patch: Record<string, unknown>) => ({ inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4], ...patch }] });
    const cases: [string, unknown, number, string][] = [
      ['not JSON', 'not json', 400, 'not valid JSON'],
      ['no inputs', { inputs: [] }, 400, 'inputs'],
      ['unknown tensor', tensor({ name: 'pixels' }), 400, 'input "pixels"'],
      ['wrong datatype', tensor({ datatype: 'INT64' }), 400, 'input "input": expected datatype FP32, got INT64'],
      ['unknown datatype', tensor({ datatype: 'FLOAT' }), 400, 'input "input".datatype'],
      ['fp16', tensor({ datatype: 'FP16' }), 400, 'input "input".datatype'],
      ['data count', tensor({ data: [1, 2, 3] }), 400, 'input "input".data: expected shape [1, 4] (4 values), got 3 values'],
      ['wrong dims', tensor({ shape: [2, 2] }), 400, 'input "input": expected shape [batch, 4], got [2, 2]'],
      ['wrong rank', tensor({ shape: [4] }), 400, 'input "input"'],
      ['string data', tensor({ data: [1, 2, 'x', 4] }), 400, 'input "input".data[2]'],
      ['negative dim', tensor({ shape: [-1, 4] }), 400, 'input "input".shape[0]'],
      ['missing data', tensor({ data: undefined }), 400, 'input "input".data'],
      ['zero rows', tensor({ shape: [0, 4], data: [] }), 400, 'input "input"'],
      ['duplicate', { inputs: [tensor({}).inputs[0], tensor({}).inputs[0]] }, 400, 'input "input"'],
      ['unknown output', { ...tensor({}), outputs: [{ name: 'logits' }] }, 400, 'output "logits"'],
      ['binary size past the body', tensor({ data: undefined, parameters: { binary_data_size: 16 } }), 400, 'binary_data_size'],
    ];
    for (const [name, body, status, mention] of cases) {
      const response = await infer(body);
      expect(response.status, name).toBe(status);
      const error = await jsonOf(response);
      expect(typeof error.error, name).toBe('string');
      expect(error.error, name).toContain(mention);
    }
    const badLength = await infer('{"inputs": []}', { 'content-type': 'application/octet-stream', 'inference-header-content-length': '999' });
    expect(badLength.status).toBe(400);
    expect((await infer(tensor({}), undefined, '/v2/models/nope/infer')).status).toBe(404);
    const ok = await infer(tensor({}));
    expect(ok.status).toBe(200);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/bento_http_requests_total\{route="\/v2\/models\/:model\/infer",method="POST",status="400"\} (\d+)/);
  });
});
