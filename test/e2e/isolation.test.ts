/**
 * Isolation through the real compiler and server, as properties (fast-check): random concurrent mixes of
 * requests to models whose batch axes are not "dim 0 of everything" (transposed outputs, batch on axis 1,
 * dynamic inner dims, scalar side inputs, a Silero-VAD-shaped model built from a bentofile with no input/output
 * sections), crafted bodies among them. Every 200 equals a direct onnxruntime call on that request alone, every
 * malformed request gets a 4xx, no well-formed one gets a 500.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runCli, serveBento, type RunningServer } from '../support/cli.js';
import { makeTempDir } from '../support/iris-project.js';
import { axis1In, reduceBatch, scaled, seqSum, transposeOut, vadLike } from '../support/isolation-models.js';

const MODELS = { transpose_out: transposeOut(), axis1_in: axis1In(), seq_sum: seqSum(), scaled: scaled(), vad_like: vadLike(), reduce_batch: reduceBatch() };
type ModelName = keyof typeof MODELS;

/** One request: where it goes, its body, and the model feeds it stands for (undefined: malformed, expect a 4xx). */
interface Case {
  api: string;
  model: ModelName;
  body: unknown;
  feeds?: Record<string, { dtype: 'float32' | 'int64'; dims: number[]; values: number[] }>;
}

type Nested = number | Nested[];
const small = fc.integer({ min: -50, max: 50 }); // integers: exact in float32, whatever the batch
const matrix = (rows: number, cols: number) => fc.array(fc.array(small, { minLength: cols, maxLength: cols }), { minLength: rows, maxLength: rows });
const cube = (a: number, b: number, c: number) => fc.array(matrix(b, c), { minLength: a, maxLength: a });
const rowsArb = fc.integer({ min: 1, max: 4 });
const f32 = (dims: number[], nested: Nested) => ({ dtype: 'float32' as const, dims, values: [nested].flat(4) as number[] });
const i64 = (value: number) => ({ dtype: 'int64' as const, dims: [], values: [value] });
const transpose = (m: number[][]) => m[0]!.map((_, j) => m.map((row) => row[j]!));

const wellFormed: fc.Arbitrary<Case> = fc.oneof(
  rowsArb.chain((r) => matrix(r, 3)).map((x) => ({ api: 'transpose_out', model: 'transpose_out' as const, body: x, feeds: { x: f32([x.length, 3], x) } })),
  rowsArb.chain((r) => matrix(3, r)).map((x) => ({ api: 'axis1_in', model: 'axis1_in' as const, body: x, feeds: { x: f32([3, x[0]!.length], x) } })),
  fc.tuple(rowsArb, fc.constantFrom(1, 2, 3, 5)).chain(([r, s]) => matrix(r, s)).map((x) => ({ api: 'seq_sum', model: 'seq_sum' as const, body: { instances: x }, feeds: { x: f32([x.length, x[0]!.length], x) } })),
  fc.tuple(rowsArb.chain((r) => matrix(r, 2)), fc.constantFrom(1, 2, 3), fc.boolean()).map(([x, scale, rowWise]) => ({
    api: 'scaled', model: 'scaled' as const,
    body: rowWise ? { instances: x.map((row) => ({ x: row, scale })) } : { x, scale },
    feeds: { x: f32([x.length, 2], x), scale: i64(scale) },
  })),
  fc.tuple(rowsArb, fc.constantFrom(2, 4), fc.constantFrom(8000, 16000), fc.constantFrom('vad', 'vad_json')).chain(([r, s, sr, api]) =>
    fc.tuple(matrix(r, s), cube(2, r, 4), cube(2, r, 4)).map(([input, h, c]) => ({
      api, model: 'vad_like' as const,
      body: api === 'vad' ? { inputs: { input, sr, h, c } } : { input, sr, h, c },
      feeds: { input: f32([r, s], input), sr: i64(sr), h: f32([2, r, 4], h), c: f32([2, r, 4], c) },
    }))),
  rowsArb.chain((r) => matrix(r, 3)).map((x) => ({ api: 'reduce_batch', model: 'reduce_batch' as const, body: x, feeds: { x: f32([x.length, 3], x) } })),
);

