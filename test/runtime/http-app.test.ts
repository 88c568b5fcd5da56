/** The HTTP layer through `app.inject()`: adapters' error messages, label output, readiness, faults. */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiSpec } from '../../runtime-template/contract.js';
import { buildApp } from '../../runtime-template/http/build-app.js';
import { createMetrics } from '../../runtime-template/metrics/create-metrics.js';
import type { ModelPool } from '../../runtime-template/model/create-model-pool.js';
import { createFakePool, oneHotByRow } from './support/fake-pool.js';
import { createIrisApi, createIrisConfig, IRIS_MODEL } from './support/iris-config.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function createApp(apis: ApiSpec[], pool: ModelPool = createFakePool(), handlers = {}, requestTimeoutMs = 10_000, model = IRIS_MODEL): FastifyInstance {
  const config = createIrisConfig({ apis });
  config.models = [model];
  config.runtime.requestTimeoutMs = requestTimeoutMs;
  const app = buildApp(config, pool, { bentoDir: '/nonexistent', handlers, metrics: createMetrics({ defaultMetrics: false }) });
  apps.push(app);
  return app;
}

function ndarrayApi(dtype: 'int64' | 'uint8' | 'bool' | 'string' | 'float32', shape: Array<number | string>): ApiSpec {
  return createIrisApi({ input: { type: 'ndarray', dtype, shape }, output: { type: 'ndarray' } });
}

async function post(app: FastifyInstance, payload: string, contentType = 'application/json', url = '/predict') {
  const response = await app.inject({ method: 'POST', url, headers: { 'content-type': contentType }, payload });
  return { status: response.statusCode, headers: response.headers, body: response.json() as { error: { code: string; message: string; details: Record<string, unknown> } } };
}

describe('ndarray input errors name the field, the expectation and what was sent', () => {
  it.each([
    ['int64', [-1, 2], '[[1, 1.5]]', 'dtype_mismatch', 'input[0][1]: expected an integer (int64), got number 1.5'],
    ['uint8', [-1, 2], '[[1, 300]]', 'dtype_mismatch', 'input[0][1]: expected an integer (uint8), got number 300'],
    ['bool', [-1, 1], '[[true], ["yes"]]', 'dtype_mismatch', 'input[1][0]: expected a boolean, got string "yes"'],
    ['string', [-1], '["a", 3]', 'dtype_mismatch', 'input[1]: expected a string, got number 3'],
    ['float32', [1, 4], '[[1,2,3,4],[1,2,3,4]]', 'shape_mismatch', 'input: expected shape [1, 4], got [2, 4]'],
    ['float32', ['batch', 4], '[[1,2,3,4],[1,2,3,4,5]]', 'ragged_array', 'input[1]: ragged array, expected 4 elements like its siblings, got 5'],
    ['float32', ['batch', 2], '[[1,2],3]', 'ragged_array', 'input[1]: ragged array, expected an array of 2, got number 3'],
    ['float32', ['batch', 4], '{"instances": [[1,2,3]]}', 'shape_mismatch', 'instances: expected shape [batch, 4], got [1, 3]'],
    ['float32', ['batch', 4], '"hello"', 'shape_mismatch', 'input: expected shape [batch, 4] (rank 2), got string "hello"'],
  ] as const)('%s %j ← %s', async (dtype, shape, payload, code, message) => {
    const { status, body } = await post(createApp([ndarrayApi(dtype, [...shape])]), payload);
    expect(status).toBe(400);
    expect(body.error.code).toBe(code);
    expect(body.error.message).toBe(message);
    expect(body.error.details.field).toBeDefined();
  });

  it('packs int64 as BigInt64Array and bool as Uint8Array for the model', async () => {
    const pool = createFakePool({ run: (_model, feeds) => feeds });
    const int64Model = { ...IRIS_MODEL, inputs: [{ name: 'input', dtype: 'int64' as const, shape: ['batch', 2] }] };
    const app = createApp([ndarrayApi('int64', [-1, 2])], pool, {}, 10_000, int64Model);
    const response = await post(app, '[[1, 2], [3, -4]]');
    expect(response.status).toBe(200);
    expect(pool.calls[0]!.input!.data).toEqual(BigInt64Array.from([1n, 2n, 3n, -4n]));
    expect(response.body).toEqual({ input: [[1, 2], [3, -4]] });
  });
});

describe('label output', () => {
  it('gives one {label, probabilities} per row, taking the argmax when the model has no label output', async () => {
    const response = await post(createApp([createIrisApi()]), '[[1,2,3,4],[1,2,3,4]]');
    expect(response.status).toBe(200);
    expect(response.body).toEqual([
      { label: 'setosa', probabilities: { setosa: 0.8, versicolor: 0.1, virginica: 0.1 } },
      { label: 'versicolor', probabilities: { setosa: 0.1, versicolor: 0.8, virginica: 0.1 } },
    ]);
  });
});

