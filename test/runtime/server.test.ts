/** A real bento (bundle + onnxruntime-node + iris.onnx) started as a process and called over HTTP. */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ort from 'onnxruntime-node';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { irisModelBytes } from '../support/iris-project.js';
import { startSplitPost } from '../support/split-post.js';
import { waitFor } from '../support/wait-for.js';
import { createE2eConfig, E2E_BODY_LIMIT, E2E_HANDLERS } from './support/e2e-config.js';
import { IRIS_LABELS } from './support/iris-config.js';
import { buildTestBento, FAKE_OPENAPI, postJson, startBento, type RunningBento } from './support/test-bento.js';

const SETOSA = [5.1, 3.5, 1.4, 0.2];
const ROWS = [SETOSA, [6.4, 3.2, 4.5, 1.5], [6.7, 3.0, 5.2, 2.3]];

interface LabeledRow {
  label: string;
  probabilities: Record<string, number>;
}

async function predictDirectly(rows: number[][]): Promise<{ probabilities: number[][]; labels: string[] }> {
  const session = await ort.InferenceSession.create(irisModelBytes());
  const input = new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, 4]);
  const outputs = await session.run({ input });
  await session.release();
  const probabilities = rows.map((_, i) => Array.from(outputs.probabilities!.data as Float32Array).slice(i * 3, i * 3 + 3));
  const labels = Array.from(outputs.label!.data as BigInt64Array, (index) => IRIS_LABELS[Number(index)]!);
  return { probabilities, labels };
}

async function readError(response: Response): Promise<{ code: string; message: string; details: unknown }> {
  return ((await response.json()) as { error: { code: string; message: string; details: unknown } }).error;
}

let dir: string;
let bento: RunningBento;

beforeAll(async () => {
  dir = await buildTestBento(createE2eConfig(), E2E_HANDLERS);
  bento = await startBento(dir);
});

