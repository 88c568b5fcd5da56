/**
 * The drain state every dispatcher shares: once `start()` is called new items are refused, and the promise
 * it returns settles the first time `settleIfIdle(true)` sees nothing queued or in flight.
 */
export interface DrainLatch {
  readonly draining: boolean;
  /** Begins draining (idempotent); `kick` gets the dispatcher moving so queued items go out. */
  start(kick: () => void): Promise<void>;
  /** Call whenever work finishes or leaves the queue, with whether the dispatcher is now idle. */
  settleIfIdle(idle: boolean): void;
}

export function createDrainLatch(): DrainLatch {
  let drained: Promise<void> | undefined;
  let resolveDrained: (() => void) | undefined;
  return {
    get draining() {
      return drained !== undefined;
    },
    start(kick) {
      if (!drained) {
        drained = new Promise<void>((resolve) => {
          resolveDrained = resolve;
        });
        kick();
      }
      return drained;
    },
    settleIfIdle(idle) {
      if (drained && idle) resolveDrained?.();
    },
  };
}
