import { describe, expect, it } from 'vitest';
import { createArrivalRate } from '../../../runtime-template/batching/arrival-rate.js';

describe('arrival rate', () => {
  it('knows nothing before two requests', () => {
    const rate = createArrivalRate();
    expect(rate.expectedGapMs(0)).toBeUndefined();
    rate.record(0, 3);
    expect(rate.expectedGapMs(0)).toBeUndefined();
    expect(rate.rowsPerMs(0)).toBe(0);
    expect(rate.rowsPerRequest()).toBe(3);
  });

  it('settles on the mean gap and row count of a steady stream', () => {
    const rate = createArrivalRate();
    for (let i = 0; i < 100; i += 1) rate.record(i * 4, 2);
    expect(rate.expectedGapMs(396)).toBeCloseTo(4);
    expect(rate.rowsPerMs(396)).toBeCloseTo(0.5);
  });

  it('reads silence as a lower rate at once, without waiting for the next request', () => {
    const rate = createArrivalRate();
    for (let i = 0; i < 100; i += 1) rate.record(i, 1);
    expect(rate.expectedGapMs(99.5)).toBeCloseTo(1);
    expect(rate.expectedGapMs(199)).toBe(100);
    expect(rate.rowsPerMs(199)).toBeCloseTo(0.01);
  });

  it('moves towards a new rate by the smoothing weight per request', () => {
    const rate = createArrivalRate({ smoothing: 0.5 });
    rate.record(0, 1);
    rate.record(10, 1); // gap 10
    rate.record(12, 1); // gap 2: mean 10 + 0.5·(2 − 10) = 6
    expect(rate.expectedGapMs(12)).toBe(6);
  });
});
