/**
 * The batching benchmark: every policy as a real bento (built by the compiler, served by its own server.mjs)
 * under open-loop load from light to overload, next to the raw in-process onnxruntime limit.
 * Usage: npm run bench:batching [-- --quick] [-- --only heavy:CORK:1.2,2]. Writes bench/results/batching.{md,svg,json};
 * a run narrowed with --only (model, policy names, level fractions or rates) writes batching-only.* instead.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildHeavyMlp } from '../make-models.js';
import { saveModel } from '../../samples/lib/onnx-builder.js';
import { trainIris } from '../../samples/iris/train.js';
import { buildBento, startBento } from './bento-server.js';
import { startCpuSampler } from './cpu-sampler.js';
import { runJsonChild } from './json-child.js';
import { answersWithinBoundPct, meanBatchSize, scrapeBatchCounters } from './metrics-scrape.js';
import type { LoadJob, LoadReport } from './load-process.js';
import { percentile } from './open-loop.js';
import { mergeRawLimits, openRawModel, type RawLimit, type RawModel } from './raw-limit.js';
import { renderReport, renderPlot, type BenchResults, type LevelResult } from './report.js';
import { listPolicies, listScenarios, applyOnly, parseOnly, RUNTIME, type ModelScenario, type PolicySpec } from './scenarios.js';
import { usePrivateTmpdir } from './private-tmpdir.js';

const here = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const quick = process.argv.includes('--quick');
const { scenarios, policies } = applyOnly(listScenarios(quick), listPolicies(quick), parseOnly(process.argv));
const narrowed = process.argv.includes('--only');
/** Enough connections for every request a non-shedding server keeps waiting within the client timeout, within ulimit -n. */
const MAX_CONNECTIONS = 4096;
/** Levels at or above this fraction of the raw limit are judged against the limit timed right before them. */
const RAW_RECHECK_FROM = 0.9;
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
  return runJsonChild<{ latenciesMs: number[]; failures: number }>(here('./healthz-prober.ts'), [url, String(durationMs), '10']).result;
}

