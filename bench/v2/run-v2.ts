/**
 * The Open Inference Protocol against each bento's own route, in one run on this machine: the tiny model (iris,
 * one row per request) and the heavy one (bench/models/mlp-heavy.onnx, 784→4096×4→10), each through the native
 * route, v2 REST (JSON) and v2 gRPC (typed contents), interleaved ROUNDS times (medians reported); then a 1 MB
 * input (262,144 float32 values) one request at a time, as JSON, REST binary extension, gRPC typed and raw.
 * Usage: npm run bench:v2 [-- --seconds 5 --rounds 3 --concurrency 32 --no-heavy]. Writes bench/results/v2.md.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { trainIris } from '../../samples/iris/train.js';
import { createFloatTensor, createGraphBuilder, describeTensor, saveModel } from '../../samples/lib/onnx-builder.js';
import { buildBento, startBento, type RunningBento } from '../batching/bento-server.js';
import { buildHeavyMlp } from '../make-models.js';
import { binaryInferBody, grpcTransport, httpTransport, type Transport } from './clients.js';
import { median, runClosedLoop, type LoopResult } from './load-loop.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const seconds = arg('seconds', 5);
const rounds = arg('rounds', 3);
const concurrency = arg('concurrency', 32);
const withHeavy = !process.argv.includes('--no-heavy');
const BIG = 262_144; // float32 values: 1 MiB

const here = fileURLToPath(new URL('.', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'bentoc-bench-v2-'));
const JSON_HEADERS = { 'content-type': 'application/json' };

interface Served {
  bento: RunningBento;
  grpcPort: number;
  proto: string;
}

async function serve(service: string, modelPath: string, input: Record<string, unknown>, batch: Record<string, unknown>, threads: number): Promise<Served> {
  const dir = await buildBento(join(root, service), { service, modelPath, input, batch, runtime: { workers: 1, threads } });
  const bento = await startBento(dir);
  const grpcPort = Number(/"grpcPort":(\d+)/.exec(bento.logTail())?.[1]);
  if (!grpcPort) throw new Error(`no gRPC port in the log:\n${bento.logTail()}`);
  return { bento, grpcPort, proto: join(dir, 'proto/grpc_predict_v2.proto') };
}

/** Three doors to one model: the bento's route, v2 REST JSON, v2 gRPC typed contents; same rows each. */
function doors(served: Served, rows: number[][]): Record<string, () => Transport> {
  const shape = [rows.length, rows[0]!.length];
  const v2 = JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape, data: rows.flat() }] });
  return {
    'native route (JSON)': () => httpTransport(served.bento.url, '/predict', Buffer.from(JSON.stringify(rows)), JSON_HEADERS, concurrency),
    'v2 REST (JSON)': () => httpTransport(served.bento.url, '/v2/models/model/infer', Buffer.from(v2), JSON_HEADERS, concurrency),
    'v2 gRPC (typed contents)': () => grpcTransport(served.grpcPort, served.proto, { model_name: 'model', inputs: [{ name: 'input', datatype: 'FP32', shape, contents: { fp32_contents: rows.flat() } }] }),
  };
}

async function measureDoors(label: string, served: Served, rows: number[][], load: number): Promise<string[]> {
  const samples = new Map<string, LoopResult[]>();
  const entries = Object.entries(doors(served, rows));
  for (const [name, open] of entries) {
    const warm = open();
    await runClosedLoop(warm.send, load, 1); // warm-up: JIT, connections, the batcher's cost model
    await warm.close();
  }
  for (let round = 0; round < rounds; round++) {
    for (const [name, open] of entries) {
      const transport = open();
      const result = await runClosedLoop(transport.send, load, seconds);
      await transport.close();
      samples.set(name, [...(samples.get(name) ?? []), result]);
      console.log(`${label} · ${name} · round ${round + 1}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms, errors ${result.errors}`);
    }
  }
  return entries.map(([name]) => row(label, name, samples.get(name)!));
}

function row(label: string, name: string, results: LoopResult[]): string {
  const pick = (key: keyof LoopResult) => median(results.map((result) => result[key]));
  return `| ${label} | ${name} | ${pick('rps').toFixed(0)} | ${pick('p50').toFixed(2)} | ${pick('p99').toFixed(2)} | ${results.reduce((sum, r) => sum + r.errors, 0)} |`;
}

