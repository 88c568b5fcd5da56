/**
 * When a model's calls run on the main thread instead of a worker. A call is worth the hop only when the model's
 * own time is smaller than what the hop costs the main thread (the break-even measured by
 * bench/overhead/hop-cost.ts: about 0.055 ms per call here). Each small model is timed once at start-up, on the
 * main thread, with back-to-back calls (as under load, when the hop matters; a lone call after a pause is slower
 * while the CPU wakes up, which costs nobody anything): one row must be under the break-even, and a large batch
 * under a bound that keeps the event loop responsive, since batches grow with load.
 */

/** Model time per call, in ms, below which the hop costs more than the call (measured, see above). */
export const INLINE_BREAK_EVEN_MS = 0.05;
/** Rows of the large calibration batch. */
export const LARGE_BATCH_ROWS = 512;
/** Most a large batch may take inline, in ms: longer, and /healthz and new requests would wait behind it. */
export const LARGE_BATCH_BOUND_MS = 1;
/** Largest model file that is timed for inline placement at all: bigger ones are not microsecond models. */
export const INLINE_MAX_FILE_BYTES = 4 * 1024 * 1024;

/** The value below which a share `q` of the values lie (nearest rank). */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Whether back-to-back calibration calls (ms each, at one row and at LARGE_BATCH_ROWS) put the model inline. The
 * lower quartile stands for the model's own cost: on a busy machine preempted calls only add to the upper ones.
 */
export function isInlineWorthy(oneRowMs: readonly number[], largeBatchMs: readonly number[], breakEvenMs = INLINE_BREAK_EVEN_MS): boolean {
  if (oneRowMs.length === 0 || largeBatchMs.length === 0) return false;
  return quantile(oneRowMs, 0.25) <= breakEvenMs && quantile(largeBatchMs, 0.25) <= LARGE_BATCH_BOUND_MS;
}
