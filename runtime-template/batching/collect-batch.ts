/**
 * Which queued items go out with the head (the oldest item): FIFO with skipping. Items whose batch key differs
 * from the head's are passed over and keep their place, so a batch never mixes shapes or side inputs, while the
 * oldest request always decides what goes next (no key can starve, and the latency bound stays the head's).
 * A queue per key would also isolate, but would need its own fairness rule between queues; skipping keeps the
 * single FIFO that the CORK rules and their tests reason about.
 */
import type { QueueEntry } from './request-queue.js';

/** Entries looked at past the head, at most: beyond this, items are far younger than the head anyway. */
export const MAX_SCAN = 4096;

export interface CollectedBatch<E> {
  entries: E[];
  rows: number;
  /** The first same-key entry that did not fit within `capRows`, if any. */
  overflow?: E;
}

export function collectBatch<E extends QueueEntry>(queue: Iterable<E>, head: E, capRows: number): CollectedBatch<E> {
  const entries: E[] = [];
  let rows = 0;
  let scanned = 0;
  for (const entry of queue) {
    if (scanned++ > MAX_SCAN) break;
    if (entry.key !== head.key) continue;
    if (rows + entry.rows > capRows) return { entries, rows, overflow: entry };
    entries.push(entry);
    rows += entry.rows;
  }
  return { entries, rows };
}
