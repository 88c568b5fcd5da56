import { describe, expect, it } from 'vitest';
import { DispatchError } from '../../../runtime-template/batching/index.js';
import { codeOf, setUp } from './cork-setup.js';
import { createRandom, track, type Outcome } from './fake-time.js';

describe('CORK dispatcher: shedding', () => {
  it('sheds at submit a request that could not make it even alone on a free worker', async () => {
    const { clock, model, sheds, dispatcher } = setUp({ a: 1, b: 40 }, { maxLatencyMs: 50 });
    const hopeless = track(dispatcher.submit('eleven-rows', 11), clock); // 51 ms > 50 ms
    const feasible = track(dispatcher.submit('ten-rows', 10), clock); // 50 ms: just in time
    await clock.advance(100);
    expect(codeOf(hopeless)).toBe('shed');
    expect((hopeless.error as DispatchError).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(feasible.value).toBe('out:ten-rows');
    expect(model.batches.map((batch) => batch.items)).toEqual([['ten-rows']]);
    expect(sheds).toEqual([{ rows: 11, when: 'admission' }]);
  });

  it('sheds a queued request once it can no longer make it, and not a moment before; serves feasible ones', async () => {
    const { clock, model, sheds, dispatcher } = setUp({ a: 0, b: 30 }, { maxLatencyMs: 50, shedOnForecast: false });
    const first = track(dispatcher.submit('first', 1), clock); // runs 0..30
    await clock.advance(1);
    const late = track(dispatcher.submit('late', 1), clock); // hopeless after t = 1 + 50 - 30 = 21
    await clock.advance(14);
    const feasible = track(dispatcher.submit('feasible', 1), clock); // t = 15: can run 30..60, 45 ms ≤ 50
    await clock.advance(6); // t = 21: exactly on the edge, still feasible
    expect(late.error).toBeUndefined();
    await clock.advance(0.5);
    expect(codeOf(late)).toBe('shed');
    expect(late.at).toBeLessThan(22);
    await clock.advance(100);
    expect(first.value).toBe('out:first');
    expect(feasible).toEqual({ value: 'out:feasible', at: 60 });
    expect(model.batches.map((batch) => batch.items)).toEqual([['first'], ['feasible']]);
    expect(sheds).toEqual([{ rows: 1, when: 'deadline' }]);
  });

  it('under overload refuses what the queue cannot serve in time and keeps batches full', async () => {
    // Capacity: 1 worker × 10 rows per 10 ms = 1 row/ms; offered: 2 rows/ms; batch times vary ±10%.
    async function overload(shedOnForecast: boolean): Promise<{ rowsPerMs: number; fullShare: number; late: number }> {
      const random = createRandom(7);
      const { clock, model, dispatcher } = setUp(
        { a: 0.5, b: 5 },
        { maxBatchSize: 10, maxLatencyMs: 100, shedOnForecast, noise: () => 0.9 + 0.2 * random() },
      );
      const outcomes: { sentAt: number; outcome: Outcome<string> }[] = [];
      for (let i = 0; i < 4000; i += 1) {
        outcomes.push({ sentAt: clock.now(), outcome: track(dispatcher.submit(`r${i}`, 1), clock) });
        await clock.advance(0.5);
      }
      await clock.advance(300);
      const served = outcomes.filter(({ outcome }) => outcome.value !== undefined);
      const late = served.filter(({ sentAt, outcome }) => outcome.at! - sentAt > 100).length;
      const sizes = model.batches.map((batch) => batch.items.length);
      return { rowsPerMs: served.length / 2000, fullShare: sizes.filter((size) => size === 10).length / sizes.length, late };
    }
    const forecast = await overload(true);
    expect(forecast.rowsPerMs).toBeGreaterThan(0.9);
    expect(forecast.fullShare).toBeGreaterThan(0.95);
    expect(forecast.late).toBe(0);
    // Hopeless-only shedding lets the queue age until heads only fit small batches (and, with noisy
    // batch times, sends some so close to the deadline that they end a little late).
    const hopelessOnly = await overload(false);
    expect(hopelessOnly.rowsPerMs).toBeLessThan(0.8);
  });
});

describe('CORK dispatcher: stale heads', () => {
  it('sheds a head whose deadline would stunt the batch, instead of spending the worker on it', async () => {
    const { clock, model, sheds, dispatcher } = setUp({ a: 1, b: 10 }, { maxLatencyMs: 100, shedOnForecast: false, rowsOf: (item) => (item === 'blocker' ? 60 : 1) });
    track(dispatcher.submit('blocker', 60), clock); // the worker is busy until t = 70
    await clock.advance(1);
    const stale = track(dispatcher.submit('stale', 1), clock);
    await clock.advance(49);
    const young = Array.from({ length: 40 }, (_, i) => track(dispatcher.submit(`y${i}`, 1), clock));
    // At t = 70 the stale head (waited 69 ms) allows 16 rows; 41 are queued: its batch would be stunted.
    await clock.advance(200);
    expect(codeOf(stale)).toBe('shed');
    expect(sheds).toEqual([{ rows: 1, when: 'deadline' }]);
    expect(model.batches.map((batch) => batch.items.length)).toEqual([1, 40]);
    expect(young.every((outcome) => outcome.value !== undefined)).toBe(true);
  });

  it('still sends a head that keeps at least half of what is queued', async () => {
    const { clock, model, sheds, dispatcher } = setUp({ a: 1, b: 10 }, { maxLatencyMs: 100, shedOnForecast: false, rowsOf: (item) => (item === 'blocker' ? 60 : 1) });
    track(dispatcher.submit('blocker', 60), clock);
    await clock.advance(1);
    const old = track(dispatcher.submit('old', 1), clock);
    await clock.advance(49);
    for (let i = 0; i < 20; i += 1) track(dispatcher.submit(`y${i}`, 1), clock);
    await clock.advance(200);
    expect(old.value).toBe('out:old');
    expect(sheds).toEqual([]);
    expect(model.batches[1]!.items.length).toBe(16);
  });
});
