/** What the batching benchmark runs: models, the policies compared, and the load levels. */

export interface PolicySpec {
  name: string;
  color: string;
  /** The bentofile's `batch:` for this policy; max_batch_size/max_latency_ms are added per model. */
  batch: Record<string, unknown>;
}

export interface LoadLevel {
  fraction?: number;
  perS?: number;
}

export interface ModelScenario {
  name: 'heavy' | 'iris';
  description: string;
  features: number;
  maxBatchSize: number;
  maxLatencyMs: number;
  /** Batch sizes timed for the raw limit (within max_batch_size). */
  rawBatches: number[];
  /** Offered loads: fractions of the raw limit (rows/s, one row per request), or absolute requests/s. */
  levels: LoadLevel[];
  /** Load for the unrecorded warm-up before the levels (JIT, sockets, CORK's cost model). */
  warmup: LoadLevel;
  levelMs: number;
  warmupMs: number;
  /** A request unanswered this long after its scheduled time counts as a timeout. */
  clientTimeoutMs: number;
  /**
   * The load generator's niceness (load-process.ts). A model-bound server (heavy) gets the CPU first, as it
   * would with its clients on other hosts: at 0 its model thread was preempted and served 66–70% of the raw
   * limit at overload, against 80–86% at 10 (measured). An HTTP-bound one (iris: the generator does half the
   * work of every request) runs beside it at the same priority: a starved generator sends in bursts, which
   * is a test of the generator, not of the server (iris at 6,000/s: CORK shed 70% at 10, none at 0).
   */
  loadNiceness: number;
  /** Run the /healthz prober on the CORK server at these levels (fractions ≥ this). */
  probeFromFraction?: number;
}

/**
 * 2 cores: one model worker with one onnxruntime thread, and the raw limit measured with the same. With 2 threads
 * the model's thread pool fights the server's event loop and this load generator for the same 2 cores: a
 * preempted pool thread stalls every parallel section, and served throughput fell to a fraction of the raw
 * 2-thread figure (measured while writing this bench). One thread leaves a core for HTTP.
 */
export const RUNTIME = { workers: 1, threads: 1 } as const;

export function listPolicies(quick: boolean): PolicySpec[] {
  const fixed = (ms: number, color: string): PolicySpec => ({
    name: `fixed ${ms} ms`,
    color,
    batch: { enabled: true, policy: 'fixed_timeout', timeout_ms: ms },
  });
  const all = [
    { name: 'no batching', color: '#888888', batch: { enabled: false } },
    fixed(2, '#f4a261'),
    fixed(5, '#e76f51'),
    fixed(10, '#9b2226'),
    { name: 'CORK', color: '#1d70b8', batch: { enabled: true } },
  ];
  return quick ? all.filter((p) => ['no batching', 'fixed 5 ms', 'CORK'].includes(p.name)) : all;
}

export function listScenarios(quick: boolean): ModelScenario[] {
  const heavy: ModelScenario = {
    name: 'heavy',
    description: 'MLP 784→4096×4→10 (bench/models/mlp-heavy.onnx)',
    features: 784,
    maxBatchSize: 512,
    maxLatencyMs: 1000, // ~10× a full batch's time, as the user guidance says for a slow model
    rawBatches: quick ? [1, 32, 128, 512] : [1, 8, 32, 64, 128, 256, 512],
    levels: (quick ? [0.01, 0.5, 2] : [0.01, 0.1, 0.5, 0.9, 1.2, 2]).map((fraction) => ({ fraction })),
    warmup: { fraction: 0.5 },
    levelMs: quick ? 2500 : 6000,
    warmupMs: quick ? 1500 : 2500,
    clientTimeoutMs: 5000,
    loadNiceness: 10,
    probeFromFraction: 1.2,
  };
  const iris: ModelScenario = {
    name: 'iris',
    description: 'iris softmax regression, 4 features (samples/iris/iris.onnx)',
    features: 4,
    maxBatchSize: 1000,
    maxLatencyMs: 100,
    rawBatches: [1, 32, 256, 1000],
    // Far below its raw limit (millions of rows/s): for a tiny model HTTP is the bottleneck, so these are absolute.
    levels: (quick ? [100, 3000] : [100, 1000, 3000, 6000]).map((perS) => ({ perS })),
    warmup: { perS: 1800 },
    levelMs: quick ? 1500 : 3000,
    warmupMs: 1000,
    clientTimeoutMs: 2000,
    loadNiceness: 0,
  };
  return [heavy, iris];
}

/** `--only MODEL[:POLICY[:LEVEL,…]]` narrows a run to one model, optionally one policy and some levels. */
export interface OnlyFilter {
  model: string;
  policy?: string;
  levels?: number[];
}

export function parseOnly(argv: readonly string[]): OnlyFilter | undefined {
  const index = argv.indexOf('--only');
  if (index < 0) return undefined;
  const [model, policy, levels] = (argv[index + 1] ?? '').split(':');
  if (!model) throw new Error('--only needs MODEL[:POLICY[:LEVEL,…]], e.g. --only heavy:CORK:1.2,2');
  return { model, policy: policy || undefined, levels: levels ? levels.split(',').map(Number) : undefined };
}

/** The scenarios and policies a filter keeps; levels match a fraction or a rate. */
export function applyOnly(
  scenarios: ModelScenario[],
  policies: PolicySpec[],
  only: OnlyFilter | undefined,
): { scenarios: ModelScenario[]; policies: PolicySpec[] } {
  if (!only) return { scenarios, policies };
  const kept = scenarios
    .filter((scenario) => scenario.name === only.model)
    .map((scenario) => ({
      ...scenario,
      levels: only.levels ? only.levels.map((value) => (scenario.levels[0]?.perS !== undefined ? { perS: value } : { fraction: value })) : scenario.levels,
    }));
  const keptPolicies = only.policy ? policies.filter((policy) => policy.name === only.policy) : policies;
  if (kept.length === 0 || keptPolicies.length === 0) {
    throw new Error(`--only ${only.model}:${only.policy ?? ''} matches nothing (models: ${scenarios.map((s) => s.name).join(', ')}; policies: ${policies.map((p) => p.name).join(', ')})`);
  }
  return { scenarios: kept, policies: keptPolicies };
}
