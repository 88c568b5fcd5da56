import type { Clock, TimerHandle } from './clock.js';

/**
 * A dispatcher's single pending wake-up: arming it for the instant already set is a no-op, for another
 * instant moves it, for +∞ cancels it. `minDelayMs` keeps a boundary case from spinning in zero-delay timers.
 */
export interface WakeTimer {
  wakeAt(now: number, at: number): void;
}

export function createWakeTimer(clock: Clock, onWake: () => void, minDelayMs: number): WakeTimer {
  let timer: { handle: TimerHandle; at: number } | undefined;
  return {
    wakeAt(now, at) {
      if (timer?.at === at) return;
      if (timer) clock.clearTimer(timer.handle);
      timer = undefined;
      if (!Number.isFinite(at)) return;
      const handle = clock.setTimer(() => {
        timer = undefined;
        onWake();
      }, Math.max(minDelayMs, at - now));
      timer = { handle, at };
    },
  };
}
