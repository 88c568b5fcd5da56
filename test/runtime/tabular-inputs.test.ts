/** Dataframe and multi-input ndarray bodies through `app.inject()`: every form gives the same tensors; refusals name the column or input. */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiSpec, DataframeInputSpec, ModelSpec, RuntimeConfig, TensorValue } from '../../runtime-template/contract.js';
import { buildApp } from '../../runtime-template/http/build-app.js';
import { createMetrics } from '../../runtime-template/metrics/create-metrics.js';
import { createFakePool } from './support/fake-pool.js';
import { createIrisConfig } from './support/iris-config.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function createApp(model: ModelSpec, input: ApiSpec['input'], output: ApiSpec['output'] = { type: 'ndarray' }) {
  const api: ApiSpec = { name: 'predict', route: '/predict', model: model.name, input, output, batch: { enabled: false, maxBatchSize: 100, maxLatencyMs: 1000 } };
  const config: RuntimeConfig = { ...createIrisConfig({ apis: [api] }), models: [model] };
  const pool = createFakePool({ run: (_model, feeds) => feeds });
  const app = buildApp(config, pool, { bentoDir: '/nonexistent', metrics: createMetrics({ defaultMetrics: false }) });
  apps.push(app);
  return { app, pool };
}

async function post(app: FastifyInstance, payload: unknown, contentType = 'application/json') {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const response = await app.inject({ method: 'POST', url: '/predict', headers: { 'content-type': contentType }, payload: body });
  return { status: response.statusCode, json: response.json() as any };
}

const TABLE_MODEL: ModelSpec = { name: 'table', file: 't.onnx', sha256: 'x', inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 3] }], outputs: [] };
const DATAFRAME: DataframeInputSpec = {
  type: 'dataframe',
  orient: 'auto',
  dtype: 'float32',
  columns: [{ name: 'length', dtype: 'float32' }, { name: 'count', dtype: 'int32' }, { name: 'flag', dtype: 'bool' }],
};

describe('dataframe input', () => {
  const expected = [[1.5, 2, 1], [0.25, 7, 0]];
  const forms: [string, unknown, string?][] = [
    ['records', [{ flag: true, length: 1.5, count: 2 }, { count: 7, length: 0.25, flag: false }]],
    ['columns (lists)', { count: [2, 7], flag: [true, false], length: [1.5, 0.25] }],
    ['columns (pandas index objects)', { length: { 0: 1.5, 1: 0.25 }, count: { 0: 2, 1: 7 }, flag: { 0: true, 1: false } }],
    ['split', { columns: ['flag', 'count', 'length'], index: [0, 1], data: [[true, 2, 1.5], [false, 7, 0.25]] }],
    ['values', [[1.5, 2, true], [0.25, 7, false]]],
    ['MLflow dataframe_split', { dataframe_split: { columns: ['length', 'count', 'flag'], data: [[1.5, 2, 1], [0.25, 7, 0]] } }],
    ['csv', 'count,length,flag\r\n2,1.5,true\n7,0.25,FALSE\n', 'text/csv'],
    ['csv with quotes', '"length","count","flag"\n"1.5",2,1\n0.25,"7",0', 'text/csv'],
  ];

  it.each(forms)('reads %s into columns in declared order', async (_name, payload, contentType) => {
    const { app, pool } = createApp(TABLE_MODEL, DATAFRAME);
    const response = await post(app, payload, contentType);
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    expect(response.json).toEqual({ x: expected });
    expect((pool.calls[0]!.x as TensorValue).dims).toEqual([2, 3]);
  });

  const bad: [string, unknown, string | undefined, string, string][] = [
    ['missing column', [{ length: 1, count: 2 }], undefined, 'missing_column', '[0]: column "flag" is missing'],
    ['extra column', [{ length: 1, count: 2, flag: true, colour: 'red' }], undefined, 'unknown_column', 'unknown column "colour"'],
    ['wrong dtype', [{ length: 'long', count: 2, flag: true }], undefined, 'dtype_mismatch', 'length[0]: expected a number (float32), got string "long"'],
    ['fraction in an int column', { length: [1], count: [2.5], flag: [true] }, undefined, 'dtype_mismatch', 'count[0]: expected an integer (int32)'],
    ['null cell', [[1, null, true]], undefined, 'dtype_mismatch', 'count[0]'],
    ['short values row', [[1, 2]], undefined, 'shape_mismatch', '[0]: expected shape a row of 3 values'],
    ['columns of unequal length', { length: [1, 2], count: [1], flag: [true, false] }, undefined, 'shape_mismatch', 'count'],
    ['split without data', { columns: ['length', 'count', 'flag'] }, undefined, 'invalid_input', 'orient "split"'],
    ['empty records', [], undefined, 'empty_input', 'body'],
    ['csv missing column', 'length,count\n1,2\n', 'text/csv', 'missing_column', 'csv header: column "flag" is missing'],
    ['csv bad number', 'length,count,flag\nabc,2,1\n', 'text/csv', 'dtype_mismatch', 'length[0]'],
    ['csv NaN', 'length,count,flag\nNaN,2,1\n', 'text/csv', 'dtype_mismatch', 'length[0]'],
    ['csv ragged', 'length,count,flag\n1,2\n', 'text/csv', 'shape_mismatch', 'csv row 1'],
    ['csv unterminated quote', 'length,count,flag\n"1,2,1\n', 'text/csv', 'invalid_input', 'closing quote'],
  ];

  it.each(bad)('refuses %s with 400 naming the column', async (_name, payload, contentType, code, message) => {
    const { app } = createApp(TABLE_MODEL, DATAFRAME);
    const response = await post(app, payload, contentType);
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe(code);
    expect(response.json.error.message).toContain(message);
  });

  it('accepts only the declared orient when one is set', async () => {
    const { app } = createApp(TABLE_MODEL, { ...DATAFRAME, orient: 'records' });
    expect((await post(app, [[1.5, 2, true]])).status).toBe(400);
    expect((await post(app, [{ length: 1.5, count: 2, flag: true }])).status).toBe(200);
  });
});

