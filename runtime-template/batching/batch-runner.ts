/**
 * What the queueing dispatchers (CORK, fixed-timeout) share once a batch is formed: running it on a worker slot,
 * handing out its results (in slices, scatter.ts) or failing only its own items, and knowing when nothing is
 * left in flight, for drain.
 */
import type { Clock } from './clock.js';
import type { ExecuteBatch } from './dispatcher.js';
import type { PendingItem } from './request-queue.js';
import { runBatch } from './run-batch.js';
import { scatterResults } from './scatter.js';

export interface BatchRunner<TIn, TOut> {
  /** Batches running on a worker now (the outbound semaphore's count). */
  running(): number;
  /**
   * Runs `batch` and answers every entry; then `finished(ok, actualMs)` runs once the model call is over (the
   * results may still be going out slice by slice).
   */
  run(batch: PendingItem<TIn, TOut>[], finished: (ok: boolean, actualMs: number) => void): void;
  /** Nothing running and no results still being handed out. */
  idle(): boolean;
}

export function createBatchRunner<TIn, TOut>(
  execute: ExecuteBatch<TIn, TOut>,
  clock: Clock,
  /** Called when the last slice of a batch's results has gone out, so a drain can settle. */
  onScattered: () => void,
): BatchRunner<TIn, TOut> {
  let running = 0;
  let scattering = 0;
  return {
    running: () => running,
    idle: () => running === 0 && scattering === 0,
    run(batch, finished) {
      running += 1;
      const startedAt = clock.now();
      void runBatch(execute, batch.map((entry) => entry.item)).then((outcome) => {
        running -= 1;
        const actualMs = clock.now() - startedAt;
        if (outcome.ok) {
          scattering += 1;
          void scatterResults(batch, outcome.results, clock.defer).then(() => {
            scattering -= 1;
            onScattered();
          });
        } else {
          for (const entry of batch) entry.reject(outcome.error);
        }
        finished(outcome.ok, actualMs);
      });
    },
  };
}
