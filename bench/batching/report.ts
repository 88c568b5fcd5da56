/** The benchmark's markdown table, its verdict on each target, and the plot. */
import { renderSvg, type Panel, type Series } from './plot-svg.js';
import type { CpuShares } from './cpu-sampler.js';
import type { RawLimit } from './raw-limit.js';
import type { ModelScenario, PolicySpec } from './scenarios.js';

export interface LevelResult {
  model: ModelScenario['name'];
  policy: string;
  /** Offered load as a fraction of the raw limit, when the level is defined so. */
  fraction?: number;
  offeredPerS: number;
  sent: number;
  throughputPerS: number;
  p50Ms: number;
  p99Ms: number;
  shedPct: number;
  shedWithRetryAfterPct?: number;
  /** Non-2xx other than 503, connection errors and client timeouts. */
  errorPct: number;
  timeoutPct: number;
  meanBatch: number;
  /** % of 2xx answers the server itself sent within max_latency_ms (from its /metrics). */
  serverWithinBoundPct: number;
  /** p99 event-loop delay of the load generator (ms): its own share of the measured latency. */
  loadLagP99Ms: number;
  healthzP99Ms?: number;
  healthzProbes?: number;
  /** Probes that failed or timed out (5 s): left out of the p99, so any of them misses the target. */
  healthzFailures?: number;
  /** CPU use during the level, % of one core (Linux only). */
  cpu?: CpuShares;
  /** The raw limit timed right before this level (near and past saturation), at the best batch size. */
  rawNowRowsPerS?: number;
}

export interface BenchResults {
  date: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; node: string; loadAvgAtStart: number };
  runtime: { workers: number; threads: number };
  /** `raw` is the better of the two measurements (before and after the policies) at each batch size. */
  models: (ModelScenario & { raw: RawLimit; rawRoundsRowsPerS: number[] })[];
  levels: LevelResult[];
  builds: { model: string; policy: string; seconds: number }[];
  /** Each server's exit code after SIGTERM (0 = drained cleanly). */
  exits: { model: string; policy: string; exitCode: number | null }[];
  wallSeconds?: number;
}

const fmt = (value: number | undefined, digits = 1): string =>
  value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);