const MULTI_MODEL: ModelSpec = {
  name: 'multi',
  file: 'multi.onnx',
  sha256: 'x',
  inputs: [{ name: 'features', dtype: 'float32', shape: ['batch', 3] }, { name: 'counts', dtype: 'int64', shape: ['batch', 2] }],
  outputs: [],
};

describe('ndarray input of a multi-input model', () => {
  const input = { type: 'ndarray' as const, inputs: MULTI_MODEL.inputs };

  it.each([
    ['KServe-style inputs', { inputs: { features: [[1, 2, 3], [4, 5, 6]], counts: [[1, 2], [3, 4]] } }],
    ['a bare object', { features: [[1, 2, 3], [4, 5, 6]], counts: [[1, 2], [3, 4]] }],
    ['row-wise instances', { instances: [{ features: [1, 2, 3], counts: [1, 2] }, { features: [4, 5, 6], counts: [3, 4] }] }],
  ])('feeds every input with its own dtype from %s', async (_name, payload) => {
    const { app, pool } = createApp(MULTI_MODEL, input);
    const response = await post(app, payload);
    expect(response.status, JSON.stringify(response.json)).toBe(200);
    expect(pool.calls[0]!.features!.data).toEqual(Float32Array.from([1, 2, 3, 4, 5, 6]));
    expect(pool.calls[0]!.counts!.data).toEqual(BigInt64Array.from([1n, 2n, 3n, 4n]));
    expect(response.json).toEqual({ features: [[1, 2, 3], [4, 5, 6]], counts: [[1, 2], [3, 4]] });
  });

  it.each([
    ['missing input', { inputs: { features: [[1, 2, 3]] } }, 'invalid_input', 'inputs.counts: expected a value for model input "counts" (int64 [batch, 2]), got nothing'],
    ['unknown input', { inputs: { features: [[1, 2, 3]], counts: [[1, 2]], mask: [[1]] } }, 'invalid_input', 'inputs.mask'],
    ['wrong dtype', { inputs: { features: [[1, 2, 3]], counts: [[1, 2.5]] } }, 'dtype_mismatch', 'inputs.counts[0][1]: expected an integer (int64), got number 2.5'],
    ['wrong shape', { inputs: { features: [[1, 2]], counts: [[1, 2]] } }, 'shape_mismatch', 'inputs.features: expected shape [batch, 3], got [1, 2]'],
    ['rows disagree', { inputs: { features: [[1, 2, 3], [1, 2, 3]], counts: [[1, 2]] } }, 'shape_mismatch', 'inputs.counts: expected shape 2 rows along axis 0 (the batch axis), like inputs.features, got 1'],
    ['instance missing an input', { instances: [{ features: [1, 2, 3] }] }, 'invalid_input', 'instances[0].counts'],
    ['a bare array', [[1, 2, 3]], 'invalid_input', 'body: expected {"inputs": {"features": [...], "counts": [...]}}'],
  ])('refuses %s with 400 naming the input', async (_name, payload, code, message) => {
    const { app } = createApp(MULTI_MODEL, input);
    const response = await post(app, payload);
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe(code);
    expect(response.json.error.message).toContain(message);
  });
});

describe('json output with top_k', () => {
  it('lists the k most probable labels per row, best first', async () => {
    const model: ModelSpec = { ...TABLE_MODEL, outputs: [{ name: 'probabilities', dtype: 'float32', shape: ['batch', 3] }] };
    const api: ApiSpec = {
      name: 'predict', route: '/predict', model: 'table', input: { type: 'ndarray', dtype: 'float32', shape: [-1, 3] },
      output: { type: 'json', labels: ['a', 'b', 'c'], topK: 2 }, batch: { enabled: false, maxBatchSize: 10, maxLatencyMs: 100 },
    };
    const config: RuntimeConfig = { ...createIrisConfig({ apis: [api] }), models: [model] };
    const pool = createFakePool({ run: () => ({ probabilities: { dtype: 'float32', dims: [1, 3], data: Float32Array.from([0.2, 0.5, 0.3]) } }) });
    const app = buildApp(config, pool, { bentoDir: '/nonexistent', metrics: createMetrics({ defaultMetrics: false }) });
    apps.push(app);
    const response = await post(app, [[1, 2, 3]]);
    expect(response.json).toEqual([{ label: 'b', top_k: [{ label: 'b', probability: 0.5 }, { label: 'c', probability: 0.3 }] }]);
  });
});