describe('json input', () => {
  const schemaApi: ApiSpec = {
    name: 'echo',
    route: '/echo',
    handler: 'echo',
    input: { type: 'json', schema: { type: 'object', required: ['items'], properties: { items: { type: 'array', items: { type: 'integer' } } } } },
    output: { type: 'json' },
    batch: { enabled: false, maxBatchSize: 10, maxLatencyMs: 100 },
  };
  const handlers = { echo: (input: unknown) => input };

  it('reports the first schema violation with its field', async () => {
    const { status, body } = await post(createApp([schemaApi], undefined, handlers), '{"items": [1, "x"]}', 'application/json', '/echo');
    expect(status).toBe(400);
    expect(body.error.code).toBe('schema_violation');
    expect(body.error.message).toBe("request body does not match the API's schema: body.items[1] must be integer");
  });

  it('feeds a model input by name when the API has no handler', async () => {
    const api = createIrisApi({ input: { type: 'json' }, output: { type: 'ndarray' } });
    const app = createApp([api], createFakePool({ run: (_model, feeds) => feeds }));
    expect((await post(app, '{"input": [[1, 2, 3, 4]]}')).body).toEqual({ input: [[1, 2, 3, 4]] });
    const missing = await post(app, '{"inputs": [[1, 2, 3, 4]]}');
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe('input: expected a value for model input "input" (float32 [batch, 4]), got nothing');
    const unknown = await post(app, '{"input": [[1, 2, 3, 4]], "extra": 1}');
    expect(unknown.body.error.message).toBe('extra: expected one of the model inputs input, got an unknown input');
  });

  it('never takes a client-made tensor object as a tensor: its dims could claim rows that are not there', async () => {
    const api = createIrisApi({ input: { type: 'json' }, output: { type: 'ndarray' } });
    const pool = createFakePool({ run: (_model, feeds) => feeds });
    const app = createApp([api], pool);
    const crafted = await post(app, '{"input": {"dtype": "float32", "dims": [2, 4], "data": [0, 0, 0, 0]}}');
    expect(crafted.status).toBe(400);
    expect(crafted.body.error.code).toBe('shape_mismatch');
    expect(crafted.body.error.message).toBe('input: expected shape [batch, 4] (rank 2), got an object');
    expect(pool.calls).toHaveLength(0);
  });
});

describe('media types', () => {
  it('refuses JSON on a text API and text on a JSON API with 415', async () => {
    const textApi: ApiSpec = { ...createIrisApi(), model: undefined, handler: 'h', input: { type: 'text' }, output: { type: 'text' } };
    const app = createApp([textApi], undefined, { h: (text: string) => text });
    const response = await post(app, '"x"');
    expect(response.status).toBe(415);
    expect(response.body.error.message).toBe('expected Content-Type text/plain, got application/json');
  });
});

describe('readiness and faults', () => {
  it('answers 503 with Retry-After until the models are loaded', async () => {
    const app = createApp([createIrisApi()], createFakePool({ ready: false }));
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    expect(ready.statusCode).toBe(503);
    const predict = await post(app, '[[1,2,3,4]]');
    expect(predict.status).toBe(503);
    expect(predict.headers['retry-after']).toBe('1');
    expect(predict.body.error.code).toBe('not_ready');
    expect((await app.inject({ method: 'GET', url: '/livez' })).statusCode).toBe(200);
  });

  it('turns a model failure into a 500 model_failed and keeps serving', async () => {
    let fail = true;
    const pool = createFakePool({
      run: (model, feeds) => {
        if (fail) throw new Error('onnxruntime exploded');
        return oneHotByRow(model, feeds);
      },
    });
    const app = createApp([createIrisApi()], pool);
    const response = await post(app, '[[1,2,3,4]]');
    expect(response.status).toBe(500);
    expect(response.body.error).toEqual({ code: 'model_failed', message: 'model "iris" failed to run', details: { model: 'iris' } });
    fail = false;
    expect((await post(app, '[[1,2,3,4]]')).status).toBe(200);
  });

  it('answers 504 when the request timeout passes, without waiting for the handler', async () => {
    const api: ApiSpec = { ...createIrisApi(), model: undefined, handler: 'sleep', input: { type: 'json' }, output: { type: 'json' } };
    const sleep = () => new Promise((resolve) => setTimeout(() => resolve('late'), 1_000));
    const app = createApp([api], undefined, { sleep }, 50);
    const started = performance.now();
    const response = await post(app, '{}');
    expect(response.status).toBe(504);
    expect(response.body.error).toMatchObject({ code: 'timeout', details: { timeoutMs: 50 } });
    expect(performance.now() - started).toBeLessThan(900);
  });

  it('refuses a request with more rows than max_batch_size (413) when batching', async () => {
    const api = createIrisApi({ batch: { enabled: true, maxBatchSize: 2, maxLatencyMs: 1000 } });
    const app = createApp([api]);
    const response = await post(app, '[[1,2,3,4],[1,2,3,4],[1,2,3,4]]');
    expect(response.status).toBe(413);
    expect(response.body.error.code).toBe('too_many_rows');
    expect((await post(app, '[[1,2,3,4],[1,2,3,4]]')).status).toBe(200);
  });

  it('names the API and the model in the configuration errors it refuses to start with', () => {
    const api = createIrisApi({ model: 'nope' });
    expect(() => createApp([api])).toThrow('API "predict" refers to unknown model "nope"');
    expect(IRIS_MODEL.inputs).toHaveLength(1);
  });
});
