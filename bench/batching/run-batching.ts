/**
 * The batching benchmark: every policy as a real bento (built by the compiler, served by its own server.mjs)
 * under open-loop load from light to overload, next to the raw in-process onnxruntime limit.
 * Usage: npm run bench:batching [-- --quick]. Writes bench/results/batching.{md,svg,json}.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHeavyMlp } from '../make-models.js';
import { saveModel } from '../../samples/lib/onnx-builder.js';
import { trainIris } from '../../samples/iris/train.js';
import { buildBento, startBento } from './bento-server.js';
import { meanBatchSize, scrapeBatchCounters } from './metrics-scrape.js';
import { createLoadAgent, percentile, runOpenLoop } from './open-loop.js';
import { measureRawLimit, type RawLimit } from './raw-limit.js';
import { renderReport, renderPlot, type BenchResults, type LevelResult } from './report.js';
import { listPolicies, listScenarios, RUNTIME, type ModelScenario, type PolicySpec } from './scenarios.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const quick = process.argv.includes('--quick');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const log = (message: string) => process.stderr.write(`${message}\n`);

/** The models are git-ignored: make whichever is missing. */
function ensureModels(): Record<ModelScenario['name'], string> {
  const heavy = here('../models/mlp-heavy.onnx');
  if (!existsSync(heavy)) {
    log('making bench/models/mlp-heavy.onnx (~10 s)…');
    saveModel(heavy, buildHeavyMlp());
  }
  const iris = here('../../samples/iris/iris.onnx');
  if (!existsSync(iris)) writeFileSync(iris, trainIris().modelBytes);
  return { heavy, iris };
}

function makeBodies(scenario: ModelScenario): string[] {
  if (scenario.name === 'iris') {
    return [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5], [4.9, 3.1, 1.5, 0.1]].map((row) => JSON.stringify([row]));
  }
  // Pixel-like values with two decimals: about 4 KB of JSON per one-row request.
  return Array.from({ length: 16 }, (_, b) =>
    JSON.stringify([Array.from({ length: scenario.features }, (_, i) => ((i * 31 + b * 17) % 101) / 100)]),
  );
}

function startProber(url: string, durationMs: number): Promise<{ latenciesMs: number[]; failures: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', here('./healthz-prober.ts'), url, String(durationMs), '10'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return new Promise((resolve) => child.on('exit', () => resolve(JSON.parse(out || '{"latenciesMs":[],"failures":-1}'))));
}

async function runPolicy(
  scenario: ModelScenario,
  policy: PolicySpec,
  bentoDir: string,
  raw: RawLimit,
): Promise<{ levels: LevelResult[]; exitCode: number | null; logTail: string }> {
  const server = await startBento(bentoDir);
  const bodies = makeBodies(scenario);
  const load = async (ratePerS: number, durationMs: number, seed: number) => {
    const agent = createLoadAgent();
    try {
      return await runOpenLoop({
        baseUrl: server.url,
        path: '/predict',
        bodies,
        ratePerS,
        durationMs,
        maxRequests: Math.ceil((ratePerS * durationMs) / 1000) + 10,
        timeoutMs: scenario.clientTimeoutMs,
        agent,
        seed,
      });
    } finally {
      agent.destroy();
    }
  };
  const rateOf = (level: ModelScenario['levels'][number]) => level.perS ?? level.fraction! * raw.best.rowsPerS;
  // Warm-up (not recorded): JIT, sockets, and CORK's cost model learning the batch time.
  await load(rateOf(scenario.levels[Math.floor(scenario.levels.length / 2)]!) * 0.6, scenario.warmupMs, 1);
  await sleep(500);
  const levels: LevelResult[] = [];
  for (const [index, level] of scenario.levels.entries()) {
    const offeredPerS = rateOf(level);
    const before = await scrapeBatchCounters(server.url, 'predict');
    const probe =
      policy.name === 'CORK' && scenario.probeFromFraction !== undefined && (level.fraction ?? 0) >= scenario.probeFromFraction
        ? startProber(server.url, scenario.levelMs - 500)
        : undefined;
    const result = await load(offeredPerS, scenario.levelMs, 100 + index);
    const health = await probe;
    const after = await scrapeBatchCounters(server.url, 'predict');
    const row: LevelResult = {
      model: scenario.name,
      policy: policy.name,
      fraction: level.fraction,
      offeredPerS,
      sent: result.sent,
      throughputPerS: result.throughputPerS,
      p50Ms: percentile(result.okLatenciesMs, 50),
      p99Ms: percentile(result.okLatenciesMs, 99),
      shedPct: (100 * result.shed) / result.sent,
      shedWithRetryAfterPct: result.shed > 0 ? (100 * result.shedWithRetryAfter) / result.shed : undefined,
      errorPct: (100 * (result.errors + result.timeouts)) / result.sent,
      timeoutPct: (100 * result.timeouts) / result.sent,
      meanBatch: meanBatchSize(before, after),
      healthzP99Ms: health ? percentile([...health.latenciesMs].sort((a, b) => a - b), 99) : undefined,
      healthzProbes: health?.latenciesMs.length,
    };
    levels.push(row);
    log(
      `  ${scenario.name} ${policy.name.padEnd(11)} offered ${offeredPerS.toFixed(0).padStart(5)}/s → ${row.throughputPerS.toFixed(0).padStart(5)}/s ` +
        `p50 ${row.p50Ms.toFixed(1)} p99 ${row.p99Ms.toFixed(1)} ms shed ${row.shedPct.toFixed(1)}% err ${row.errorPct.toFixed(1)}% ` +
        `batch ${row.meanBatch.toFixed(1)}${row.healthzP99Ms !== undefined ? ` healthz p99 ${row.healthzP99Ms.toFixed(1)} ms` : ''}`,
    );
    await sleep(1000); // let the queue empty and the sockets settle before the next level
  }
  const exitCode = await server.stop();
  return { levels, exitCode, logTail: server.logTail() };
}