/** Bodies a hostile client sends: each must be refused with a 4xx and harm no neighbour. */
const malformed: fc.Arbitrary<Case> = fc.oneof(
  fc.constant({ api: 'vad_json', model: 'vad_like' as const, body: { input: { dtype: 'float32', dims: [2, 2], data: [0, 0] }, sr: 8000, h: [[[0, 0, 0, 0]], [[0, 0, 0, 0]]], c: [[[0, 0, 0, 0]], [[0, 0, 0, 0]]] } }),
  matrix(2, 2).map((input) => ({ api: 'vad', model: 'vad_like' as const, body: { input, sr: 8000, h: [[[0, 0, 0, 0]], [[0, 0, 0, 0]]], c: [[[0, 0, 0, 0]], [[0, 0, 0, 0]]] } })), // h has 1 row, input 2
  matrix(1, 2).map((x) => ({ api: 'scaled', model: 'scaled' as const, body: { x, scale: [2] } })),
  matrix(1, 2).map((x) => ({ api: 'scaled', model: 'scaled' as const, body: { x, scale: 1.5 } })),
  matrix(1, 2).map((x) => ({ api: 'scaled', model: 'scaled' as const, body: { x, scale: 1, extra: 1 } })),
  fc.constant({ api: 'scaled', model: 'scaled' as const, body: { instances: [{ x: [1, 2], scale: 1 }, { x: [3, 4], scale: 2 }] } }),
  fc.constant({ api: 'seq_sum', model: 'seq_sum' as const, body: [[1, 2], [3]] }),
  matrix(1, 4).map((x) => ({ api: 'transpose_out', model: 'transpose_out' as const, body: x })),
  matrix(4, 1).map((x) => ({ api: 'axis1_in', model: 'axis1_in' as const, body: x })),
  fc.constant({ api: 'transpose_out', model: 'transpose_out' as const, body: { dtype: 'float32', dims: [3, 3], data: [1, 2, 3] } }),
);

