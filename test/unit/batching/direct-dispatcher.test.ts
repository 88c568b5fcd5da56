import { describe, expect, it } from 'vitest';
import { createDirectDispatcher, DispatchError } from '../../../runtime-template/batching/index.js';
import { settle } from './fake-time.js';

interface Call {
  items: string[];
  finish(results?: string[]): void;
  fail(error: Error): void;
}

function createManualModel(): { execute(items: string[]): Promise<string[]>; calls: Call[]; running(): number } {
  const calls: Call[] = [];
  let running = 0;
  return {
    calls,
    running: () => running,
    execute(items) {
      running += 1;
      return new Promise((resolve, reject) => {
        calls.push({
          items,
          finish: (results) => {
            running -= 1;
            resolve(results ?? items.map((item) => `out:${item}`));
          },
          fail: (error) => {
            running -= 1;
            reject(error);
          },
        });
      });
    },
  };
}

describe('direct dispatcher', () => {
  it('runs every item alone, at most `concurrency` at once, starting waiters in FIFO order', async () => {
    const model = createManualModel();
    const dispatcher = createDirectDispatcher({ execute: model.execute, concurrency: 2 });
    const results = ['a', 'b', 'c', 'd', 'e'].map((name) => dispatcher.submit(name, 1));
    await settle();
    expect(model.calls.map((call) => call.items)).toEqual([['a'], ['b']]);
    model.calls[1]!.finish();
    await settle();
    expect(model.calls.map((call) => call.items)).toEqual([['a'], ['b'], ['c']]);
    expect(model.running()).toBe(2);
    for (let i = 0; i < 5; i += 1) {
      model.calls[i]?.finish();
      await settle();
      expect(model.running()).toBeLessThanOrEqual(2);
    }
    await expect(Promise.all(results)).resolves.toEqual(['out:a', 'out:b', 'out:c', 'out:d', 'out:e']);
  });

  it('fails only the failing item, and a wrong result count, and keeps going', async () => {
    const model = createManualModel();
    const dispatcher = createDirectDispatcher({ execute: model.execute, concurrency: 1 });
    // Assertions attach at once: the rejections come before the test awaits them.
    const bad = expect(dispatcher.submit('bad', 1)).rejects.toThrow('boom');
    const short = expect(dispatcher.submit('short', 1)).rejects.toThrow(/0 results for a batch of 1/);
    const good = expect(dispatcher.submit('good', 1)).resolves.toBe('out:good');
    await settle();
    model.calls[0]!.fail(new Error('boom'));
    await settle();
    model.calls[1]!.finish([]);
    await settle();
    model.calls[2]!.finish();
    await Promise.all([bad, short, good]);
  });

  it('drops an item aborted while waiting for a worker', async () => {
    const model = createManualModel();
    const dispatcher = createDirectDispatcher({ execute: model.execute, concurrency: 1 });
    const first = dispatcher.submit('first', 1);
    const controller = new AbortController();
    const waiting = dispatcher.submit('waiting', 1, controller.signal);
    controller.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'aborted' });
    await settle();
    model.calls[0]!.finish();
    await expect(first).resolves.toBe('out:first');
    await settle();
    expect(model.calls.map((call) => call.items)).toEqual([['first']]);
  });

  it('drains: refuses new items and resolves once waiting and running items are answered', async () => {
    const model = createManualModel();
    const dispatcher = createDirectDispatcher({ execute: model.execute, concurrency: 1 });
    const items = [dispatcher.submit('a', 1), dispatcher.submit('b', 1)];
    let drained = false;
    const draining = dispatcher.drain().then(() => {
      drained = true;
    });
    await expect(dispatcher.submit('late', 1)).rejects.toBeInstanceOf(DispatchError);
    await settle();
    model.calls[0]!.finish();
    await settle();
    expect(drained).toBe(false);
    model.calls[1]!.finish();
    await draining;
    await expect(Promise.all(items)).resolves.toEqual(['out:a', 'out:b']);
  });
});