export function renderReport(results: BenchResults, policies: PolicySpec[]): string {
  const lines: string[] = [
    `# Batching benchmark${results.quick ? ' (quick run)' : ''}`,
    '',
    `Command: \`npm run bench:batching${results.quick ? ' -- --quick' : ''}\` · ${results.date} · ${results.machine.cpus} × ${results.machine.cpuModel} · ` +
      `Node ${results.machine.node} · load average at start ${results.machine.loadAvgAtStart.toFixed(2)} · ` +
      `runtime.workers ${results.runtime.workers}, runtime.threads ${results.runtime.threads} · ${fmt(results.wallSeconds, 0)} s`,
    '',
    'Every policy is a real bento built by the compiler and served by its own `server.mjs`; load is open-loop',
    '(Poisson arrivals, one row per request, latency from the scheduled send time) from the same machine, sent by',
    'a separate process over keep-alive connections opened before each level, at a lower CPU priority (nice 10) for',
    'the heavy model, at the same priority for iris (see bench/batching/scenarios.ts for why).',
    'Throughput counts 2xx answers per second in the steady part of each level (from 1.5 × max_latency_ms + 250 ms,',
    'at most a third of the level, to its end); p50/p99 are over all 2xx answers as the client saw',
    'them (its own lag included); "server ≤ bound" is the share of 2xx answers the server sent within max_latency_ms',
    'by its own clock (`/metrics`); "err" counts other statuses, connection errors and client timeouts; mean batch',
    'is rows per model call from `/metrics`. From 90% load on, "% of raw" is against the limit timed again right before',
    'the level (shown in brackets): this VM\'s speed drifts by up to a quarter over a run.',
    '',
  ];
  for (const model of results.models) {
    const { raw } = model;
    lines.push(
      `## ${model.name}: ${model.description}`,
      '',
      `max_batch_size ${model.maxBatchSize}, max_latency_ms ${model.maxLatencyMs}. Raw in-process limit: **${fmt(raw.best.rowsPerS, 0)} rows/s** ` +
        `(batch ${raw.best.batch}, ${fmt(raw.best.msPerCall, 2)} ms/call; the better of ${model.rawRoundsRowsPerS.map((r) => fmt(r, 0)).join(' and ')} rows/s ` +
        `measured before and after the policies ran); one direct call at batch 1: ${fmt(raw.singleCallMs, 2)} ms.`,
      '',
      `| batch | ${raw.timings.map((t) => t.batch).join(' | ')} |`,
      `| --- | ${raw.timings.map(() => '---:').join(' | ')} |`,
      `| ms/call | ${raw.timings.map((t) => fmt(t.msPerCall, 2)).join(' | ')} |`,
      `| rows/s | ${raw.timings.map((t) => fmt(t.rowsPerS, 0)).join(' | ')} |`,
      '',
      `| offered/s | % of raw | policy | answered/s | % of raw | p50 ms | p99 ms | server ≤ ${model.maxLatencyMs} ms % | shed % | err % | mean batch | /healthz p99 ms |`,
      '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
    );
    const rows = results.levels.filter((r) => r.model === model.name);
    const offered = [...new Set(rows.map((r) => r.offeredPerS))];
    for (const level of offered) {
      for (const policy of policies) {
        const r = rows.find((row) => row.offeredPerS === level && row.policy === policy.name);
        if (!r) continue;
        const bold = policy.name === 'CORK' ? '**' : '';
        lines.push(
          `| ${fmt(r.offeredPerS, 0)} | ${fmt((100 * r.offeredPerS) / raw.best.rowsPerS, 1)} | ${bold}${r.policy}${bold} | ${fmt(r.throughputPerS, 0)} | ` +
            `${fmt((100 * r.throughputPerS) / (r.rawNowRowsPerS ?? raw.best.rowsPerS), 1)}${r.rawNowRowsPerS ? ` (of ${fmt(r.rawNowRowsPerS, 0)})` : ''} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.serverWithinBoundPct)} | ${fmt(r.shedPct)} | ${fmt(r.errorPct)} | ` +
            `${fmt(r.meanBatch)} | ${fmt(r.healthzP99Ms)} |`,
        );
      }
    }
    lines.push('', ...renderCpuTable(rows.filter((r) => r.policy === 'CORK')), '');
  }
  const unclean = results.exits.filter((exit) => exit.exitCode !== 0);
  lines.push(
    `Servers stopped with SIGTERM after their levels: ${unclean.length === 0 ? 'all exited 0' : unclean.map((e) => `${e.model}/${e.policy} exited ${e.exitCode}`).join(', ')}.`,
    '',
  );
  lines.push('## Targets', '', ...checkTargets(results).map((t) => `- ${t.met ? 'met' : '**missed**'}: ${t.text}`), '');
  return `${lines.join('\n')}\n`;
}

/** Where the 2 cores went while CORK served each level: the server's threads and the load generator. */
function renderCpuTable(cork: LevelResult[]): string[] {
  if (!cork.some((r) => r.cpu)) return [];
  return [
    'CPU while CORK served each level, % of one core (Linux per-thread counters; the machine has ' +
      'two cores in all), and the load generator\'s own event-loop lag:',
    '',
    '| offered/s | server main thread | model thread | other server threads | load generator | generator lag p99 ms |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...cork.map(
      (r) =>
        `| ${fmt(r.offeredPerS, 0)} | ${fmt(r.cpu?.serverMainPct, 0)} | ${fmt(r.cpu?.serverModelPct, 0)} | ${fmt(r.cpu?.serverOtherPct, 0)} | ` +
        `${fmt(r.cpu?.loadGeneratorPct, 0)} | ${fmt(r.loadLagP99Ms, 0)} |`,
    ),
  ];
}

