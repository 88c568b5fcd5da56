import { describe, expect, it } from 'vitest';
import { createCorkDispatcher, type BatchEvent } from '../../../runtime-template/batching/index.js';
import { codeOf, setUp } from './cork-setup.js';
import { createFakeClock, createFakeModel, createRandom, track, type Outcome } from './fake-time.js';

describe('CORK dispatcher: release', () => {
  it('sends a lone request at once, with nothing learned yet', async () => {
    const clock = createFakeClock();
    const model = createFakeModel<string>(clock, { a: 1, b: 5 });
    const dispatcher = createCorkDispatcher<string, string>({
      execute: (items) => model.execute(items),
      concurrency: 1,
      maxBatchSize: 32,
      maxLatencyMs: 1000,
      clock,
    });
    const outcome = track(dispatcher.submit('x', 1), clock);
    expect(model.batches).toEqual([{ items: ['x'], startedAt: 0 }]);
    await clock.advance(6);
    expect(outcome).toEqual({ value: 'out:x', at: 6 });
  });

  it('sends each request at once at low load, even though the model has a large per-batch overhead', async () => {
    const { clock, model, batches, dispatcher } = setUp({ a: 0.1, b: 20 }, { concurrency: 2 });
    for (let i = 0; i < 20; i += 1) {
      track(dispatcher.submit(`r${i}`, 1), clock);
      await clock.advance(200); // one request every 200 ms: far apart next to b = 20 ms
    }
    expect(model.batches.map((batch) => batch.items.length)).toEqual(Array(20).fill(1));
    expect(model.batches.map((batch) => batch.startedAt)).toEqual(Array.from({ length: 20 }, (_, i) => i * 200));
    expect(batches.every((batch) => batch.queueWaitMs === 0 && batch.reason === 'idle')).toBe(true);
  });

  it('lets the queue grow into one batch while the only worker is busy', async () => {
    const { clock, model, dispatcher } = setUp({ a: 0.1, b: 10 });
    const outcomes = [track(dispatcher.submit('first', 1), clock)];
    for (let i = 0; i < 20; i += 1) {
      await clock.advance(0.25);
      outcomes.push(track(dispatcher.submit(`q${i}`, 1), clock));
    }
    expect(model.batches).toHaveLength(1);
    await clock.advance(100);
    expect(model.batches.map((batch) => batch.items.length)).toEqual([1, 20]);
    expect(outcomes.map((outcome) => outcome.value)).toEqual([
      'out:first',
      ...Array.from({ length: 20 }, (_, i) => `out:q${i}`),
    ]);
  });

  it('grows batches with the arrival rate and keeps up with it', async () => {
    async function runAt(gapMs: number): Promise<{ meanBatch: number; served: number; worstMs: number }> {
      const { clock, model, dispatcher } = setUp({ a: 0.05, b: 5 }, { maxBatchSize: 200, maxLatencyMs: 200 });
      const outcomes: { sentAt: number; outcome: Outcome<string> }[] = [];
      for (let t = 0; t < 1000; t += gapMs) {
        outcomes.push({ sentAt: clock.now(), outcome: track(dispatcher.submit(`r${t}`, 1), clock) });
        await clock.advance(gapMs);
      }
      await clock.advance(500);
      const served = outcomes.filter(({ outcome }) => outcome.value !== undefined);
      return {
        meanBatch: outcomes.length / model.batches.length,
        served: served.length / outcomes.length,
        worstMs: Math.max(...served.map(({ sentAt, outcome }) => outcome.at! - sentAt)),
      };
    }
    const light = await runAt(50);
    const heavy = await runAt(0.2); // 5 rows/ms: batches of 1 (5.05 ms each) could carry only 0.2 rows/ms
    expect(light.meanBatch).toBe(1);
    expect(heavy.meanBatch).toBeGreaterThan(20);
    expect(heavy.served).toBe(1);
    expect(heavy.worstMs).toBeLessThanOrEqual(200);
  });

  it('releases on the latency rule when the oldest item would otherwise be late', async () => {
    // Two workers, b = 20 ms: a second request 1 ms after the first is worth holding for a companion.
    async function secondBatch(maxLatencyMs: number): Promise<BatchEvent> {
      const { clock, batches, dispatcher } = setUp({ a: 0, b: 20 }, { concurrency: 2, maxLatencyMs });
      track(dispatcher.submit('a', 1), clock);
      await clock.advance(1);
      track(dispatcher.submit('b', 1), clock);
      await clock.advance(200);
      return batches[1]!;
    }
    const tight = await secondBatch(30);
    // Released when 'b' had waited 30 - 20 (estimate) - 4 (2 ms timer slack + 10% of 20 ms) = 6 ms.
    expect(tight).toMatchObject({ reason: 'latency', items: 1, queueWaitMs: 6 });
    const loose = await secondBatch(1000);
    expect(loose.reason).toBe('idle');
    expect(loose.queueWaitMs).toBeGreaterThan(6);
  });

  it('releases a full batch without waiting and never splits or reorders items', async () => {
    const { clock, model, batches, dispatcher } = setUp({ a: 0, b: 20 }, { concurrency: 2, maxBatchSize: 4 });
    track(dispatcher.submit('a', 1), clock);
    await clock.advance(0.1);
    for (const name of ['b', 'c', 'd', 'e']) {
      track(dispatcher.submit(name, 1), clock);
      await clock.advance(0.1);
    }
    expect(model.batches.map((batch) => batch.items)).toEqual([['a'], ['b', 'c', 'd', 'e']]);
    await clock.advance(50);
    expect(batches.map((batch) => batch.reason)).toEqual(['idle', 'full']);
  });

  it('never exceeds max_batch_size, answers every item with its own result, and never late', async () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const random = createRandom(seed);
      const maxBatchSize = 16;
      const maxLatencyMs = 60;
      const concurrency = 1 + Math.floor(random() * 3);
      const clock = createFakeClock();
      const rowsByItem = new Map<string, number>();
      const model = createFakeModel<string>(clock, { a: 0.5, b: 4 }, { rowsOf: (item) => rowsByItem.get(item)! });
      const dispatcher = createCorkDispatcher<string, string>({
        execute: (items) => model.execute(items),
        concurrency,
        maxBatchSize,
        maxLatencyMs,
        clock,
      });
      const submitted: { name: string; sentAt: number; outcome: Outcome<string> }[] = [];
      for (let i = 0; i < 600; i += 1) {
        const name = `s${seed}-${i}`;
        const rows = 1 + Math.floor(random() ** 3 * maxBatchSize); // mostly small, sometimes a whole batch
        rowsByItem.set(name, rows);
        submitted.push({ name, sentAt: clock.now(), outcome: track(dispatcher.submit(name, rows), clock) });
        await clock.advance(random() < 0.1 ? random() * 30 : random() * 2); // bursts and lulls
      }
      let drained = false;
      void dispatcher.drain().then(() => {
        drained = true;
      });
      await clock.advance(1000);
      expect(drained).toBe(true);
      for (const batch of model.batches) {
        expect(batch.items.reduce((sum, item) => sum + rowsByItem.get(item)!, 0)).toBeLessThanOrEqual(maxBatchSize);
      }
      expect(model.maxRunning()).toBeLessThanOrEqual(concurrency);
      const sent = model.batches.flatMap((batch) => batch.items);
      expect(new Set(sent).size).toBe(sent.length); // each item in at most one batch
      for (const { name, sentAt, outcome } of submitted) {
        if (outcome.value !== undefined) {
          expect(outcome.value).toBe(`out:${name}`);
          expect(outcome.at! - sentAt).toBeLessThanOrEqual(maxLatencyMs);
        } else {
          expect(codeOf(outcome)).toBe('shed');
          expect(sent).not.toContain(name);
        }
      }
      expect(submitted.filter(({ outcome }) => outcome.value !== undefined).length).toBeGreaterThan(300);
    }
  });

  it('rejects an item with more rows than max_batch_size, without running anything', async () => {
    const { clock, model, dispatcher } = setUp({ a: 0, b: 1 }, { maxBatchSize: 8 });
    const outcome = track(dispatcher.submit('big', 9), clock);
    const fits = track(dispatcher.submit('fits', 8), clock);
    await clock.advance(10);
    expect(codeOf(outcome)).toBe('too_large');
    expect(fits.value).toBe('out:fits');
    expect(model.batches.map((batch) => batch.items)).toEqual([['fits']]);
  });

  it('keeps the FIFO order: an item that does not fit the room left waits for the next batch', async () => {
    const rows: Record<string, number> = { busy: 1, a: 3, b: 3, c: 1 };
    const clock = createFakeClock();
    const model = createFakeModel<string>(clock, { a: 0, b: 10 }, { rowsOf: (item) => rows[item]! });
    const dispatcher = createCorkDispatcher<string, string>({
      execute: (items) => model.execute(items),
      concurrency: 1,
      maxBatchSize: 4,
      maxLatencyMs: 1000,
      clock,
    });
    for (const name of ['busy', 'a', 'b', 'c']) track(dispatcher.submit(name, rows[name]!), clock);
    await clock.advance(100);
    expect(model.batches.map((batch) => batch.items)).toEqual([['busy'], ['a'], ['b', 'c']]);
  });
});