async function main(): Promise<void> {
  const started = performance.now();
  const paths = ensureModels();
  const root = mkdtempSync(join(tmpdir(), 'bentoc-bench-'));
  const results: BenchResults = {
    date: new Date().toISOString(),
    quick,
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', node: process.version, loadAvgAtStart: loadavg()[0]! },
    runtime: RUNTIME,
    models: [],
    levels: [],
    builds: [],
    exits: [],
  };
  try {
    for (const scenario of listScenarios(quick)) {
      log(`${scenario.name}: timing the raw limit…`);
      const raw = await measureRawLimit({
        modelPath: paths[scenario.name],
        inputName: 'input', // both models' input tensor
        features: scenario.features,
        batches: scenario.rawBatches,
        threads: RUNTIME.threads,
        msPerBatch: quick ? 500 : 1500,
      });
      log(`  best ${raw.best.rowsPerS.toFixed(0)} rows/s at batch ${raw.best.batch}; batch 1: ${raw.singleCallMs.toFixed(2)} ms`);
      results.models.push({ ...scenario, raw });
      for (const policy of listPolicies(quick)) {
        const buildStart = performance.now();
        const bentoDir = await buildBento(root, {
          service: `bench_${scenario.name}_${policy.name.replace(/[^a-z0-9]+/gi, '_').toLowerCase()}`,
          modelPath: paths[scenario.name],
          input: { type: 'ndarray', dtype: 'float32', shape: [-1, scenario.features] },
          batch: policy.batch.enabled
            ? { ...policy.batch, max_batch_size: scenario.maxBatchSize, max_latency_ms: scenario.maxLatencyMs }
            : policy.batch,
          runtime: RUNTIME,
        });
        results.builds.push({ model: scenario.name, policy: policy.name, seconds: (performance.now() - buildStart) / 1000 });
        const { levels, exitCode, logTail } = await runPolicy(scenario, policy, bentoDir, raw);
        results.levels.push(...levels);
        results.exits.push({ model: scenario.name, policy: policy.name, exitCode });
        if (exitCode !== 0) log(`  warning: ${policy.name} server exited with ${exitCode} on SIGTERM; its last log lines:\n${logTail.split('\n').slice(-6).join('\n')}`);
        rmSync(bentoDir, { recursive: true, force: true }); // 200 MB each
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  results.wallSeconds = (performance.now() - started) / 1000;
  const outDir = here('../results');
  mkdirSync(outDir, { recursive: true });
  const suffix = quick ? '-quick' : '';
  const markdown = renderReport(results, listPolicies(quick));
  writeFileSync(join(outDir, `batching${suffix}.md`), markdown);
  writeFileSync(join(outDir, `batching${suffix}.svg`), renderPlot(results, listPolicies(quick)));
  writeFileSync(join(outDir, `batching${suffix}.json`), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(markdown);
  log(`wrote bench/results/batching${suffix}.{md,svg,json} in ${results.wallSeconds.toFixed(0)} s`);
}

await main();
