/**
 * Time as the dispatchers see it. Injected so that tests can drive the CORK rules with fake time and
 * so that nothing here reads a global clock.
 */
export type TimerHandle = unknown;

export interface Clock {
  /** Milliseconds on a monotonic scale; only differences matter. */
  now(): number;
  /** Calls `fn` once after about `ms` milliseconds. */
  setTimer(fn: () => void, ms: number): TimerHandle;
  clearTimer(handle: TimerHandle): void;
  /** Runs `fn` on a later turn of the event loop, after pending I/O; absent: the caller does the work at once. */
  defer?(fn: () => void): void;
}

/** The real clock: `performance.now()` is monotonic, unlike `Date.now()`, which jumps with NTP. */
export function createSystemClock(): Clock {
  return {
    now: () => performance.now(),
    setTimer: (fn, ms) => setTimeout(fn, ms),
    clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
    defer: (fn) => setImmediate(fn),
  };
}