describe('CORK dispatcher: learning', () => {
  it('learns the batch cost online from the batches it sends, and reports each estimate', async () => {
    const clock = createFakeClock();
    const random = createRandom(3);
    const model = createFakeModel<string>(clock, { a: 0.2, b: 3 });
    const estimates: { a: number; b: number }[] = [];
    const batches: BatchEvent[] = [];
    const dispatcher = createCorkDispatcher<string, string>({
      execute: (items) => model.execute(items),
      concurrency: 1,
      maxBatchSize: 64,
      maxLatencyMs: 500,
      clock,
      hooks: { onEstimate: (estimate) => estimates.push(estimate), onBatch: (event) => batches.push(event) },
    });
    for (let i = 0; i < 1500; i += 1) {
      track(dispatcher.submit(`r${i}`, 1), clock);
      await clock.advance(random() * (i % 500 < 250 ? 0.4 : 20)); // alternate busy and quiet spells
    }
    await clock.advance(100);
    expect(estimates).toHaveLength(model.batches.length);
    expect(estimates.at(-1)!.a).toBeCloseTo(0.2, 6);
    expect(estimates.at(-1)!.b).toBeCloseTo(3, 6);
    const last = batches.at(-1)!;
    expect(last.estimatedMs).toBeCloseTo(last.actualMs, 6);
  });
});

