/**
 * Per-request cost of a tiny model (iris, one row per request), closed loop with autocannon: a bare fastify
 * route, fastify + onnxruntime-node on the main thread, and `bentoc serve` with and without batching (and with the
 * model kept in its worker, BENTO_INLINE=never), measured
 * side by side, interleaved, ROUNDS times each; the table reports medians.
 * Usage: npm run bench:overhead [-- --seconds 8 --connections 50 --rounds 3 --servers bare,cork]. Writes
 * bench/results/overhead.md; a run narrowed with --servers (ids: bare, naive, direct, cork, worker) writes overhead-only.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { trainIris } from '../../samples/iris/train.js';
import { buildBento, startBento } from '../batching/bento-server.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const seconds = arg('seconds', 8);
const connections = arg('connections', 50);
const rounds = arg('rounds', 3);
const only = process.argv.includes('--servers') ? process.argv[process.argv.indexOf('--servers') + 1]!.split(',') : undefined;
const body = JSON.stringify([[5.1, 3.5, 1.4, 0.2]]);

interface Server {
  name: string;
  url: string;
  stop(): Promise<unknown>;
}

interface Sample {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const root = mkdtempSync(join(tmpdir(), 'bentoc-overhead-'));
const here = fileURLToPath(new URL('.', import.meta.url));

async function startReference(kind: 'bare' | 'naive', modelPath: string): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(here, 'reference-servers.ts'), kind, modelPath, '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      const match = /"port":(\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return { name: kind === 'bare' ? 'bare fastify route, no model' : 'fastify + onnxruntime-node, main thread', url: `http://127.0.0.1:${port}`, stop: () => (child.kill('SIGTERM'), exited) };
}

async function startBentoc(name: string, modelPath: string, batch: Record<string, unknown>, env: Record<string, string> = {}): Promise<Server> {
  const dir = await buildBento(join(root, name.replace(/\W+/g, '_')), {
    service: `overhead_${Object.keys(batch).length ? 'cork' : 'direct'}`,
    modelPath,
    input: { type: 'ndarray', dtype: 'float32', shape: [-1, 4] },
    batch,
    runtime: { workers: 1, threads: 1 },
    output: { type: 'json', labels: ['setosa', 'versicolor', 'virginica'] },
  });
  const bento = await startBento(dir, env);
  return { name, url: bento.url, stop: () => bento.stop() };
}

function load(url: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    autocannon({ url: `${url}/predict`, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: seconds }, (error, result) => {
      if (error) return reject(error);
      resolve({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx });
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function main(): Promise<void> {
  const started = Date.now();
  const modelPath = join(root, 'iris.onnx');
  writeFileSync(modelPath, trainIris().modelBytes);
  const candidates: [string, () => Promise<Server>][] = [
    ['bare', () => startReference('bare', modelPath)],
    ['naive', () => startReference('naive', modelPath)],
    ['direct', () => startBentoc('`bentoc serve`, batching off', modelPath, {})],
    ['cork', () => startBentoc('`bentoc serve`, CORK on', modelPath, { enabled: true, max_latency_ms: 1000 })],
    // The same, with the model kept in its worker thread (no inline placement): what the hop costs end to end.
    ['worker', () => startBentoc('`bentoc serve`, CORK on, model kept in a worker', modelPath, { enabled: true, max_latency_ms: 1000 }, { BENTO_INLINE: 'never' })],
  ];
  const servers: Server[] = [];
  for (const [id, start] of candidates) if (!only || only.includes(id)) servers.push(await start());
  const samples = new Map<string, Sample[]>(servers.map((server) => [server.name, []]));
  try {
    for (const server of servers) await load(server.url); // warm-up: JIT, connections, first batches
    for (let round = 0; round < rounds; round += 1) {
      for (const server of servers) {
        const sample = await load(server.url);
        samples.get(server.name)!.push(sample);
        console.error(`round ${round + 1}: ${server.name}: ${Math.round(sample.rps)} req/s, p50 ${sample.p50} ms, p99 ${sample.p99} ms`);
      }
    }
  } finally {
    for (const server of servers) await server.stop();
    rmSync(root, { recursive: true, force: true });
  }
  const rows = servers.map((server) => {
    const list = samples.get(server.name)!;
    return { name: server.name, rps: median(list.map((s) => s.rps)), p50: median(list.map((s) => s.p50)), p99: median(list.map((s) => s.p99)), errors: list.reduce((sum, s) => sum + s.errors, 0) };
  });
  const bare = rows.find((row) => row.name.startsWith('bare'))?.rps ?? Number.NaN;
  const naive = rows.find((row) => row.name.startsWith('fastify'))?.rps ?? Number.NaN;
  const table = [
    '| server | req/s | vs bare route | vs naive server | p50 ms | p99 ms | errors |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map((row) => `| ${row.name} | ${Math.round(row.rps)} | ${((100 * row.rps) / bare).toFixed(0)}% | ${(row.rps / naive).toFixed(2)}× | ${row.p50} | ${row.p99} | ${row.errors} |`),
  ].join('\n');
  const report = [
    '# Per-request overhead: iris, one row per request',
    '',
    `Command: \`npm run bench:overhead\` · ${new Date().toISOString()} · ${availableParallelism()} × ${cpus()[0]?.model.trim()} · Node ${process.version} · load average at start ${loadavg()[0]!.toFixed(2)} · ${Math.round((Date.now() - started) / 1000)} s`,
    '',
    `Closed loop (autocannon, ${connections} connections, ${seconds} s per run, on the same machine), every server measured ${rounds} times, interleaved round by round; medians. bentoc runs one model worker with one onnxruntime thread.`,
    '',
    table,
    '',
  ].join('\n');
  writeFileSync(fileURLToPath(new URL(`../results/overhead${only ? '-only' : ''}.md`, import.meta.url)), report);
  console.log(report);
}

await main();
