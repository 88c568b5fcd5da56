/**
 * The dispatcher's FIFO: O(1) push and shift, O(1) removal from the middle (an aborted or shed item is
 * only marked and skipped later), and live counts of queued rows, in all and per batch key.
 */
import type { CancelSignal } from './dispatcher.js';

export interface QueueEntry {
  rows: number;
  /** Batch key: only entries with equal keys may share a batch ('' when all can). */
  key: string;
  /** True while the entry is in a queue; cleared when it leaves, however it leaves. */
  queued: boolean;
}

/** A submitted item waiting for its batch, with the promise callbacks that answer it. */
export interface PendingItem<TIn, TOut> extends QueueEntry {
  item: TIn;
  /** Clock time of submit (ms). */
  arrivedAt: number;
  resolve(value: TOut): void;
  reject(reason: unknown): void;
  signal?: CancelSignal;
  onAbort?: () => void;
}

export interface RequestQueue<E extends QueueEntry> extends Iterable<E> {
  push(entry: E): void;
  /** The oldest entry still queued. */
  peek(): E | undefined;
  shift(): E | undefined;
  remove(entry: E): void;
  /** Entries still queued. */
  size(): number;
  /** Rows of the entries still queued. */
  rows(): number;
  /** Rows of the entries still queued with this batch key. */
  rowsOfKey(key: string): number;
}

export function createRequestQueue<E extends QueueEntry>(): RequestQueue<E> {
  let slots: (E | undefined)[] = [];
  let head = 0;
  let size = 0;
  let rows = 0;
  const rowsByKey = new Map<string, number>();
  const count = (entry: E, sign: 1 | -1): void => {
    rows += sign * entry.rows;
    const left = (rowsByKey.get(entry.key) ?? 0) + sign * entry.rows;
    if (left === 0 && sign < 0) rowsByKey.delete(entry.key);
    else rowsByKey.set(entry.key, left);
  };

  const skipRemoved = (): void => {
    // Passed slots are cleared: an entry that left holds its request (tensors, reply, signal) until the GC sees it go.
    while (head < slots.length && !slots[head]?.queued) slots[head++] = undefined;
    // Reclaim the consumed prefix once it dominates, so memory follows the live queue.
    if (head > 1024 && head * 2 > slots.length) {
      slots = slots.slice(head);
      head = 0;
    }
  };

  return {
    push(entry) {
      entry.queued = true;
      slots.push(entry);
      size += 1;
      count(entry, 1);
    },
    peek() {
      skipRemoved();
      return slots[head];
    },
    shift() {
      skipRemoved();
      const entry = slots[head];
      if (entry === undefined) return undefined;
      slots[head] = undefined;
      head += 1;
      entry.queued = false;
      size -= 1;
      count(entry, -1);
      return entry;
    },
    remove(entry) {
      if (!entry.queued) return;
      entry.queued = false;
      size -= 1;
      count(entry, -1);
    },
    size: () => size,
    rows: () => rows,
    rowsOfKey: (key) => rowsByKey.get(key) ?? 0,
    *[Symbol.iterator]() {
      for (let i = head; i < slots.length; i += 1) {
        const entry = slots[i];
        if (entry?.queued) yield entry;
      }
    },
  };
}
