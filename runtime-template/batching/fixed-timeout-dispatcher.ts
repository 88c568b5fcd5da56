/**
 * Fixed-timeout batching, TF-Serving style (`batch.policy: fixed_timeout`), kept as a baseline for the
 * benchmark and for users who want TF Serving's behaviour. Items queue FIFO; the batch at the head of the
 * queue goes out, when a worker is free, once it is full or `timeoutMs` after its first item arrived.
 * While every worker is busy the head batch keeps growing up to `maxBatchSize`. It knows nothing of the
 * model's cost or of `max_latency_ms`: the only overload guard is a bounded queue (TF Serving's
 * `max_enqueued_batches`), past which new items are shed.
 */
import { createSystemClock, type Clock } from './clock.js';
import { DispatchError, type CancelSignal, type Dispatcher, type ExecuteBatch } from './dispatcher.js';
import { createDrainLatch } from './drain-latch.js';
import { createWakeTimer } from './wake-timer.js';
import { createBatchRunner } from './batch-runner.js';
import { collectBatch } from './collect-batch.js';
import { refuseAtSubmit } from './submit-guard.js';
import { createRequestQueue, type PendingItem } from './request-queue.js';

export type FixedReleaseReason = 'full' | 'timeout' | 'drain';

export interface FixedBatchEvent {
  rows: number;
  items: number;
  reason: FixedReleaseReason;
  /** How long the oldest item of the batch waited in the queue (ms). */
  queueWaitMs: number;
  actualMs: number;
  ok: boolean;
}

export interface FixedTimeoutHooks {
  onBatch?(event: FixedBatchEvent): void;
  onShed?(event: { rows: number }): void;
}

export interface FixedTimeoutDispatcherOptions<TIn, TOut> {
  execute: ExecuteBatch<TIn, TOut>;
  /** Batches in flight at once: the number of model workers. */
  concurrency: number;
  /** Rows per batch, never exceeded; an item with more rows is refused with `too_large`. */
  maxBatchSize: number;
  /** How long a batch waits for more items after its first one arrived (ms). */
  timeoutMs: number;
  /** Queue bound, in full batches of rows; a new item past it is shed. @default 10, as TF Serving */
  maxEnqueuedBatches?: number;
  /** @default the system clock */
  clock?: Clock;
  hooks?: FixedTimeoutHooks;
  /** An item's batch key: only items with equal keys share a batch (collect-batch.ts). @default one key for all */
  keyOf?: (item: TIn) => string;
}

export function createFixedTimeoutDispatcher<TIn, TOut>(
  options: FixedTimeoutDispatcherOptions<TIn, TOut>,
): Dispatcher<TIn, TOut> {
  const { execute, concurrency, maxBatchSize, timeoutMs, hooks = {} } = options;
  for (const [name, value] of [['concurrency', concurrency], ['maxBatchSize', maxBatchSize]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer ≥ 1, got ${value}`);
  }
  if (!(timeoutMs >= 0)) throw new RangeError(`timeoutMs must be ≥ 0, got ${timeoutMs}`);
  const maxQueuedRows = (options.maxEnqueuedBatches ?? 10) * maxBatchSize;
  const clock = options.clock ?? createSystemClock();
  const keyOf = options.keyOf ?? (() => '');
  const queue = createRequestQueue<PendingItem<TIn, TOut>>();
  const runner = createBatchRunner(execute, clock, () => pump());
  const drainLatch = createDrainLatch();
  const wake = createWakeTimer(clock, () => pump(), 0);

  const notify = (call: () => void): void => {
    try {
      call();
    } catch {
      // Metrics must never break serving.
    }
  };

  /** The head batch: the head and the items with its batch key, FIFO, up to the first one that does not fit. */
  function planBatch(head: PendingItem<TIn, TOut>): { entries: PendingItem<TIn, TOut>[]; rows: number; full: boolean } {
    const { entries, rows, overflow } = collectBatch(queue, head, maxBatchSize);
    return { entries, rows, full: overflow !== undefined || rows >= maxBatchSize };
  }

  function pump(): void {
    const now = clock.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    while (runner.running() < concurrency) {
      const head = queue.peek();
      if (!head) break;
      const plan = planBatch(head);
      const reason: FixedReleaseReason | undefined = drainLatch.draining
        ? 'drain'
        : plan.full
          ? 'full'
          : now >= head.arrivedAt + timeoutMs
            ? 'timeout'
            : undefined;
      if (!reason) {
        wakeAt = head.arrivedAt + timeoutMs;
        break;
      }
      dispatch(now, plan.entries, plan.rows, reason);
    }
    wake.wakeAt(now, wakeAt);
    drainLatch.settleIfIdle(queue.size() === 0 && runner.idle());
  }


  function dispatch(now: number, batch: PendingItem<TIn, TOut>[], rows: number, reason: FixedReleaseReason): void {
    for (const entry of batch) {
      queue.remove(entry);
      if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
    }
    const queueWaitMs = now - batch[0]!.arrivedAt;
    runner.run(batch, (ok, actualMs) => {
      notify(() => hooks.onBatch?.({ rows, items: batch.length, reason, queueWaitMs, actualMs, ok }));
      pump();
    });
  }

  function submit(item: TIn, rows: number, signal?: CancelSignal): Promise<TOut> {
    const refusal = refuseAtSubmit(rows, maxBatchSize, drainLatch.draining, signal);
    if (refusal) return Promise.reject(refusal);
    if (queue.rows() + rows > maxQueuedRows) {
      notify(() => hooks.onShed?.({ rows }));
      return Promise.reject(new DispatchError('shed', 'the batch queue is full', 1));
    }
    return new Promise<TOut>((resolve, reject) => {
      const entry: PendingItem<TIn, TOut> = { item, rows, key: keyOf(item), arrivedAt: clock.now(), resolve, reject, signal, queued: false };
      if (signal) {
        entry.onAbort = () => {
          if (!entry.queued) return; // already sent: answered normally, the caller drops the result
          queue.remove(entry);
          reject(new DispatchError('aborted', 'request aborted while queued'));
          pump();
        };
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      queue.push(entry);
      pump();
    });
  }

  function drain(): Promise<void> {
    return drainLatch.start(pump);
  }

  return { submit, drain };
}
