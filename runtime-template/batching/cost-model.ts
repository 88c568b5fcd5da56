/**
 * Online estimate of one batch's execution time, t(n) = a·n + b, fitted by least squares over a sliding
 * window of recent batches. `a` is the per-row cost (ms/row), `b` the fixed per-batch cost (ms): the
 * overhead that batching amortises. It also tracks how far recent batches overran their estimate.
 */
import { MIN_OVERRUN } from './release-rule.js';

export interface CostEstimate {
  /** ms per row. */
  a: number;
  /** ms per batch, whatever its size. */
  b: number;
}

export interface CostModelOptions {
  /** Recent batches the fit looks at; older ones fall out so the fit follows load and hardware changes. @default 64 */
  windowSize?: number;
  /**
   * Estimate before the first batch. @default { a: 0, b: 0 }: an unknown model is assumed free, so the
   * dispatcher neither sheds nor corks until it has measured something (no request is refused on a guess).
   */
  prior?: CostEstimate;
}

export interface CostModel {
  /** Estimated ms for a batch of `rows` rows; never negative. */
  estimateMs(rows: number): number;
  current(): CostEstimate;
  /** Adds one measured batch and refits; returns the new estimate. Ignores non-finite or negative times. */
  record(rows: number, ms: number): CostEstimate;
  /** Batches measured so far (not capped by the window). */
  samples(): number;
  /**
   * How much longer than estimated recent batches ran, as a share of the estimate (0.25: 25% longer): the
   * second-largest over the last OVERRUN_WINDOW batches (one preempted batch is not a trend), clamped to
   * [MIN_OVERRUN, MAX_OVERRUN]. The fit follows a slowdown only as old batches leave its window; this says at
   * once that deadlines need more room.
   */
  overrun(): number;
}

/** Batches whose overrun is remembered. */
export const OVERRUN_WINDOW = 16;
/** Beyond this the fit itself is wrong, not the machine slow: it refits from the new batches anyway. */
export const MAX_OVERRUN = 0.5;
/** Batches measured before their overrun counts: the first fits can be far off and would inflate it. */
const OVERRUN_AFTER_SAMPLES = 8;

export function createCostModel(options: CostModelOptions = {}): CostModel {
  const overruns: number[] = [];
  let overrun = MIN_OVERRUN; // recomputed per batch: the dispatcher reads it on every decision
  const windowSize = Math.max(2, Math.floor(options.windowSize ?? 64));
  const rowsWindow: number[] = [];
  const msWindow: number[] = [];
  let cursor = 0; // next ring-buffer slot to overwrite once the window is full
  let measured = 0;
  let fit: CostEstimate = { a: Math.max(0, options.prior?.a ?? 0), b: Math.max(0, options.prior?.b ?? 0) };

  return {
    estimateMs: (rows) => fit.a * Math.max(0, rows) + fit.b,
    current: () => ({ ...fit }),
    samples: () => measured,
    overrun: () => overrun,
    record(rows, ms) {
      if (!Number.isFinite(rows) || !Number.isFinite(ms) || rows < 0 || ms < 0) return { ...fit };
      const estimatedMs = fit.a * rows + fit.b;
      if (measured >= OVERRUN_AFTER_SAMPLES && estimatedMs > 0) {
        overruns.push(ms / estimatedMs - 1);
        if (overruns.length > OVERRUN_WINDOW) overruns.shift();
        const secondLargest = overruns.length < 2 ? MIN_OVERRUN : [...overruns].sort((x, y) => y - x)[1]!;
        overrun = Math.min(MAX_OVERRUN, Math.max(MIN_OVERRUN, secondLargest));
      }
      if (rowsWindow.length < windowSize) {
        rowsWindow.push(rows);
        msWindow.push(ms);
      } else {
        rowsWindow[cursor] = rows;
        msWindow[cursor] = ms;
        cursor = (cursor + 1) % windowSize;
      }
      measured += 1;
      fit = fitLinearCost(rowsWindow, msWindow, fit);
      return { ...fit };
    },
  };
}

/**
 * Least squares of ms on rows, constrained to a ≥ 0 and b ≥ 0. When every sample has the same row count
 * the slope is unknowable: keep the previous slope (capped so b stays ≥ 0) and refit only the intercept.
 */
export function fitLinearCost(rows: readonly number[], ms: readonly number[], previous: CostEstimate): CostEstimate {
  const count = rows.length;
  if (count === 0) return { ...previous };
  let sumRows = 0;
  let sumMs = 0;
  for (let i = 0; i < count; i += 1) {
    sumRows += rows[i]!;
    sumMs += ms[i]!;
  }
  const meanRows = sumRows / count;
  const meanMs = sumMs / count;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < count; i += 1) {
    const dx = rows[i]! - meanRows;
    sxx += dx * dx;
    sxy += dx * (ms[i]! - meanMs);
  }
  if (sxx <= 1e-9 * count) {
    const a = meanRows > 0 ? Math.min(previous.a, meanMs / meanRows) : previous.a;
    return { a, b: Math.max(0, meanMs - a * meanRows) };
  }
  const a = sxy / sxx;
  const b = meanMs - a * meanRows;
  if (a < 0) return { a: 0, b: meanMs }; // noise made bigger batches look cheaper: treat as flat
  if (b < 0) {
    // Line through the origin: the best fit with no fixed cost.
    let sxyOrigin = 0;
    let sxxOrigin = 0;
    for (let i = 0; i < count; i += 1) {
      sxyOrigin += rows[i]! * ms[i]!;
      sxxOrigin += rows[i]! * rows[i]!;
    }
    return { a: sxyOrigin / sxxOrigin, b: 0 };
  }
  return { a, b };
}
