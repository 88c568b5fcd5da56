import { describe, expect, it } from 'vitest';
import {
  computeForecast,
  computeHoldGapMs,
  computeRowsWithinDeadline,
  computeSustainRows,
} from '../../../runtime-template/batching/release-rule.js';

describe('release rule arithmetic', () => {
  const cost = { a: 0.04, b: 5 };

  it('holds a batch only for a next request due within the per-batch overhead', () => {
    expect(computeHoldGapMs({ rows: 1, cost, rowsPerRequest: 1, concurrency: 1 })).toBeCloseTo(5);
    expect(computeHoldGapMs({ rows: 1, cost: { a: 1, b: 0 }, rowsPerRequest: 1, concurrency: 1 })).toBe(0);
  });

  it('holds a bigger batch for a shorter time: at saturation it grows to about b·(rows per ms)', () => {
    const gaps = [1, 2, 5, 10, 50].map((rows) => computeHoldGapMs({ rows, cost, rowsPerRequest: 1, concurrency: 1 }));
    expect([...gaps].sort((x, y) => y - x)).toEqual(gaps);
    // One request per ms: holding stops being worth it at about 5 rows (5 ms of overhead × 1 row/ms).
    expect(computeHoldGapMs({ rows: 4, cost, rowsPerRequest: 1, concurrency: 1 })).toBeGreaterThan(1);
    expect(computeHoldGapMs({ rows: 6, cost, rowsPerRequest: 1, concurrency: 1 })).toBeLessThan(1);
  });

  it('holds less when more workers share the load', () => {
    const one = computeHoldGapMs({ rows: 8, cost, rowsPerRequest: 1, concurrency: 1 });
    const four = computeHoldGapMs({ rows: 8, cost, rowsPerRequest: 1, concurrency: 4 });
    expect(four).toBeLessThan(one);
  });

  it('fits as many rows as the oldest item’s deadline allows, with the safety margin', () => {
    // 100 − 40 waited − 2 slack = 58 ms; /1.1 − 5 = 47.7 ms; / 0.04 = 1193 rows.
    expect(computeRowsWithinDeadline(cost, 40, 100, 2)).toBe(1193);
    expect(computeRowsWithinDeadline(cost, 95, 100, 2)).toBe(0);
    expect(computeRowsWithinDeadline({ a: 0, b: 5 }, 0, 100, 2)).toBe(Number.POSITIVE_INFINITY);
    // Batches lately ran 40% over their estimate: 58 ms / 1.4 − 5 = 36.4 ms; / 0.04 = 910 rows.
    expect(computeRowsWithinDeadline(cost, 40, 100, 2, 0.4)).toBe(910);
  });

  it('forecasts a new item behind full batches spread over the workers that free first', () => {
    const full = { a: 1, b: 0 }; // a full batch of 10 rows takes 10 ms
    const base = { rows: 1, maxBatchSize: 10, cost: full, inboundRowsPerMs: 0 };
    expect(computeForecast({ ...base, rowsAhead: 0, workerFreeInMs: [0] })).toEqual({ startMs: 0, batchRows: 1 });
    expect(computeForecast({ ...base, rowsAhead: 25, workerFreeInMs: [3] })).toEqual({ startMs: 23, batchRows: 6 });
    // Two workers: batch 2 goes to the sooner one after its first full batch.
    expect(computeForecast({ ...base, rowsAhead: 25, workerFreeInMs: [7, 3] })).toEqual({ startMs: 13, batchRows: 6 });
    // No room left in the partial batch: the item starts the next one.
    expect(computeForecast({ ...base, rows: 5, rowsAhead: 8, workerFreeInMs: [0] })).toEqual({ startMs: 10, batchRows: 5 });
    // Later arrivals fill its batch while it waits.
    expect(computeForecast({ ...base, rowsAhead: 20, workerFreeInMs: [0], inboundRowsPerMs: 0.2 })).toEqual({
      startMs: 20,
      batchRows: 5,
    });
  });

  it('finds the smallest batch that keeps up with the inbound rate', () => {
    // 1 row/ms into one worker with t(n) = 0.5·n + 20 ms: n ≥ 20 / (1 − 0.5) = 40 rows.
    expect(computeSustainRows({ inboundRowsPerMs: 1, cost: { a: 0.5, b: 20 }, concurrency: 1 })).toBeCloseTo(40);
    // Two workers halve the load on each: n ≥ 10 / 0.75.
    expect(computeSustainRows({ inboundRowsPerMs: 1, cost: { a: 0.5, b: 20 }, concurrency: 2 })).toBeCloseTo(13.33, 1);
    // Light load needs no batch at all; past capacity no batch size is enough.
    expect(computeSustainRows({ inboundRowsPerMs: 0.01, cost: { a: 0.5, b: 20 }, concurrency: 1 })).toBeLessThan(1);
    expect(computeSustainRows({ inboundRowsPerMs: 3, cost: { a: 0.5, b: 20 }, concurrency: 1 })).toBe(Number.POSITIVE_INFINITY);
  });
});
