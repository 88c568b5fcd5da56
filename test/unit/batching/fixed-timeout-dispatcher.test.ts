import { describe, expect, it } from 'vitest';
import {
  createFixedTimeoutDispatcher,
  DispatchError,
  type FixedBatchEvent,
  type FixedTimeoutDispatcherOptions,
} from '../../../runtime-template/batching/index.js';
import { codeOf } from './cork-setup.js';
import { createFakeClock, createFakeModel, track, type FakeModelOptions } from './fake-time.js';

function setUp(
  cost: { a: number; b: number },
  options: Partial<FixedTimeoutDispatcherOptions<string, string>> & FakeModelOptions<string> = {},
) {
  const clock = createFakeClock();
  const model = createFakeModel<string>(clock, cost, options);
  const batches: FixedBatchEvent[] = [];
  let shed = 0;
  const dispatcher = createFixedTimeoutDispatcher<string, string>({
    execute: (items) => model.execute(items),
    concurrency: 1,
    maxBatchSize: 8,
    timeoutMs: 5,
    clock,
    hooks: { onBatch: (event) => batches.push(event), onShed: () => (shed += 1) },
    ...options,
  });
  return { clock, model, batches, dispatcher, sheds: () => shed };
}


describe('fixed-timeout dispatcher', () => {
  it('holds a lone request for the whole timeout, even on an idle worker', async () => {
    const { clock, model, batches, dispatcher } = setUp({ a: 0, b: 1 });
    const outcome = track(dispatcher.submit('x', 1), clock);
    await clock.advance(4.9);
    expect(model.batches).toEqual([]);
    await clock.advance(0.1);
    expect(model.batches).toEqual([{ items: ['x'], startedAt: 5 }]);
    await clock.advance(1);
    expect(outcome).toEqual({ value: 'out:x', at: 6 });
    expect(batches[0]).toMatchObject({ rows: 1, reason: 'timeout', queueWaitMs: 5 });
  });

  it('collects items that arrive within the timeout of the first one into its batch', async () => {
    const { clock, model, dispatcher } = setUp({ a: 0, b: 1 });
    track(dispatcher.submit('a', 1), clock);
    await clock.advance(2);
    track(dispatcher.submit('b', 1), clock);
    await clock.advance(2.5);
    track(dispatcher.submit('c', 1), clock);
    await clock.advance(1); // t = 5.5: the batch left at 5, the timeout of its first item
    track(dispatcher.submit('d', 1), clock);
    await clock.advance(20);
    expect(model.batches).toEqual([
      { items: ['a', 'b', 'c'], startedAt: 5 },
      { items: ['d'], startedAt: 10.5 },
    ]);
  });

  it('sends a full batch at once, and keeps FIFO order: an item that does not fit waits for the next', async () => {
    const rows: Record<string, number> = { a: 3, b: 4, c: 2, d: 1 };
    const { clock, model, batches, dispatcher } = setUp({ a: 0, b: 1 }, { rowsOf: (item) => rows[item]! });
    const outcomes = ['a', 'b', 'c', 'd'].map((name) => track(dispatcher.submit(name, rows[name]!), clock));
    await clock.advance(0);
    expect(model.batches).toEqual([{ items: ['a', 'b'], startedAt: 0 }]);
    await clock.advance(10);
    expect(model.batches[1]).toEqual({ items: ['c', 'd'], startedAt: 5 });
    expect(batches.map((batch) => batch.reason)).toEqual(['full', 'timeout']);
    expect(outcomes.map((outcome) => outcome.value)).toEqual(['out:a', 'out:b', 'out:c', 'out:d']);
  });

  it('waits for a free worker past the timeout, and lets the batch grow meanwhile up to max_batch_size', async () => {
    const { clock, model, dispatcher } = setUp({ a: 0, b: 20 }, { maxBatchSize: 4 });
    track(dispatcher.submit('first', 1), clock);
    await clock.advance(5); // first batch runs from 5 to 25
    for (let i = 0; i < 6; i += 1) {
      track(dispatcher.submit(`q${i}`, 1), clock);
      await clock.advance(1);
    }
    await clock.advance(100);
    expect(model.batches.map((batch) => [batch.items.length, batch.startedAt])).toEqual([
      [1, 5],
      [4, 25], // full when the worker freed
      [2, 45],
    ]);
    expect(model.maxRunning()).toBe(1);
  });

  it('rejects an item with more rows than max_batch_size', async () => {
    const { clock, model, dispatcher } = setUp({ a: 0, b: 1 });
    const outcome = track(dispatcher.submit('big', 9), clock);
    await clock.advance(10);
    expect(codeOf(outcome)).toBe('too_large');
    expect(model.batches).toEqual([]);
  });

  it('sheds new items once the queue holds max_enqueued_batches full batches', async () => {
    const { clock, dispatcher, sheds } = setUp({ a: 0, b: 100 }, { maxBatchSize: 2, maxEnqueuedBatches: 2 });
    const outcomes = Array.from({ length: 6 }, (_, i) => track(dispatcher.submit(`r${i}`, 1), clock));
    await clock.advance(0); // r0 and r1 go out as a full batch; r2..r5 fill the queue's 4 rows
    const late = track(dispatcher.submit('late', 1), clock);
    await clock.advance(0);
    expect(codeOf(late)).toBe('shed');
    expect((late.error as DispatchError).retryAfterSeconds).toBe(1);
    expect(sheds()).toBe(1);
    await clock.advance(1000);
    expect(outcomes.map((outcome) => outcome.value)).toEqual(['out:r0', 'out:r1', 'out:r2', 'out:r3', 'out:r4', 'out:r5']);
  });

  it('fails only the failing batch and keeps going', async () => {
    const { clock, dispatcher } = setUp({ a: 0, b: 1 }, { fail: (items) => items.includes('bad') });
    const bad = track(dispatcher.submit('bad', 1), clock);
    await clock.advance(10);
    const good = track(dispatcher.submit('good', 1), clock);
    await clock.advance(10);
    expect((bad.error as Error).message).toBe('model failed');
    expect(good.value).toBe('out:good');
  });

  it('drops an aborted item from the queue without sending it', async () => {
    const { clock, model, dispatcher } = setUp({ a: 0, b: 1 });
    const controller = new AbortController();
    const gone = track(dispatcher.submit('gone', 1, controller.signal), clock);
    const kept = track(dispatcher.submit('kept', 1), clock);
    await clock.advance(1);
    controller.abort();
    await clock.advance(10);
    expect(codeOf(gone)).toBe('aborted');
    expect(kept.value).toBe('out:kept');
    expect(model.batches.map((batch) => batch.items)).toEqual([['kept']]);
  });

  it('drains: sends what is queued without waiting for the timeout, refuses new items, then resolves', async () => {
    const { clock, model, dispatcher } = setUp({ a: 0, b: 3 }, { timeoutMs: 50, concurrency: 2 });
    const outcomes = ['a', 'b'].map((name) => track(dispatcher.submit(name, 1), clock));
    await clock.advance(1);
    let drained = false;
    void dispatcher.drain().then(() => (drained = true));
    const refused = track(dispatcher.submit('late', 1), clock);
    await clock.advance(0);
    expect(model.batches).toEqual([{ items: ['a', 'b'], startedAt: 1 }]);
    expect(drained).toBe(false);
    await clock.advance(3);
    expect(drained).toBe(true);
    expect(outcomes.map((outcome) => outcome.value)).toEqual(['out:a', 'out:b']);
    expect(codeOf(refused)).toBe('draining');
  });
});
