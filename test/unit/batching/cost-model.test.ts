import { describe, expect, it } from 'vitest';
import { createCostModel, fitLinearCost } from '../../../runtime-template/batching/cost-model.js';
import { createRandom } from './fake-time.js';

describe('cost model', () => {
  it('says how far recent batches overran their estimate, past one outlier, for its last 16 batches', () => {
    const model = createCostModel();
    for (let i = 0; i < 8; i += 1) model.record(10, 10); // 10 ms per 10-row batch, learnt
    expect(model.overrun()).toBe(0.1); // the floor: 10% for estimate error
    model.record(10, 14); // one batch 40% over (a preempted one): not a trend
    expect(model.overrun()).toBe(0.1);
    model.record(10, 13.5); // a second one: the machine is slower now
    expect(model.overrun()).toBeGreaterThan(0.2);
    expect(model.overrun()).toBeLessThan(0.4);
    for (let i = 0; i < 16; i += 1) model.record(10, model.estimateMs(10)); // on estimate again
    expect(model.overrun()).toBe(0.1);
    for (let i = 0; i < 4; i += 1) model.record(10, 10 * model.estimateMs(10)); // a fit far off is capped
    expect(model.overrun()).toBe(0.5);
  });


  it('starts from its prior and estimates nothing negative', () => {
    const model = createCostModel({ prior: { a: 0.2, b: -3 } });
    expect(model.current()).toEqual({ a: 0.2, b: 0 });
    expect(model.estimateMs(10)).toBeCloseTo(2);
    expect(model.estimateMs(-5)).toBe(0);
    expect(createCostModel().estimateMs(100)).toBe(0);
  });

  it('converges on a·n + b from noisy batches of varied size', () => {
    const random = createRandom(42);
    const model = createCostModel({ windowSize: 64 });
    for (let i = 0; i < 200; i += 1) {
      const rows = 1 + Math.floor(random() * 128);
      const ms = (0.04 * rows + 5) * (0.95 + 0.1 * random());
      model.record(rows, ms);
    }
    const { a, b } = model.current();
    expect(a).toBeGreaterThan(0.035);
    expect(a).toBeLessThan(0.045);
    expect(b).toBeGreaterThan(4.5);
    expect(b).toBeLessThan(5.5);
    expect(model.samples()).toBe(200);
  });

  it('follows a change of speed once the window has slid past the old batches', () => {
    const model = createCostModel({ windowSize: 16 });
    for (let i = 0; i < 16; i += 1) model.record(1 + (i % 8), 0.1 * (1 + (i % 8)) + 2);
    expect(model.current().b).toBeCloseTo(2);
    for (let i = 0; i < 16; i += 1) model.record(1 + (i % 8), 0.3 * (1 + (i % 8)) + 1);
    expect(model.current().a).toBeCloseTo(0.3);
    expect(model.current().b).toBeCloseTo(1);
  });

  it('keeps the slope and refits the intercept when every batch has the same size', () => {
    const model = createCostModel({ prior: { a: 0.5, b: 1 } });
    model.record(4, 10);
    model.record(4, 10);
    expect(model.current()).toEqual({ a: 0.5, b: 8 });
    // A slope that would make b negative is capped: the line goes through the origin instead.
    expect(fitLinearCost([10, 10], [2, 2], { a: 1, b: 0 })).toEqual({ a: 0.2, b: 0 });
  });

  it('clamps fits that would give a negative slope or intercept', () => {
    expect(fitLinearCost([1, 10], [6, 4], { a: 0, b: 0 })).toEqual({ a: 0, b: 5 });
    const origin = fitLinearCost([1, 2, 10], [0, 0.5, 10], { a: 0, b: 0 });
    expect(origin.b).toBe(0);
    expect(origin.a).toBeGreaterThan(0.9);
  });

  it('ignores impossible measurements', () => {
    const model = createCostModel({ prior: { a: 1, b: 1 } });
    model.record(5, Number.NaN);
    model.record(5, -1);
    expect(model.samples()).toBe(0);
    expect(model.current()).toEqual({ a: 1, b: 1 });
  });
});
