import { Validator } from '@seriousme/openapi-schema-validator';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, serveBento, type RunningServer } from '../support/cli.js';
import { irisModelBytes, makeTempDir } from '../support/iris-project.js';
import { makeMultiInputModel } from '../support/multi-input-model.js';
import { buildMultipart } from '../support/multipart-body.js';

const BENTOFILE = `service: input_types
artifacts:
  - {name: multi, path: ./multi.onnx}
  - {name: iris, path: ./iris.onnx}
apis:
  - name: combine
    model: multi
    input: {type: ndarray}
    output: {type: json}
  - name: iris_table
    model: iris
    input:
      type: dataframe
      columns: [sepal_length, sepal_width, petal_length, petal_width]
    output: {type: json, labels: [setosa, versicolor, virginica], top_k: 2}
    batch: {enabled: true}
  - name: checksum
    handler: ./service.ts#checksum
    input: {type: file}
    output: {type: json}
`;

const HANDLER = `import { createHash } from 'node:crypto';
export function checksum(file) {
  return { bytes: file.data.length, mediaType: file.mediaType, filename: file.filename ?? null, sha256: createHash('sha256').update(file.data).digest('hex') };
}
`;

/** A bento built from a bentofile alone: a multi-input model (float32 + int64), a dataframe API and a file handler. */
describe('input types through a built bento', () => {
  const home = makeTempDir('home');
  const project = makeTempDir('inputs');
  let server: RunningServer;
  const post = (route: string, body: string | Buffer, contentType = 'application/json') =>
    fetch(`${server.url}${route}`, { method: 'POST', headers: { 'content-type': contentType }, body });

  beforeAll(async () => {
    writeFileSync(join(project, 'multi.onnx'), makeMultiInputModel());
    writeFileSync(join(project, 'iris.onnx'), irisModelBytes());
    writeFileSync(join(project, 'service.ts'), HANDLER);
    writeFileSync(join(project, 'bentofile.yaml'), BENTOFILE);
    const built = runCli(['build', join(project, 'bentofile.yaml')], { home });
    expect(built.status, built.stderr).toBe(0);
    server = await serveBento('input_types:latest', { home });
  }, 120_000);

  afterAll(async () => {
    if (server && server.child.exitCode === null) await server.stop();
  });

  it('feeds a multi-input model from {"inputs": …} and {"instances": …}, equal to a direct onnxruntime call', async () => {
    const features = [[1, 2, 3], [0.5, -1, 4]];
    const counts = [[4, 5], [0, 7]];
    const session = await ort.InferenceSession.create(makeMultiInputModel());
    const direct = await session.run({
      features: new ort.Tensor('float32', Float32Array.from(features.flat()), [2, 3]),
      counts: new ort.Tensor('int64', BigInt64Array.from(counts.flat().map(BigInt)), [2, 2]),
    });
    await session.release();
    const columnar = await post('/combine', JSON.stringify({ inputs: { features, counts } }));
    expect(columnar.status).toBe(200);
    const body = (await columnar.json()) as { scores: number[][]; doubled: number[][] };
    expect(body.doubled).toEqual([[8, 10], [0, 14]]);
    expect(body.scores.flat().map(Math.fround)).toEqual(Array.from(direct.scores!.data as Float32Array));
    const rows = await post('/combine', JSON.stringify({ instances: [{ features: features[0], counts: counts[0] }, { features: features[1], counts: counts[1] }] }));
    expect(await rows.json()).toEqual(body);
  });

  it('reads a dataframe as records, split and CSV, and answers the top 2 labels', async () => {
    const records = [
      { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 },
      { petal_width: 2.3, petal_length: 5.2, sepal_width: 3.0, sepal_length: 6.7 },
    ];
    const fromRecords = (await (await post('/iris_table', JSON.stringify(records))).json()) as { label: string; top_k: { label: string; probability: number }[] }[];
    expect(fromRecords.map((r) => r.label)).toEqual(['setosa', 'virginica']);
    expect(fromRecords[0]!.top_k).toHaveLength(2);
    const session = await ort.InferenceSession.create(irisModelBytes());
    const direct = await session.run({ input: new ort.Tensor('float32', Float32Array.from([5.1, 3.5, 1.4, 0.2]), [1, 4]) });
    await session.release();
    expect(Math.fround(fromRecords[0]!.top_k[0]!.probability)).toBe(Math.max(...(direct.probabilities!.data as Float32Array)));

    const split = { columns: ['petal_width', 'petal_length', 'sepal_width', 'sepal_length'], data: [[0.2, 1.4, 3.5, 5.1], [2.3, 5.2, 3.0, 6.7]] };
    expect(await (await post('/iris_table', JSON.stringify(split))).json()).toEqual(fromRecords);
    const csv = 'sepal_length,sepal_width,petal_length,petal_width\n5.1,3.5,1.4,0.2\n6.7,3.0,5.2,2.3\n';
    expect(await (await post('/iris_table', csv, 'text/csv')).json()).toEqual(fromRecords);
  });

  it('hands a file handler the uploaded bytes, from multipart or a raw body', async () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252]);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const form = buildMultipart([{ name: 'file', data: bytes, filename: 'data.bin', contentType: 'application/x-custom' }]);
    expect(await (await post('/checksum', form.body, form.contentType)).json()).toEqual({ bytes: 6, mediaType: 'application/x-custom', filename: 'data.bin', sha256 });
    expect(await (await post('/checksum', bytes, 'application/octet-stream')).json()).toEqual({ bytes: 6, mediaType: 'application/octet-stream', filename: null, sha256 });
  });

  it('answers a table of malformed requests with precise 4xx errors, and keeps serving', async () => {
    const cases: [string, string, string, number, string, string][] = [
      ['/combine', '{"inputs": {"features": [[1, 2, 3]]}}', 'application/json', 400, 'invalid_input', 'inputs.counts'],
      ['/combine', '{"inputs": {"features": [[1, 2, 3]], "counts": [[1, 2.5]]}}', 'application/json', 400, 'dtype_mismatch', 'inputs.counts[0][1]'],
      ['/combine', '{"inputs": {"features": [[1, 2, 3]], "counts": [[1, 2]], "extra": [1]}}', 'application/json', 400, 'invalid_input', 'inputs.extra'],
      ['/combine', '[[1, 2, 3]]', 'application/json', 400, 'invalid_input', 'body'],
      ['/combine', 'a,b\n1,2', 'text/csv', 415, 'unsupported_media_type', 'text/csv'],
      ['/iris_table', '[{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4}]', 'application/json', 400, 'missing_column', 'petal_width'],
      ['/iris_table', '[{"sepal_length": 5.1, "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2, "colour": 1}]', 'application/json', 400, 'unknown_column', 'colour'],
      ['/iris_table', '[{"sepal_length": "x", "sepal_width": 3.5, "petal_length": 1.4, "petal_width": 0.2}]', 'application/json', 400, 'dtype_mismatch', 'sepal_length[0]'],
      ['/iris_table', 'sepal_length,sepal_width\n1,2\n', 'text/csv', 400, 'missing_column', 'petal_length'],
      ['/iris_table', '[{"sepal_length": 5.1', 'application/json', 400, 'invalid_json', ''],
      ['/checksum', '', 'application/octet-stream', 400, 'empty_body', ''],
    ];
    for (const [route, body, type, status, code, mention] of cases) {
      const response = await post(route, body, type);
      const error = ((await response.json()) as { error: { code: string; message: string } }).error;
      expect({ route, body, status: response.status, code: error.code }).toEqual({ route, body, status, code });
      expect(error.message).toContain(mention);
    }
    expect((await post('/combine', JSON.stringify({ inputs: { features: [[1, 2, 3]], counts: [[1, 2]] } }))).status).toBe(200);
  });

  it('publishes a valid OpenAPI 3.1 spec with a request form per input type', async () => {
    const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as any;
    const result = await new Validator().validate(spec);
    expect(result.errors).toBeUndefined();
    const content = (route: string) => spec.paths[route].post.requestBody.content;
    expect(Object.keys(content('/combine'))).toEqual(['application/json']);
    expect(content('/combine')['application/json'].example).toEqual({ inputs: { features: [[0, 0, 0]], counts: [[0, 0]] } });
    expect(Object.keys(content('/iris_table'))).toEqual(['application/json', 'text/csv']);
    expect(Object.keys(content('/checksum'))).toEqual(['multipart/form-data', 'application/octet-stream']);
    expect(spec.paths['/iris_table'].post.responses['200'].content['application/json'].schema.items.required).toEqual(['label', 'top_k']);
  });
});
