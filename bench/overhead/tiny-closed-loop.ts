/**
 * Per-request cost of a tiny model (iris, one row per request), closed loop with autocannon: a bare fastify
 * route, fastify + onnxruntime-node on the main thread, and `bentoc serve` with and without batching (and with the
 * model kept in its worker, BENTO_INLINE=never), measured side by side, interleaved; medians.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { trainIris } from '../../samples/iris/train.js';
import { startBentoc, startReference, type Server } from './servers.js';

export interface TinyOptions {
  root: string;
  seconds: number;
  connections: number;
  rounds: number;
  /** Server ids to run (bare, naive, direct, cork, worker); all when undefined. */
  only?: string[];
  log(line: string): void;
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const body = JSON.stringify([[5.1, 3.5, 1.4, 0.2]]);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Runs the tiny-model comparison; returns its markdown section. */
export async function runTinyClosedLoop(options: TinyOptions): Promise<string> {
  const { root, seconds, connections, rounds, only, log } = options;
  const modelPath = join(root, 'iris.onnx');
  writeFileSync(modelPath, trainIris().modelBytes);
  const bento = (name: string, batch: Record<string, unknown>, env: Record<string, string> = {}) => () =>
    startBentoc(root, name, {
      service: `overhead_${Object.keys(batch).length ? 'cork' : 'direct'}`,
      modelPath,
      input: { type: 'ndarray', dtype: 'float32', shape: [-1, 4] },
      batch,
      runtime: { workers: 1, threads: 1 },
      output: { type: 'json', labels: ['setosa', 'versicolor', 'virginica'] },
    }, env);
  const candidates: [string, () => Promise<Server>][] = [
    ['bare', () => startReference('bare', modelPath, 'bare fastify route, no model')],
    ['naive', () => startReference('naive', modelPath, 'fastify + onnxruntime-node, main thread')],
    ['direct', bento('`bentoc serve`, batching off', {})],
    ['cork', bento('`bentoc serve`, CORK on', { enabled: true, max_latency_ms: 1000 })],
    // The same, with the model kept in its worker thread (no inline placement): what the hop costs end to end.
    ['worker', bento('`bentoc serve`, CORK on, model kept in a worker', { enabled: true, max_latency_ms: 1000 }, { BENTO_INLINE: 'never' })],
  ];
  const servers: Server[] = [];
  for (const [id, start] of candidates) if (!only || only.includes(id)) servers.push(await start());
  const load = (url: string): Promise<Sample> =>
    new Promise((resolve, reject) => {
      autocannon({ url: `${url}/predict`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: seconds }, (error, result) => {
        if (error) return reject(error);
        resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx });
      });
    });
  const samples = new Map<string, Sample[]>(servers.map((server) => [server.name, []]));
  try {
    for (const server of servers) await load(server.url); // warm-up: JIT, connections, first batches, inline placement
    for (let round = 0; round < rounds; round += 1) {
      for (const server of servers) {
        const sample = await load(server.url);
        samples.get(server.name)!.push(sample);
        log(`tiny round ${round + 1}: ${server.name}: ${Math.round(sample.rps)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms`);
      }
    }
  } finally {
    for (const server of servers) await server.stop();
  }
  const rows = servers.map((server) => {
    const list = samples.get(server.name)!;
    return { name: server.name, rps: median(list.map((s) => s.rps)), p50: median(list.map((s) => s.p50)), p99: median(list.map((s) => s.p99)), errors: list.reduce((sum, s) => sum + s.errors, 0) };
  });
  const bare = rows.find((row) => row.name.startsWith('bare'))?.rps ?? Number.NaN;
  const naive = rows.find((row) => row.name.startsWith('fastify'))?.rps ?? Number.NaN;
  const cork = rows.find((row) => row.name === '`bentoc serve`, CORK on')?.rps ?? Number.NaN;
  const verdict = (met: boolean) => (met ? 'met' : '**missed**');
  return [
    '## Tiny model: iris, one row per request',
    '',
    `Closed loop (autocannon, ${connections} connections, ${seconds} s per run, on the same machine), every server measured ${rounds} times, interleaved round by round; medians. bentoc runs one model worker with one onnxruntime thread; iris is cheaper than a hop to it, so it runs on the main thread unless kept in the worker.`,
    '',
    '| server | req/s | vs bare route | vs naive server | p50 ms | p99 ms | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((row) => `| ${row.name} | ${Math.round(row.rps)} | ${((100 * row.rps) / bare).toFixed(0)}% | ${(row.rps / naive).toFixed(2)}× | ${row.p50} | ${row.p99} | ${row.errors} |`),
    '',
    ...(Number.isFinite(cork / bare) ? [`- ${verdict(cork / bare >= 0.7)}: CORK serves ${((100 * cork) / bare).toFixed(0)}% of the bare route (target ≥ 70%)`] : []),
    ...(Number.isFinite(cork / naive) ? [`- ${verdict(cork / naive >= 1.3)}: CORK serves ${(cork / naive).toFixed(2)}× the naive server (target ≥ 1.3×)`] : []),
    '',
  ].join('\n');
}