afterAll(async () => {
  if (bento?.child.exitCode === null) {
    bento.child.kill('SIGTERM');
    await bento.exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('health and docs', () => {
  it('is live and ready once the models are loaded', async () => {
    for (const path of ['/healthz', '/livez', '/readyz']) {
      const response = await fetch(`${bento.url}${path}`);
      expect(response.status, path).toBe(200);
    }
    const ready = bento.logs.find((entry) => entry.msg === 'ready')!;
    expect(ready.startToReadyMs).toBeTypeOf('number');
  });

  it('serves the Swagger UI page, its assets and the OpenAPI document', async () => {
    const page = await fetch(`${bento.url}/`);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    const html = await page.text();
    expect(html).toContain('static/swagger-ui/swagger-ui-bundle.js');
    expect(html).toContain("url: 'openapi.json'");
    const script = await fetch(`${bento.url}/static/swagger-ui/swagger-ui-bundle.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect((await script.text()).length).toBeGreaterThan(100_000);
    const css = await fetch(`${bento.url}/static/swagger-ui/swagger-ui.css`);
    expect(css.status).toBe(200);
    for (const path of ['/openapi.json', '/docs.json']) expect(await (await fetch(`${bento.url}${path}`)).json()).toEqual(FAKE_OPENAPI);
  });

  it('serves nothing outside static/swagger-ui', async () => {
    for (const path of ['/static/swagger-ui/..%2Fopenapi.json', '/static/swagger-ui/%2E%2E%2Fserver.mjs', '/static/swagger-ui/../server.mjs']) {
      const response = await fetch(`${bento.url}${path}`);
      expect(response.status, path).toBe(404);
      expect((await readError(response)).code).toBe('not_found');
    }
  });
});

describe('predictions', () => {
  it('classifies one row as setosa, matching a direct onnxruntime call', async () => {
    const response = await postJson(`${bento.url}/predict`, [SETOSA]);
    expect(response.status).toBe(200);
    const body = (await response.json()) as LabeledRow[];
    const direct = await predictDirectly([SETOSA]);
    expect(body).toHaveLength(1);
    expect(body[0]!.label).toBe('setosa');
    IRIS_LABELS.forEach((name, i) => expect(body[0]!.probabilities[name]).toBeCloseTo(direct.probabilities[0]![i]!, 6));
  });

  it('answers one entry per row of a multi-row request, bare or as {"instances": …}', async () => {
    const direct = await predictDirectly(ROWS);
    for (const payload of [ROWS, { instances: ROWS }]) {
      const body = (await (await postJson(`${bento.url}/predict`, payload)).json()) as LabeledRow[];
      expect(body.map((row) => row.label)).toEqual(direct.labels);
    }
    expect(direct.labels).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('batches concurrent requests and splits the answers back per request', async () => {
    const direct = await predictDirectly(ROWS);
    const requests = Array.from({ length: 30 }, (_, i) => ROWS.slice(i % 3, (i % 3) + 1 + (i % 2)));
    const answers = await Promise.all(requests.map(async (rows) => (await postJson(`${bento.url}/predict_batched`, rows)).json()));
    (answers as Array<{ probabilities: number[][]; label: number[] }>).forEach((answer, i) => {
      const rows = requests[i]!;
      expect(answer.label).toHaveLength(rows.length);
      rows.forEach((row, r) => {
        const index = ROWS.indexOf(row);
        expect(IRIS_LABELS[answer.label[r]!]).toBe(direct.labels[index]);
        answer.probabilities[r]!.forEach((p, k) => expect(p).toBeCloseTo(direct.probabilities[index]![k]!, 6));
      });
    });
  });

  it('runs handlers: json with a schema and a model call, batched text, 4xx from the handler', async () => {
    const classified = await postJson(`${bento.url}/classify`, { features: SETOSA });
    expect(await classified.json()).toEqual({ species: 'setosa' });
    const invalid = await postJson(`${bento.url}/classify`, { features: [1, 2] });
    expect(invalid.status).toBe(400);
    expect((await readError(invalid))).toMatchObject({ code: 'schema_violation', message: expect.stringContaining('body.features') });
    const shouted = await Promise.all(['a', 'bc'].map((text) =>
      fetch(`${bento.url}/shout`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: text }).then((r) => r.text())));
    expect(shouted).toEqual(['A', 'BC']);
    const rejected = await postJson(`${bento.url}/picky`, { ok: false });
    expect(rejected.status).toBe(422);
    expect((await readError(rejected))).toMatchObject({ code: 'handler_rejected', message: 'ok must be true' });
  });
});

describe('malformed requests', () => {
  const cases: Array<{ name: string; body: string; contentType?: string; status: number; code: string; message?: RegExp }> = [
    { name: 'bad JSON', body: '[[5.1, 3.5,', status: 400, code: 'invalid_json', message: /not valid JSON: .*JSON/ },
    { name: 'empty body', body: '', status: 400, code: 'empty_body' },
    { name: 'wrong dtype', body: '[["5.1", 3.5, 1.4, 0.2]]', status: 400, code: 'dtype_mismatch', message: /input\[0\]\[0\]: expected a number \(float32\), got string "5\.1"/ },
    { name: 'object leaf', body: '[[{}, 3.5, 1.4, 0.2]]', status: 400, code: 'dtype_mismatch', message: /input\[0\]\[0\]/ },
    { name: 'wrong width', body: '[[5.1, 3.5, 1.4]]', status: 400, code: 'shape_mismatch', message: /expected shape \[n, 4\], got \[1, 3\]/ },
    { name: 'missing outer array', body: '[5.1, 3.5, 1.4, 0.2]', status: 400, code: 'shape_mismatch', message: /rank 2.*got rank 1.*wrapped/ },
    { name: 'too deep', body: '[[[5.1, 3.5, 1.4, 0.2]]]', status: 400, code: 'shape_mismatch', message: /rank 3/ },
    { name: 'ragged', body: '[[5.1, 3.5, 1.4, 0.2], [1, 2, 3]]', status: 400, code: 'ragged_array', message: /input\[1\]: ragged array, expected 4 elements/ },
    { name: 'empty array', body: '[]', status: 400, code: 'empty_input' },
    { name: 'null', body: 'null', status: 400, code: 'shape_mismatch' },
    { name: 'wrong object', body: '{"rows": [[1, 2, 3, 4]]}', status: 400, code: 'invalid_input', message: /instances/ },
    { name: 'proto poisoning', body: '{"__proto__": {"polluted": 1}}', status: 400, code: 'invalid_input', message: /body.__proto__: forbidden key/ },
    { name: 'escaped proto poisoning', body: '{"\\u005f_proto__": {"polluted": 1}}', status: 400, code: 'invalid_input', message: /body.__proto__: forbidden key/ },
    { name: 'constructor poisoning', body: '{"constructor": {"prototype": {"polluted": 1}}}', status: 400, code: 'invalid_input', message: /body.constructor.prototype: forbidden key/ },
    { name: 'text/plain', body: '[[5.1, 3.5, 1.4, 0.2]]', contentType: 'text/plain', status: 415, code: 'unsupported_media_type' },
    { name: 'form encoded', body: 'a=1', contentType: 'application/x-www-form-urlencoded', status: 415, code: 'unsupported_media_type' },
    { name: 'too large', body: `[${Array.from({ length: E2E_BODY_LIMIT / 20 }, () => '[5.1, 3.5, 1.4, 0.2]').join(',')}]`, status: 413, code: 'body_too_large' },
  ];

  it.each(cases)('$name → $status $code', async ({ body, contentType, status, code, message }) => {
    const response = await fetch(`${bento.url}/predict`, {
      method: 'POST',
      headers: { 'content-type': contentType ?? 'application/json' },
      body,
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const error = await readError(response);
    expect(error.code).toBe(code);
    expect(error.details).toBeTypeOf('object');
    if (message) expect(error.message).toMatch(message);
    expect((await fetch(`${bento.url}/healthz`)).status).toBe(200);
  });

  it('answers unknown routes with a JSON 404, and a GET on an API route with 405 and Allow', async () => {
    const response = await fetch(`${bento.url}/predicts`);
    expect(response.status).toBe(404);
    expect((await readError(response)).code).toBe('not_found');
    const wrongMethod = await fetch(`${bento.url}/predict`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect((await readError(wrongMethod)).code).toBe('method_not_allowed');
  });

  it('still predicts correctly after all of that', async () => {
    const body = (await (await postJson(`${bento.url}/predict`, [SETOSA])).json()) as LabeledRow[];
    expect(body[0]!.label).toBe('setosa');
  });
});

describe('metrics', () => {
  it('counts requests by route and status and times model calls', async () => {
    const text = await (await fetch(`${bento.url}/metrics`)).text();
    expect(text).toMatch(/bento_http_requests_total\{route="\/predict",method="POST",status="200"\} \d+/);
    expect(text).toMatch(/bento_http_requests_total\{route="\/predict",method="POST",status="400"\} \d+/);
    expect(text).toMatch(/bento_http_request_duration_seconds_count\{route="\/predict",status_class="2xx"\} \d+/);
    expect(text).toMatch(/bento_model_execution_seconds_count\{model="iris"\} \d+/);
    expect(text).toMatch(/bento_batch_size_rows_count\{api="predict_batched"\} \d+/);
    expect(text).toContain('bento_shed_total');
    expect(text).toContain('bento_estimated_batch_seconds');
  });
});

describe('clients that go away', () => {
  it('survives a client aborting mid-request', async () => {
    const controller = new AbortController();
    const pending = postJson(`${bento.url}/slow`, { ms: 300 }, {}, controller.signal).catch((error: Error) => error.name);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect(await pending).toBe('AbortError');
    expect((await fetch(`${bento.url}/healthz`)).status).toBe(200);
    const body = (await (await postJson(`${bento.url}/predict`, [SETOSA])).json()) as LabeledRow[];
    expect(body[0]!.label).toBe('setosa');
  });
});

describe('shutdown', () => {
  it('on SIGTERM answers the request in flight, refuses new ones on open connections with a JSON 503, accepts no connection, exits 0', async () => {
    const started = join(tmpdir(), 'hold-started');
    const release = join(tmpdir(), 'hold-release');
    // A keep-alive connection opened before the signal and idle at it.
    const idle = new Client(bento.url);
    const before = await idle.request({ method: 'GET', path: '/readyz' });
    expect(before.statusCode).toBe(200);
    await before.body.dump();
    const inFlight = postJson(`${bento.url}/hold`, { started, release });
    await waitFor(() => existsSync(started), 'the held request to reach its handler');
    // A request already arriving at the signal (headers and half its body sent) was accepted: it is served.
    const body = JSON.stringify([SETOSA]);
    const arriving = startSplitPost(`${bento.url}/predict`, body.slice(0, 5));
    const arrived = async () => /bento_requests_in_flight\{api="predict"\} 1\b/.test(await (await fetch(`${bento.url}/metrics`)).text());
    await expect.poll(arrived, { timeout: 60_000, interval: 10, message: 'the split request to arrive' }).toBe(true);
    bento.child.kill('SIGTERM');
    await waitFor(() => bento.logs.some((entry) => entry.msg === 'stopped accepting connections; refusing new requests'), 'the refusals to begin');

    const refused = await idle.request({ method: 'POST', path: '/predict', headers: { 'content-type': 'application/json' }, body: JSON.stringify([SETOSA]) });
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers.connection).toBe('close');
    expect(((await refused.body.json()) as { error: { code: string } }).error.code).toBe('shutting_down');
    await idle.close();
    const fresh = new Client(bento.url);
    await expect(fresh.request({ method: 'GET', path: '/readyz' })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    await fresh.destroy();

    arriving.finish(body.slice(5));
    const accepted = await arriving.response;
    expect(accepted.status, accepted.body).toBe(200);
    expect(accepted.body).toContain('setosa');

    expect(bento.child.exitCode).toBe(null); // still draining: the held request has not been answered
    writeFileSync(release, '');
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toEqual({ released: true });
    // The server's last log lines say why, if it exits otherwise.
    expect(await bento.exited, JSON.stringify(bento.logs.slice(-6))).toBe(0);
    expect(bento.logs.map((entry) => entry.msg)).toContain('stopped');
  });
});

