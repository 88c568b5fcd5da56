/**
 * Deterministic time for the dispatcher tests: a fake `Clock` whose timers run only when the test
 * advances it, and a fake model whose batches take exactly a·n + b fake milliseconds.
 */
import type { Clock, TimerHandle } from '../../../runtime-template/batching/clock.js';

export interface FakeClock extends Clock {
  /** Moves time forward by `ms`, running due timers in time order and letting promises settle between. */
  advance(ms: number): Promise<void>;
  pendingTimers(): number;
}

interface FakeTimer {
  at: number;
  fn: () => void;
}

/** Lets every queued promise callback run (each macrotask turn drains the microtask queue). */
export async function settle(): Promise<void> {
  for (let i = 0; i < 3; i += 1) await new Promise<void>((resolve) => setImmediate(resolve));
}

export function createFakeClock(start = 0): FakeClock {
  let now = start;
  let nextId = 0;
  const timers = new Map<number, FakeTimer>();

  const nextDue = (limit: number): [number, FakeTimer] | undefined => {
    let best: [number, FakeTimer] | undefined;
    for (const [id, timer] of timers) {
      if (timer.at <= limit && (!best || timer.at < best[1].at)) best = [id, timer];
    }
    return best;
  };

  return {
    now: () => now,
    setTimer(fn, ms) {
      nextId += 1;
      timers.set(nextId, { at: now + Math.max(0, ms), fn });
      return nextId;
    },
    clearTimer(handle: TimerHandle) {
      timers.delete(handle as number);
    },
    pendingTimers: () => timers.size,
    async advance(ms) {
      const target = now + ms;
      await settle();
      for (let due = nextDue(target); due; due = nextDue(target)) {
        timers.delete(due[0]);
        now = Math.max(now, due[1].at);
        due[1].fn();
        await settle();
      }
      now = target;
      await settle();
    },
  };
}

export interface FakeBatch<T> {
  items: T[];
  startedAt: number;
}

export interface FakeModel<T> {
  execute(items: T[]): Promise<string[]>;
  batches: FakeBatch<T>[];
  /** Batches running right now, and the most that ever ran at once. */
  running(): number;
  maxRunning(): number;
}

export interface FakeModelOptions<T> {
  rowsOf?: (item: T) => number;
  fail?: (items: T[]) => boolean;
  /** Multiplier on each batch's time, for timing noise. @default () => 1 */
  noise?: () => number;
}

/** A model that answers `out:<item>` for each item after a·n + b fake ms, n = total rows of the batch. */
export function createFakeModel<T>(
  clock: Clock,
  cost: { a: number; b: number },
  options: FakeModelOptions<T> = {},
): FakeModel<T> {
  const { rowsOf = () => 1, fail = () => false, noise = () => 1 } = options;
  const batches: FakeBatch<T>[] = [];
  let running = 0;
  let maxRunning = 0;
  return {
    batches,
    running: () => running,
    maxRunning: () => maxRunning,
    execute(items) {
      batches.push({ items: [...items], startedAt: clock.now() });
      running += 1;
      maxRunning = Math.max(maxRunning, running);
      const rows = items.reduce((sum, item) => sum + rowsOf(item), 0);
      return new Promise((resolve, reject) => {
        clock.setTimer(() => {
          running -= 1;
          if (fail(items)) reject(new Error('model failed'));
          else resolve(items.map((item) => `out:${String(item)}`));
        }, (cost.a * rows + cost.b) * noise());
      });
    },
  };
}

export { createRandom } from '../../../samples/lib/random.js';

/** Settles a promise into a plain record, so a test can inspect rejections without unhandled errors. */
export interface Outcome<T> {
  value?: T;
  error?: unknown;
  at?: number;
}

export function track<T>(promise: Promise<T>, clock: Clock): Outcome<T> {
  const outcome: Outcome<T> = {};
  promise.then(
    (value) => {
      outcome.value = value;
      outcome.at = clock.now();
    },
    (error: unknown) => {
      outcome.error = error;
      outcome.at = clock.now();
    },
  );
  return outcome;
}