describe('CORK dispatcher: failures, aborts and drain', () => {
  it('fails only the items of a failing batch and keeps serving', async () => {
    const { clock, batches, dispatcher } = setUp(
      { a: 0, b: 10 },
      { fail: (items) => items.includes('bad') },
    );
    const first = track(dispatcher.submit('first', 1), clock);
    const bad = track(dispatcher.submit('bad', 1), clock);
    const neighbour = track(dispatcher.submit('neighbour', 1), clock);
    await clock.advance(15);
    const after = track(dispatcher.submit('after', 1), clock);
    await clock.advance(50);
    expect(first.value).toBe('out:first');
    expect((bad.error as Error).message).toBe('model failed');
    expect((neighbour.error as Error).message).toBe('model failed');
    expect(after.value).toBe('out:after');
    expect(batches.map((batch) => batch.ok)).toEqual([true, false, true]);
  });

  it('fails a batch whose execute returns the wrong number of results, or throws synchronously', async () => {
    const clock = createFakeClock();
    let call = 0;
    const dispatcher = createCorkDispatcher<string, string>({
      // Not async: the second call throws before any promise exists.
      execute: (items) => {
        call += 1;
        if (call === 1) return Promise.resolve(items.slice(1));
        if (call === 2) throw new Error('sync failure');
        return Promise.resolve(items.map((item) => `ok:${item}`));
      },
      concurrency: 1,
      maxBatchSize: 10,
      maxLatencyMs: 1000,
      clock,
    });
    const short = track(dispatcher.submit('a', 1), clock);
    await clock.advance(1);
    const thrown = track(dispatcher.submit('b', 1), clock);
    await clock.advance(1);
    const fine = track(dispatcher.submit('c', 1), clock);
    await clock.advance(1);
    expect((short.error as Error).message).toMatch(/0 results for a batch of 1/);
    expect((thrown.error as Error).message).toBe('sync failure');
    expect(fine.value).toBe('ok:c');
  });

  it('drops an item aborted while queued and answers one aborted after it was sent', async () => {
    const { clock, model, dispatcher } = setUp({ a: 0, b: 10 });
    const sentController = new AbortController();
    const queuedController = new AbortController();
    const sent = track(dispatcher.submit('sent', 1, sentController.signal), clock);
    const queued = track(dispatcher.submit('queued', 1, queuedController.signal), clock);
    const other = track(dispatcher.submit('other', 1), clock);
    sentController.abort();
    queuedController.abort();
    await clock.advance(1);
    expect(codeOf(queued)).toBe('aborted');
    await clock.advance(50);
    expect(sent.value).toBe('out:sent');
    expect(other.value).toBe('out:other');
    expect(model.batches.map((batch) => batch.items)).toEqual([['sent'], ['other']]);
    const already = track(dispatcher.submit('already', 1, AbortSignal.abort()), clock);
    await clock.advance(1);
    expect(codeOf(already)).toBe('aborted');
  });

  it('drains: refuses new items, sends everything queued at once, and waits for batches in flight', async () => {
    const { clock, model, batches, dispatcher } = setUp({ a: 0, b: 20 }, { concurrency: 2, maxBatchSize: 3 });
    const outcomes = ['a', 'b', 'c', 'd', 'e', 'f'].map((name) => track(dispatcher.submit(name, 1), clock));
    await clock.advance(1);
    let drained = false;
    void dispatcher.drain().then(() => {
      drained = true;
    });
    const refused = track(dispatcher.submit('late', 1), clock);
    await clock.advance(1);
    expect(codeOf(refused)).toBe('draining');
    expect(drained).toBe(false);
    await clock.advance(19);
    expect(drained).toBe(false);
    await clock.advance(30);
    expect(drained).toBe(true);
    expect(outcomes.map((outcome) => outcome.value)).toEqual(['a', 'b', 'c', 'd', 'e', 'f'].map((name) => `out:${name}`));
    expect(model.batches.map((batch) => batch.items)).toEqual([['a'], ['b', 'c', 'd'], ['e', 'f']]);
    expect(batches.map((batch) => batch.reason)).toEqual(['idle', 'full', 'drain']);
    expect(clock.pendingTimers()).toBe(0);
  });
});