/** The issue's targets, judged on the heavy model; "≥"/"≤" comparisons between policies allow 3% for noise. */
export function checkTargets(results: BenchResults): { met: boolean; text: string }[] {
  const model = results.models.find((m) => m.name === 'heavy');
  if (!model) return [];
  const rows = results.levels.filter((r) => r.model === 'heavy');
  const cork = rows.filter((r) => r.policy === 'CORK');
  const limitFor = (r: LevelResult) => r.rawNowRowsPerS ?? model.raw.best.rowsPerS;
  const out: { met: boolean; text: string }[] = [];
  for (const r of cork.filter((c) => (c.fraction ?? 0) > 1)) {
    const share = r.throughputPerS / limitFor(r);
    out.push({
      met: share >= 0.85 && r.p99Ms <= model.maxLatencyMs,
      text: `overload ${fmt(100 * (r.fraction ?? 0), 0)}%: CORK serves ${fmt(100 * share)}% of the raw limit timed just before (${fmt(limitFor(r), 0)} rows/s; target ≥ 85%) with p99 ${fmt(r.p99Ms)} ms (target ≤ ${model.maxLatencyMs}; the server sent ${fmt(r.serverWithinBoundPct)}% of its answers within it)`,
    });
  }
  const light = cork.reduce<LevelResult | undefined>((a, b) => (!a || b.offeredPerS < a.offeredPerS ? b : a), undefined);
  if (light) {
    // "One direct model call" as a client sees it: the same server with no batching (HTTP, JSON and the
    // worker hop included), at the same load; the in-process call is shown beside it.
    const direct = rows.find((o) => o.offeredPerS === light.offeredPerS && o.policy === 'no batching');
    const directMs = direct?.p50Ms ?? model.raw.singleCallMs;
    out.push({
      met: light.p50Ms <= directMs + 2,
      text:
        `light load (${fmt(light.offeredPerS, 0)}/s): CORK p50 ${fmt(light.p50Ms, 2)} ms vs one direct call ${fmt(directMs, 2)} ms + 2 ms ` +
        `(${direct ? 'no batching through the same server' : 'in-process'}; in-process alone: ${fmt(model.raw.singleCallMs, 2)} ms)`,
    });
  }
  for (const r of cork) {
    const same = rows.filter((o) => o.offeredPerS === r.offeredPerS);
    const fixed = same.filter((o) => o.policy.startsWith('fixed'));
    const bestFixed = fixed.reduce<LevelResult | undefined>((a, b) => (!a || b.throughputPerS > a.throughputPerS ? b : a), undefined);
    const none = same.find((o) => o.policy === 'no batching');
    const throughputOk = !bestFixed || r.throughputPerS >= 0.97 * bestFixed.throughputPerS;
    const p99Ok = !none || !Number.isFinite(none.p99Ms) || r.p99Ms <= 1.03 * none.p99Ms;
    out.push({
      met: throughputOk && p99Ok,
      text:
        `${fmt(r.offeredPerS, 0)}/s: CORK ${fmt(r.throughputPerS, 0)}/s vs best fixed timeout ${bestFixed ? `${fmt(bestFixed.throughputPerS, 0)}/s (${bestFixed.policy})` : '–'}; ` +
        `p99 ${fmt(r.p99Ms)} ms vs no batching ${fmt(none?.p99Ms)} ms`,
    });
  }
  for (const r of cork.filter((c) => c.healthzP99Ms !== undefined)) {
    out.push({
      met: r.healthzP99Ms! < 20 && (r.healthzFailures ?? 0) === 0,
      text:
        `/healthz p99 while saturated (${fmt(100 * (r.fraction ?? 0), 0)}% load, ${r.healthzProbes} probes, ` +
        `${r.healthzFailures ?? 0} failed): ${fmt(r.healthzP99Ms)} ms (target < 20, none failed)`,
    });
  }
  return out;
}

export function renderPlot(results: BenchResults, policies: PolicySpec[]): string {
  const rows: Panel[][] = results.models.map((model) => {
    const levels = results.levels.filter((r) => r.model === model.name);
    const series = (pick: (r: LevelResult) => number): Series[] =>
      policies.map((policy) => ({
        label: policy.name,
        color: policy.color,
        points: levels.filter((r) => r.policy === policy.name).map((r) => ({ x: r.offeredPerS, y: pick(r) })),
      }));
    return [
      {
        title: `${model.name}: answered vs offered load`,
        xLabel: 'offered requests/s (1 row each)',
        yLabel: 'answered (2xx) requests/s',
        series: series((r) => r.throughputPerS),
        reference: model.name === 'heavy' ? { y: model.raw.best.rowsPerS, label: `raw onnxruntime limit ${model.raw.best.rowsPerS.toFixed(0)} rows/s` } : undefined,
      },
      {
        title: `${model.name}: p99 latency vs offered load`,
        xLabel: 'offered requests/s (1 row each)',
        yLabel: 'p99 latency of 2xx answers, ms (log)',
        logY: true,
        series: series((r) => r.p99Ms),
        reference: { y: model.maxLatencyMs, label: `max_latency_ms ${model.maxLatencyMs}` },
      },
    ];
  });
  const legend = policies.map((p) => ({ label: p.name, color: p.color, points: [] }));
  return renderSvg(`bentoc batching benchmark${results.quick ? ' (quick)' : ''}: ${results.date.slice(0, 10)}`, rows, legend);
}
