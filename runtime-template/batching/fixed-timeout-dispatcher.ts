/**
 * Fixed-timeout batching, TF-Serving style (`batch.policy: fixed_timeout`), kept as a baseline for the
 * benchmark and for users who want TF Serving's behaviour. Items queue FIFO; the batch at the head of the
 * queue goes out, when a worker is free, once it is full or `timeoutMs` after its first item arrived.
 * While every worker is busy the head batch keeps growing up to `maxBatchSize`. It knows nothing of the
 * model's cost or of `max_latency_ms`: the only overload guard is a bounded queue (TF Serving's
 * `max_enqueued_batches`), past which new items are shed.
 */
import { createSystemClock, type Clock } from './clock.js';
import { DispatchError, type Dispatcher, type ExecuteBatch } from './dispatcher.js';
import { createDrainLatch } from './drain-latch.js';
import { createWakeTimer } from './wake-timer.js';
import { scatterResults } from './scatter.js';
import { refuseAtSubmit } from './submit-guard.js';
import { createRequestQueue, type PendingItem } from './request-queue.js';
import { runBatch } from './run-batch.js';

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
  const queue = createRequestQueue<PendingItem<TIn, TOut>>();
  let inFlight = 0;
  let scattering = 0; // batches whose results are still being handed out
  const drainLatch = createDrainLatch();
  const wake = createWakeTimer(clock, () => pump(), 0);

  const notify = (call: () => void): void => {
    try {
      call();
    } catch {
      // Metrics must never break serving.
    }
  };

  /** Items and rows of the head batch: FIFO, up to the first item that does not fit. */
  function planBatch(): { count: number; rows: number; full: boolean } {
    let count = 0;
    let rows = 0;
    for (const entry of queue) {
      if (rows + entry.rows > maxBatchSize) return { count, rows, full: true };
      count += 1;
      rows += entry.rows;
    }
    return { count, rows, full: rows >= maxBatchSize };
  }

  function pump(): void {
    const now = clock.now();
    let wakeAt = Number.POSITIVE_INFINITY;
    while (inFlight < concurrency) {
      const head = queue.peek();
      if (!head) break;
      const plan = planBatch();
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
      dispatch(now, plan.count, plan.rows, reason);
    }
    wake.wakeAt(now, wakeAt);
    drainLatch.settleIfIdle(inFlight === 0 && queue.size() === 0 && scattering === 0);
  }


  function dispatch(now: number, count: number, rows: number, reason: FixedReleaseReason): void {
    const batch: PendingItem<TIn, TOut>[] = [];
    for (let i = 0; i < count; i += 1) {
      const entry = queue.shift()!;
      if (entry.onAbort) entry.signal?.removeEventListener('abort', entry.onAbort);
      batch.push(entry);
    }
    inFlight += 1;
    const queueWaitMs = now - batch[0]!.arrivedAt;
    void runBatch(execute, batch.map((entry) => entry.item)).then((outcome) => {
      inFlight -= 1;
      if (outcome.ok) {
        scattering += 1;
        void scatterResults(batch, outcome.results as TOut[], clock.defer).then(() => {
          scattering -= 1;
          pump();
        });
      } else for (const entry of batch) entry.reject(outcome.error);
      const actualMs = clock.now() - now;
      notify(() => hooks.onBatch?.({ rows, items: batch.length, reason, queueWaitMs, actualMs, ok: outcome.ok }));
      pump();
    });
  }

  function submit(item: TIn, rows: number, signal?: AbortSignal): Promise<TOut> {
    const refusal = refuseAtSubmit(rows, maxBatchSize, drainLatch.draining, signal);
    if (refusal) return Promise.reject(refusal);
    if (queue.rows() + rows > maxQueuedRows) {
      notify(() => hooks.onShed?.({ rows }));
      return Promise.reject(new DispatchError('shed', 'the batch queue is full', 1));
    }
    return new Promise<TOut>((resolve, reject) => {
      const entry: PendingItem<TIn, TOut> = { item, rows, arrivedAt: clock.now(), resolve, reject, signal, queued: false };
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
