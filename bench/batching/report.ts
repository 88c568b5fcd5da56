/** The benchmark's markdown table, its verdict on each target, and the plot. */
import { renderSvg, type Panel, type Series } from './plot-svg.js';
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
  healthzP99Ms?: number;
  healthzProbes?: number;
}

export interface BenchResults {
  date: string;
  quick: boolean;
  machine: { cpus: number; cpuModel: string; node: string; loadAvgAtStart: number };
  runtime: { workers: number; threads: number };
  models: (ModelScenario & { raw: RawLimit })[];
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
    '(Poisson arrivals, one row per request, latency from the scheduled send time) from the same machine.',
    'Throughput counts 2xx answers per second of the send window; p50/p99 are over 2xx answers; "err" counts other',
    'statuses, connection errors and client timeouts; mean batch is rows per model call from `/metrics`.',
    '',
  ];
  for (const model of results.models) {
    const { raw } = model;
    lines.push(
      `## ${model.name}: ${model.description}`,
      '',
      `max_batch_size ${model.maxBatchSize}, max_latency_ms ${model.maxLatencyMs}. Raw in-process limit: **${fmt(raw.best.rowsPerS, 0)} rows/s** ` +
        `(batch ${raw.best.batch}, ${fmt(raw.best.msPerCall, 2)} ms/call); one direct call at batch 1: ${fmt(raw.singleCallMs, 2)} ms.`,
      '',
      `| batch | ${raw.timings.map((t) => t.batch).join(' | ')} |`,
      `| --- | ${raw.timings.map(() => '---:').join(' | ')} |`,
      `| ms/call | ${raw.timings.map((t) => fmt(t.msPerCall, 2)).join(' | ')} |`,
      `| rows/s | ${raw.timings.map((t) => fmt(t.rowsPerS, 0)).join(' | ')} |`,
      '',
      '| offered/s | % of raw | policy | answered/s | % of raw | p50 ms | p99 ms | shed % | err % | mean batch | /healthz p99 ms |',
      '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
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
            `${fmt((100 * r.throughputPerS) / raw.best.rowsPerS, 1)} | ${fmt(r.p50Ms)} | ${fmt(r.p99Ms)} | ${fmt(r.shedPct)} | ${fmt(r.errorPct)} | ` +
            `${fmt(r.meanBatch)} | ${fmt(r.healthzP99Ms)} |`,
        );
      }
    }
    lines.push('');
  }
  const unclean = results.exits.filter((exit) => exit.exitCode !== 0);
  lines.push(
    `Servers stopped with SIGTERM after their levels: ${unclean.length === 0 ? 'all exited 0' : unclean.map((e) => `${e.model}/${e.policy} exited ${e.exitCode}`).join(', ')}.`,
    '',
  );
  lines.push('## Targets', '', ...checkTargets(results).map((t) => `- ${t.met ? 'met' : '**missed**'}: ${t.text}`), '');
  return `${lines.join('\n')}\n`;
}

/** The issue's targets, judged on the heavy model; "≥"/"≤" comparisons between policies allow 3% for noise. */
export function checkTargets(results: BenchResults): { met: boolean; text: string }[] {
  const model = results.models.find((m) => m.name === 'heavy');
  if (!model) return [];
  const rows = results.levels.filter((r) => r.model === 'heavy');
  const cork = rows.filter((r) => r.policy === 'CORK');
  const limit = model.raw.best.rowsPerS;
  const out: { met: boolean; text: string }[] = [];
  for (const r of cork.filter((c) => (c.fraction ?? 0) > 1)) {
    const share = r.throughputPerS / limit;
    out.push({
      met: share >= 0.85 && r.p99Ms <= model.maxLatencyMs,
      text: `overload ${fmt(100 * (r.fraction ?? 0), 0)}%: CORK serves ${fmt(100 * share)}% of the raw limit (target ≥ 85%) with p99 ${fmt(r.p99Ms)} ms (target ≤ ${model.maxLatencyMs})`,
    });
  }
  const light = cork.reduce<LevelResult | undefined>((a, b) => (!a || b.offeredPerS < a.offeredPerS ? b : a), undefined);
  if (light) {
    out.push({
      met: light.p50Ms <= model.raw.singleCallMs + 2,
      text: `light load (${fmt(light.offeredPerS, 0)}/s): CORK p50 ${fmt(light.p50Ms, 2)} ms vs one direct call ${fmt(model.raw.singleCallMs, 2)} ms + 2 ms`,
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
      met: r.healthzP99Ms! < 20,
      text: `/healthz p99 while saturated (${fmt(100 * (r.fraction ?? 0), 0)}% load, ${r.healthzProbes} probes): ${fmt(r.healthzP99Ms)} ms (target < 20)`,
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