async function measureBigInput(served: Served): Promise<string[]> {
  const values = Float32Array.from({ length: BIG }, (_, i) => ((i * 7919) % 1000) / 1000);
  const list = Array.from(values);
  const shape = [1, BIG];
  const binary = binaryInferBody('input', shape, values);
  const raw = Buffer.from(values.buffer);
  const forms: Record<string, { open: () => Transport; bytes: number }> = {
    'native route (JSON)': { open: () => httpTransport(served.bento.url, '/predict', Buffer.from(JSON.stringify([list])), JSON_HEADERS, 1), bytes: JSON.stringify([list]).length },
    'v2 REST (JSON data)': (() => {
      const body = Buffer.from(JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape, data: list }] }));
      return { open: () => httpTransport(served.bento.url, '/v2/models/model/infer', body, JSON_HEADERS, 1), bytes: body.byteLength };
    })(),
    'v2 REST (binary extension)': {
      open: () => httpTransport(served.bento.url, '/v2/models/model/infer', binary.body, { 'content-type': 'application/octet-stream', 'inference-header-content-length': String(binary.headerLength) }, 1),
      bytes: binary.body.byteLength,
    },
    'v2 gRPC (typed fp32_contents)': { open: () => grpcTransport(served.grpcPort, served.proto, { model_name: 'model', inputs: [{ name: 'input', datatype: 'FP32', shape, contents: { fp32_contents: list } }] }), bytes: BIG * 4 },
    'v2 gRPC (raw_input_contents)': { open: () => grpcTransport(served.grpcPort, served.proto, { model_name: 'model', inputs: [{ name: 'input', datatype: 'FP32', shape }], raw_input_contents: [raw] }), bytes: BIG * 4 },
  };
  const lines: string[] = [];
  for (const [name, form] of Object.entries(forms)) {
    const transport = form.open();
    await runClosedLoop(transport.send, 1, 1);
    const result = await runClosedLoop(transport.send, 1, seconds);
    await transport.close();
    console.log(`1 MB · ${name}: ${result.rps.toFixed(1)} req/s, p50 ${result.p50.toFixed(2)} ms, p99 ${result.p99.toFixed(2)} ms`);
    lines.push(`| ${name} | ${(form.bytes / 1e6).toFixed(2)} MB | ${result.rps.toFixed(1)} | ${result.p50.toFixed(2)} | ${result.p99.toFixed(2)} | ${result.errors} |`);
  }
  return lines;
}

/** [batch, 262144] → [batch, 1]: one Gemm, so the time measured is the transport's, not the model's. */
function writeBigInputModel(path: string): void {
  const g = createGraphBuilder();
  const weight = g.addInitializer(createFloatTensor('w', [1, BIG], new Float32Array(BIG).fill(1 / BIG)));
  const bias = g.addInitializer(createFloatTensor('b', [1], [0]));
  g.gemm('input', weight, bias, 'mean');
  saveModel(path, g.buildModel({ name: 'big_input', inputs: [describeTensor('input', 'float32', ['batch', BIG])], outputs: [describeTensor('mean', 'float32', ['batch', 1])] }));
}

async function main(): Promise<void> {
  const started = new Date().toISOString();
  const tables: string[] = [];
  const stops: Array<() => Promise<unknown>> = [];
  try {
    const irisPath = join(root, 'iris.onnx');
    writeFileSync(irisPath, trainIris().modelBytes);
    const batch = { enabled: true, max_batch_size: 1000, max_latency_ms: 1000 };
    const iris = await serve('v2_iris', irisPath, { type: 'ndarray', dtype: 'float32', shape: [-1, 4] }, batch, 1);
    stops.push(() => iris.bento.stop());
    tables.push(...(await measureDoors('iris (tiny)', iris, [[5.1, 3.5, 1.4, 0.2]], concurrency)));
    await iris.bento.stop();

    if (withHeavy) {
      const heavyPath = join(here, '../models/mlp-heavy.onnx');
      if (!existsSync(heavyPath)) saveModel(heavyPath, buildHeavyMlp());
      const heavy = await serve('v2_heavy', heavyPath, { type: 'ndarray', dtype: 'float32', shape: [-1, 784] }, { enabled: true, max_batch_size: 256, max_latency_ms: 2000 }, 2);
      stops.push(() => heavy.bento.stop());
      const digit = Array.from({ length: 784 }, (_, i) => ((i * 31) % 255) / 255);
      tables.push(...(await measureDoors('mlp-heavy', heavy, [digit], concurrency)));
      await heavy.bento.stop();
    }

    const bigPath = join(root, 'big-input.onnx');
    writeBigInputModel(bigPath);
    const big = await serve('v2_big_input', bigPath, { type: 'ndarray', dtype: 'float32', shape: [-1, BIG] }, { enabled: false }, 1);
    stops.push(() => big.bento.stop());
    const bigLines = await measureBigInput(big);
    await big.bento.stop();
    writeReport(started, tables, bigLines);
  } finally {
    await Promise.all(stops.map((stop) => stop().catch(() => undefined)));
    rmSync(root, { recursive: true, force: true });
  }
}

function writeReport(started: string, tables: string[], bigLines: string[]): void {
  const machine = `${availableParallelism()} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`;
  const text = `# Open Inference Protocol (v2) vs the native route

\`npm run bench:v2 -- --seconds ${seconds} --rounds ${rounds} --concurrency ${concurrency}\`, ${started}, ${machine}.
Client and server share the machine's cores. Closed loop, ${concurrency} requests in flight, one row per request,
CORK batching on (\`max_latency_ms\` 1000 for iris, 2000 for mlp-heavy), one model worker; medians of ${rounds}
interleaved rounds of ${seconds} s. HTTP clients: undici Pool (${concurrency} keep-alive connections); gRPC: one
@grpc/grpc-js channel. The three doors share one dispatcher per model, so their batches are the same kind.

| model | door | req/s | p50 ms | p99 ms | errors |
|---|---|---:|---:|---:|---:|
${tables.join('\n')}

## A 1 MB input (262,144 float32 values), one request at a time

A one-Gemm model \`[batch, 262144] → [batch, 1]\` (batching off), so the transport's cost shows. Body size is what
the client sends.

| form | body | req/s | p50 ms | p99 ms | errors |
|---|---:|---:|---:|---:|---:|
${bigLines.join('\n')}
`;
  const out = join(here, '../results/v2.md');
  writeFileSync(out, text);
  console.log(`\nwrote ${out}\n\n${text}`);
}

await main();
