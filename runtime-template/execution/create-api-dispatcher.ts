/**
 * Picks each API's dispatcher: CORK micro-batching when `batch.enabled` (or the fixed-timeout baseline with
 * `batch.policy: fixed_timeout`), else the direct dispatcher (every request its own call). All take the same
 * `execute`, so the route never knows which one it talks to.
 */
import { createCorkDispatcher } from '../batching/cork-dispatcher.js';
import { createDirectDispatcher } from '../batching/direct-dispatcher.js';
import { createFixedTimeoutDispatcher } from '../batching/fixed-timeout-dispatcher.js';
import type { Dispatcher, ExecuteBatch } from '../batching/dispatcher.js';
import type { ApiSpec } from '../contract.js';
import type { BatchObserver } from '../metrics/create-metrics.js';

export interface ApiDispatcherOptions<TIn> {
  /** Outbound calls at once: the number of model workers (the outbound semaphore). */
  concurrency: number;
  observer: BatchObserver;
  /** The item's batch key (model APIs); items with different keys never share a batch. */
  keyOf?: (item: TIn) => string;
}

export type CreateDispatcher = <TIn, TOut>(
  api: ApiSpec,
  execute: ExecuteBatch<TIn, TOut>,
  options: ApiDispatcherOptions<TIn>,
) => Dispatcher<TIn, TOut>;

export const createApiDispatcher: CreateDispatcher = (api, execute, { concurrency, observer, keyOf }) => {
  if (api.batch.enabled && api.batch.policy === 'fixed_timeout') {
    return createFixedTimeoutDispatcher({
      execute,
      concurrency,
      maxBatchSize: api.batch.maxBatchSize,
      timeoutMs: api.batch.timeoutMs ?? 5,
      keyOf,
      hooks: {
        onBatch(event) {
          observer.observeBatch(event.rows, event.reason);
          observer.observeQueueWait(event.queueWaitMs / 1000);
        },
        onShed: () => observer.observeShed(),
      },
    });
  }
  if (api.batch.enabled) {
    let lastRows = 1;
    return createCorkDispatcher({
      execute,
      concurrency,
      maxBatchSize: api.batch.maxBatchSize,
      maxLatencyMs: api.batch.maxLatencyMs,
      keyOf,
      hooks: {
        onBatch(event) {
          lastRows = event.rows;
          observer.observeBatch(event.rows, event.reason);
          observer.observeQueueWait(event.queueWaitMs / 1000);
        },
        onShed: () => observer.observeShed(),
        // Reported for the latest batch size: a full-batch estimate would mislead when batches stay small.
        onEstimate: (estimate) => observer.setEstimatedBatchTime((estimate.a * lastRows + estimate.b) / 1000),
      },
    });
  }
  return createDirectDispatcher({ concurrency, execute, onBatch: (rows) => observer.observeBatch(rows, 'direct') });
};
