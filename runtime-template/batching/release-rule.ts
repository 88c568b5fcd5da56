/**
 * The CORK dispatcher's arithmetic, as pure functions of the cost estimate and the arrival rate.
 * See README.md for the reasoning behind each rule.
 */
import type { CostEstimate } from './cost-model.js';

/** The least share by which a batch may overrun its estimate, as the safety margin assumes it (10%). */
export const MIN_OVERRUN = 0.1;

/**
 * Margin kept before a latency deadline: timer lateness plus what the batch may overrun its estimate by (ms).
 * `overrun` is a share of the estimate ≥ MIN_OVERRUN (10%, for error in the cost estimate), raised by the cost
 * model when recent batches ran longer than estimated (cost-model.ts).
 */
export function computeSafetyMs(estimatedMs: number, timerSlackMs: number, overrun = MIN_OVERRUN): number {
  return timerSlackMs + overrun * estimatedMs;
}

/**
 * The most rows a batch may hold so that an item which has already waited `waitedMs` still finishes,
 * with the safety margin, within `maxLatencyMs`. 0 when even an empty batch would be late.
 */
export function computeRowsWithinDeadline(
  cost: CostEstimate,
  waitedMs: number,
  maxLatencyMs: number,
  timerSlackMs: number,
  overrun = MIN_OVERRUN,
): number {
  // waited + (1 + overrun)·(a·n + b) + slack ≤ maxLatency, solved for n.
  const budgetMs = (maxLatencyMs - waitedMs - timerSlackMs) / (1 + overrun) - cost.b;
  if (budgetMs < 0) return 0;
  // The epsilon keeps float noise (11 / 1.1 = 9.999…) from costing a whole row at the boundary.
  return cost.a > 0 ? Math.floor(budgetMs / cost.a + 1e-9) : Number.POSITIVE_INFINITY;
}

export interface HoldInput {
  /** Rows in the batch being held. */
  rows: number;
  cost: CostEstimate;
  /** Mean rows per inbound request. */
  rowsPerRequest: number;
  /** Batches that may run at once (model workers). */
  concurrency: number;
}

/**
 * The longest expected gap (ms) to the next request for which holding a batch of `rows` rows, with a
 * worker free, is worth it. Waiting g ms costs each held row g ms (rows·g row-ms). Letting the next
 * request's r rows ride along saves them one batch overhead b, which delays them only when the workers
 * are short of capacity; u = min(1, (r/g)·(a + b/rows)/concurrency) is the share of capacity that batches
 * of this size would need at that rate. Hold iff rows·g < u·b·r and g < b, which solves to
 * g < min(b, X, √(X·U)) with X = b·r/rows and U = r·(a + b/rows)/concurrency.
 * At low load u → 0 and nothing is held; at saturation a batch grows to about b·(r/g) rows.
 */
export function computeHoldGapMs(input: HoldInput): number {
  const rows = Math.max(1, input.rows);
  const { a, b } = input.cost;
  if (b <= 0) return 0; // no per-batch overhead: a bigger batch gains nothing
  const perRequestRows = Math.max(input.rowsPerRequest, 1e-9);
  const x = (b * perRequestRows) / rows;
  const u = (perRequestRows * (a + b / rows)) / Math.max(1, input.concurrency);
  return Math.min(b, x, Math.sqrt(x * u));
}

export interface SustainInput {
  /** Observed inbound rows per ms. */
  inboundRowsPerMs: number;
  cost: CostEstimate;
  /** Batches that may run at once (model workers). */
  concurrency: number;
}

/**
 * The smallest batch with which the workers keep up with the inbound rate: k workers serve k·n rows every
 * a·n + b ms, which must be at least r·(a·n + b), so n ≥ n* = (r·b/k) / (1 − r·a/k). Below n* every batch
 * leaves more work queued than it took, so under load the batcher must keep corking (throughput before mean
 * latency); at low load n* < 1 and nothing is held. Infinite when the rate exceeds capacity at any size.
 */
export function computeSustainRows(input: SustainInput): number {
  const { a, b } = input.cost;
  const perWorker = input.inboundRowsPerMs / Math.max(1, input.concurrency);
  if (!Number.isFinite(perWorker)) return Number.POSITIVE_INFINITY;
  const load = perWorker * a;
  if (load >= 1) return Number.POSITIVE_INFINITY;
  return (perWorker * b) / (1 - load);
}

export interface ForecastInput {
  /** Rows queued ahead of the new item. */
  rowsAhead: number;
  /** The new item's rows. */
  rows: number;
  maxBatchSize: number;
  cost: CostEstimate;
  /** For each worker, ms from now until it is free (0 when idle). */
  workerFreeInMs: readonly number[];
  /** Observed inbound rows per ms: later requests join the item's batch while it waits. */
  inboundRowsPerMs: number;
}

export interface Forecast {
  /** ms from now until the item's batch can start. */
  startMs: number;
  /** Expected rows of that batch: what is ahead of the item in it, the item, and arrivals behind it. */
  batchRows: number;
}

/**
 * Where a new item at the tail of the queue is expected to go out, optimistically: everything ahead goes
 * in full batches, each on the worker that frees first. With equal batch times, list scheduling hands
 * batch j to the (j mod k)-th soonest-free worker, after ⌊j/k⌋ full batches there.
 */
export function computeForecast(input: ForecastInput): Forecast {
  const { rowsAhead, rows, maxBatchSize, cost } = input;
  const free = [...input.workerFreeInMs].sort((x, y) => x - y);
  if (free.length === 0) free.push(0);
  let batchIndex = Math.floor(rowsAhead / maxBatchSize);
  let batchRows = rowsAhead - batchIndex * maxBatchSize + rows;
  if (batchRows > maxBatchSize) {
    batchIndex += 1;
    batchRows = rows;
  }
  const fullBatchMs = cost.a * maxBatchSize + cost.b;
  const startMs = free[batchIndex % free.length]! + Math.floor(batchIndex / free.length) * fullBatchMs;
  const joining = Number.isFinite(input.inboundRowsPerMs) ? input.inboundRowsPerMs * startMs : maxBatchSize;
  return { startMs, batchRows: Math.min(maxBatchSize, batchRows + joining) };
}
