/**
 * No batching (`batch.enabled: false`): every item is its own batch, at most `concurrency` run at once,
 * and the rest wait for a worker in FIFO order.
 */
import { DispatchError, type CancelSignal, type Dispatcher, type ExecuteBatch } from './dispatcher.js';
import { createDrainLatch } from './drain-latch.js';
import { createRequestQueue, type QueueEntry } from './request-queue.js';
import { runBatch } from './run-batch.js';

export interface DirectDispatcherOptions<TIn, TOut> {
  execute: ExecuteBatch<TIn, TOut>;
  /** Items in flight at once: the number of model workers. */
  concurrency: number;
  /** Called as each item goes out, with the rows it carries (for the batch-size metric). */
  onBatch?(rows: number): void;
}

interface Waiting<TIn, TOut> extends QueueEntry {
  item: TIn;
  resolve(value: TOut): void;
  reject(reason: unknown): void;
  signal?: CancelSignal;
  onAbort?: () => void;
}

export function createDirectDispatcher<TIn, TOut>(options: DirectDispatcherOptions<TIn, TOut>): Dispatcher<TIn, TOut> {
  const { execute, concurrency, onBatch } = options;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(`concurrency must be an integer ≥ 1, got ${concurrency}`);
  }
  const queue = createRequestQueue<Waiting<TIn, TOut>>();
  let inFlight = 0;
  const drainLatch = createDrainLatch();

  function start(entry: Waiting<TIn, TOut>): void {
    inFlight += 1;
    try {
      onBatch?.(entry.rows);
    } catch {
      // Metrics must never break serving.
    }
    void runBatch(execute, [entry.item]).then((outcome) => {
      if (outcome.ok) entry.resolve(outcome.results[0] as TOut);
      else entry.reject(outcome.error);
      inFlight -= 1;
      startWaiting();
    });
  }

  function startWaiting(): void {
    while (inFlight < concurrency) {
      const entry = queue.shift();
      if (!entry) break;
      if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
      start(entry);
    }
    drainLatch.settleIfIdle(inFlight === 0 && queue.size() === 0);
  }

  return {
    submit(item, rows, signal) {
      if (drainLatch.draining) return Promise.reject(new DispatchError('draining', 'the server is shutting down'));
      if (signal?.aborted) return Promise.reject(new DispatchError('aborted', 'request aborted before it was queued'));
      return new Promise<TOut>((resolve, reject) => {
        const entry: Waiting<TIn, TOut> = { item, rows, key: '', resolve, reject, signal, queued: false };
        if (signal) {
          entry.onAbort = () => {
            if (!entry.queued) return;
            queue.remove(entry);
            reject(new DispatchError('aborted', 'request aborted while waiting for a worker'));
          };
          signal.addEventListener('abort', entry.onAbort, { once: true });
        }
        queue.push(entry);
        startWaiting();
      });
    },
    drain() {
      return drainLatch.start(startWaiting);
    },
  };
}