async function runPolicy(
  scenario: ModelScenario,
  policy: PolicySpec,
  bentoDir: string,
  raw: RawLimit,
  rawModel: RawModel,
): Promise<{ levels: LevelResult[]; exitCode: number | null; logTail: string }> {
  const server = await startBento(bentoDir);
  const bodies = makeBodies(scenario);
  const load = (ratePerS: number, durationMs: number, seed: number) => {
    const job: LoadJob = {
      origin: server.url,
      path: '/predict',
      bodies,
      ratePerS,
      durationMs,
      // Past the first batches' latency: the queue and the cost model have settled by then.
      steadyFromMs: Math.min(durationMs / 3, 1.5 * scenario.maxLatencyMs + 250),
      maxRequests: Math.ceil((ratePerS * durationMs) / 1000) + 10,
      timeoutMs: scenario.clientTimeoutMs,
      seed,
      maxConnections: MAX_CONNECTIONS,
      // What the requests in flight need when each takes up to max_latency_ms, plus slack.
      warmConnections: Math.ceil((ratePerS * scenario.maxLatencyMs) / 1000) + 32,
      niceness: scenario.loadNiceness,
    };
    return runJsonChild<LoadReport>(here('./load-process.ts'), [], JSON.stringify(job));
  };
  const rateOf = (level: ModelScenario['levels'][number]) => level.perS ?? level.fraction! * raw.best.rowsPerS;
  // Warm-up (not recorded): JIT, sockets, and CORK's cost model learning the batch time.
  await load(rateOf(scenario.warmup), scenario.warmupMs, 1).result;
  await sleep(500);
  const levels: LevelResult[] = [];
  for (const [index, level] of scenario.levels.entries()) {
    const offeredPerS = rateOf(level);
    // Near and past saturation the share of the limit is the point, and this VM's speed drifts by a quarter
    // over a run: time the limit again right before the level (its server idle) and judge against that.
    const rawNow = (level.fraction ?? 0) >= RAW_RECHECK_FROM ? await rawModel.time(raw.best.batch, 1500) : undefined;
    const before = await scrapeBatchCounters(server.url, 'predict', '/predict', scenario.maxLatencyMs / 1000);
    const run = load(offeredPerS, scenario.levelMs, 100 + index);
    await run.started; // the generator is connected: what follows is the measured window
    const probe =
      policy.name === 'CORK' && scenario.probeFromFraction !== undefined && (level.fraction ?? 0) >= scenario.probeFromFraction
        ? startProber(server.url, scenario.levelMs - 500)
        : undefined;
    const cpu = startCpuSampler(server.pid);
    const result = await run.result;
    const serverCpu = cpu.stop();
    const cpuShares = serverCpu && { ...serverCpu, loadGeneratorPct: result.cpuPct };
    const health = await probe;
    const after = await scrapeBatchCounters(server.url, 'predict', '/predict', scenario.maxLatencyMs / 1000);
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
      serverWithinBoundPct: answersWithinBoundPct(before, after),
      loadLagP99Ms: result.loopDelayP99Ms,
      healthzP99Ms: health ? percentile([...health.latenciesMs].sort((a, b) => a - b), 99) : undefined,
      healthzProbes: health?.latenciesMs.length,
      healthzFailures: health?.failures,
      cpu: cpuShares,
      rawNowRowsPerS: rawNow?.rowsPerS,
    };
    levels.push(row);
    log(
      `  ${scenario.name} ${policy.name.padEnd(11)} offered ${offeredPerS.toFixed(0).padStart(5)}/s → ${row.throughputPerS.toFixed(0).padStart(5)}/s ` +
        `p50 ${row.p50Ms.toFixed(1)} p99 ${row.p99Ms.toFixed(1)} ms shed ${row.shedPct.toFixed(1)}% err ${row.errorPct.toFixed(1)}% ` +
        (rawNow ? `(raw now ${rawNow.rowsPerS.toFixed(0)}) ` : '') +
        `batch ${row.meanBatch.toFixed(1)} in-bound ${row.serverWithinBoundPct.toFixed(1)}% lag ${row.loadLagP99Ms.toFixed(0)} ms${row.healthzP99Ms !== undefined ? ` healthz p99 ${row.healthzP99Ms.toFixed(1)} ms` : ''}` +
        (cpuShares
          ? ` cpu main ${cpuShares.serverMainPct.toFixed(0)}% model ${cpuShares.serverModelPct.toFixed(0)}% other ${cpuShares.serverOtherPct.toFixed(0)}% loadgen ${result.cpuPct.toFixed(0)}%`
          : ''),
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
  usePrivateTmpdir(root);
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
    for (const scenario of scenarios) {
      const rawModel = await openRawModel({
        modelPath: paths[scenario.name],
        inputName: 'input', // both models' input tensor
        features: scenario.features,
        threads: RUNTIME.threads,
      });
      const timeRaw = async (when: string): Promise<RawLimit> => {
        log(`${scenario.name}: timing the raw limit (${when})…`);
        const raw = await rawModel.measure(scenario.rawBatches, quick ? 500 : 1500);
        log(`  best ${raw.best.rowsPerS.toFixed(0)} rows/s at batch ${raw.best.batch}; batch 1: ${raw.singleCallMs.toFixed(2)} ms`);
        return raw;
      };
      // Offered loads are set from the first measurement; results are judged against the better of two.
      const raw = await timeRaw('before the policies');
      for (const policy of policies) {
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
        const { levels, exitCode, logTail } = await runPolicy(scenario, policy, bentoDir, raw, rawModel);
        results.levels.push(...levels);
        results.exits.push({ model: scenario.name, policy: policy.name, exitCode });
        if (exitCode !== 0) log(`  warning: ${policy.name} server exited with ${exitCode} on SIGTERM; its last log lines:\n${logTail.split('\n').slice(-6).join('\n')}`);
        rmSync(bentoDir, { recursive: true, force: true }); // 200 MB each
      }
      const rawAfter = await timeRaw('after the policies');
      await rawModel.close();
      results.models.push({ ...scenario, raw: mergeRawLimits(raw, rawAfter), rawRoundsRowsPerS: [raw.best.rowsPerS, rawAfter.best.rowsPerS] });
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  results.wallSeconds = (performance.now() - started) / 1000;
  const outDir = here('../results');
  mkdirSync(outDir, { recursive: true });
  const suffix = narrowed ? '-only' : quick ? '-quick' : '';
  const markdown = renderReport(results, policies);
  writeFileSync(join(outDir, `batching${suffix}.md`), markdown);
  writeFileSync(join(outDir, `batching${suffix}.svg`), renderPlot(results, policies));
  writeFileSync(join(outDir, `batching${suffix}.json`), `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(markdown);
  log(`wrote bench/results/batching${suffix}.{md,svg,json} in ${results.wallSeconds.toFixed(0)} s`);
}

await main();