// Tiny models may run on the server's main thread (model/inline-policy.ts): both placements are checked, the
// main-thread one forced (BENTO_INLINE=always) so it does not depend on how fast this machine is right now.
describe.each(['never', 'always'])('batching isolation through a real bento (BENTO_INLINE=%s)', (placement) => {
  const home = makeTempDir('isolation-home');
  let server: RunningServer;
  const sessions = new Map<ModelName, ort.InferenceSession>();

  beforeAll(async () => {
    const dir = makeTempDir('isolation-project');
    mkdirSync(join(dir, 'node_modules'));
    for (const [name, bytes] of Object.entries(MODELS)) writeFileSync(join(dir, `${name}.onnx`), bytes);
    const batch = { enabled: true, max_batch_size: 64, max_latency_ms: 10_000 };
    const bentofile = {
      service: 'isolation',
      artifacts: Object.keys(MODELS).map((name) => ({ name, path: `./${name}.onnx` })),
      apis: [
        // No input/output sections: everything comes from the signatures, batch axes included.
        ...(['transpose_out', 'axis1_in', 'seq_sum', 'scaled'] as const).map((name) => ({ name, model: name, batch })),
        { name: 'vad', model: 'vad_like', batch },
        { name: 'vad_json', model: 'vad_like', input: { type: 'json' }, output: { type: 'json' }, batch },
        { name: 'reduce_batch', model: 'reduce_batch' },
      ],
      runtime: { workers: 1, threads: 1 },
    };
    writeFileSync(join(dir, 'bentofile.yaml'), stringify(bentofile));
    const built = runCli(['build', join(dir, 'bentofile.yaml'), '--json'], { home });
    expect(built.status, built.stderr + built.stdout).toBe(0);
    server = await serveBento('isolation:latest', { home, env: { BENTO_INLINE: placement } });
    if (placement === 'always') {
      // Placement follows readiness: wait until every model has moved.
      for (let i = 0; i < 200 && (server.logs().match(/model runs on the main thread/g) ?? []).length < Object.keys(MODELS).length; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((server.logs().match(/model runs on the main thread/g) ?? []).length).toBe(Object.keys(MODELS).length);
    }
    for (const [name, bytes] of Object.entries(MODELS)) sessions.set(name as ModelName, await ort.InferenceSession.create(bytes));
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null) expect(await server.stop()).toBe(0);
  });

  async function expected(testCase: Case): Promise<Record<string, Nested>> {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [name, { dtype, dims, values }] of Object.entries(testCase.feeds!)) {
      feeds[name] = dtype === 'int64' ? new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims) : new ort.Tensor('float32', Float32Array.from(values), dims);
    }
    const outputs = await sessions.get(testCase.model)!.run(feeds);
    return Object.fromEntries(Object.entries(outputs).map(([name, tensor]) => [name, nest(Array.from(tensor.data as Float32Array), [...tensor.dims])]));
  }

  async function send(testCase: Case): Promise<{ status: number; body: unknown }> {
    const response = await fetch(`${server.url}/${testCase.api}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(testCase.body) });
    return { status: response.status, body: await response.json() };
  }

  it('records the batch axes read from the signatures in the bento', () => {
    const got = runCli(['get', 'isolation:latest', '-o', 'json'], { home });
    const manifest = JSON.parse(got.stdout) as { apis: { name: string; batch: { axes: Record<string, number | null> } }[] };
    const axesOf = (name: string) => manifest.apis.find((api) => api.name === name)!.batch.axes;
    expect(axesOf('transpose_out')).toEqual({ x: 0, y: 1 });
    expect(axesOf('axis1_in')).toEqual({ x: 1, t: 0, twice: 1 });
    expect(axesOf('vad')).toEqual({ input: 0, sr: null, h: 1, c: 1, output: 0, hn: 1, cn: 1 });
  });

  it('answers every request of a concurrent mix with its own result, refuses every crafted body with a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof({ arbitrary: wellFormed, weight: 5 }, { arbitrary: malformed, weight: 1 }), { minLength: 20, maxLength: 80 }), async (cases) => {
        const answers = await Promise.all(cases.map(send));
        for (const [i, testCase] of cases.entries()) {
          const { status, body } = answers[i]!;
          if (!testCase.feeds) {
            expect(status, `${testCase.api} ${JSON.stringify(testCase.body)} → ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400);
            expect(status).toBeLessThan(500);
            expect((body as { error: { code: string } }).error.code).toBeTypeOf('string');
            continue;
          }
          expect(status, `${testCase.api} ${JSON.stringify(testCase.body)} → ${JSON.stringify(body)}`).toBe(200);
          expectClose(body, await expected(testCase));
        }
      }),
      { numRuns: 12 },
    );
  });

  it('did batch requests together (a batch carried more than one request)', async () => {
    const body = { inputs: { input: [[1, 2]], sr: 8000, h: [[[1, 1, 1, 1]], [[1, 1, 1, 1]]], c: [[[0, 0, 0, 0]], [[0, 0, 0, 0]]] } };
    await Promise.all(Array.from({ length: 200 }, () => send({ api: 'vad', model: 'vad_like', body })));
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    const count = (le: string) => Number(new RegExp(`bento_batch_size_rows_bucket\\{le="${le}",api="vad"[^}]*\\} (\\d+)`).exec(metrics)?.[1] ?? NaN);
    const total = Number(/bento_batch_size_rows_count\{api="vad"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? NaN);
    expect(total).toBeGreaterThan(0);
    expect(count('1')).toBeLessThan(total);
  });
});

function nest(values: number[], dims: number[]): Nested {
  if (dims.length === 0) return values[0]!;
  const [first, ...rest] = dims;
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first! }, (_, i) => nest(values.slice(i * size, (i + 1) * size), rest));
}

function expectClose(actual: unknown, expected: unknown): void {
  if (typeof expected === 'number') {
    expect(typeof actual).toBe('number');
    expect(Math.abs((actual as number) - expected)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(expected)));
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual) && actual.length === expected.length, `${JSON.stringify(actual)} vs ${JSON.stringify(expected)}`).toBe(true);
    expected.forEach((value, i) => expectClose((actual as unknown[])[i], value));
    return;
  }
  const record = expected as Record<string, unknown>;
  expect(Object.keys(actual as object).sort()).toEqual(Object.keys(record).sort());
  for (const key of Object.keys(record)) expectClose((actual as Record<string, unknown>)[key], record[key]);
}
