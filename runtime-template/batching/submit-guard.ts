import { DispatchError, type CancelSignal } from './dispatcher.js';

/**
 * The refusals every batching dispatcher makes before queueing an item, in this order: bad row count (a bug
 * in the caller), draining, more rows than a batch may hold, already aborted. Undefined means "queue it".
 */
export function refuseAtSubmit(rows: number, maxBatchSize: number, draining: boolean, signal?: CancelSignal): Error | undefined {
  if (!(Number.isFinite(rows) && rows >= 0)) return new RangeError(`rows must be a finite number ≥ 0, got ${rows}`);
  if (draining) return new DispatchError('draining', 'the server is shutting down');
  // Refused, not split: splitting would need the API's own tensor slicing and would answer one request from
  // several batches; a client can split it better itself.
  if (rows > maxBatchSize) return new DispatchError('too_large', `request has ${rows} rows; this API accepts at most ${maxBatchSize} per request`);
  if (signal?.aborted) return new DispatchError('aborted', 'request aborted before it was queued');
  return undefined;
}
