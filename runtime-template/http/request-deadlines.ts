/**
 * Requests that share one time budget, in the order they started. The oldest one's deadline always comes first,
 * so a single timer serves them all: starting and finishing a request is O(1) pointer work (an intrusive list),
 * where a timer of its own cost each request a Timeout object, its list insertion and its removal (profiled).
 */

/** A request on the list; `expire` runs once its budget is spent and it is still listed. */
export interface DeadlineEntry {
  deadlineAt: number;
  prevDeadline: DeadlineEntry | undefined;
  nextDeadline: DeadlineEntry | undefined;
  listed: boolean;
  expire(): void;
}

export interface DeadlineList {
  /** Lists the entry with a deadline `budgetMs` from now. */
  start(entry: DeadlineEntry): void;
  /** Unlists the entry (answered, or gone); idempotent. */
  finish(entry: DeadlineEntry): void;
}

export function createDeadlineList(budgetMs: number, now: () => number = () => performance.now()): DeadlineList {
  let oldest: DeadlineEntry | undefined;
  let newest: DeadlineEntry | undefined;
  let timer: NodeJS.Timeout | undefined;

  const unlink = (entry: DeadlineEntry): void => {
    if (!entry.listed) return;
    entry.listed = false;
    if (entry.prevDeadline) entry.prevDeadline.nextDeadline = entry.nextDeadline;
    else oldest = entry.nextDeadline;
    if (entry.nextDeadline) entry.nextDeadline.prevDeadline = entry.prevDeadline;
    else newest = entry.prevDeadline;
    entry.prevDeadline = entry.nextDeadline = undefined;
  };

  // The timer is not moved when the oldest request finishes early: it fires at the deadline it was armed for,
  // expires what is due, and re-arms for the oldest left (at most one spare wake-up per budget).
  const arm = (): void => {
    timer = oldest ? setTimeout(fire, Math.max(1, oldest.deadlineAt - now())) : undefined;
    timer?.unref();
  };
  const fire = (): void => {
    const at = now();
    while (oldest && oldest.deadlineAt <= at) {
      const due = oldest;
      unlink(due);
      due.expire();
    }
    arm();
  };

  return {
    start(entry) {
      entry.deadlineAt = now() + budgetMs;
      entry.listed = true;
      entry.prevDeadline = newest;
      entry.nextDeadline = undefined;
      if (newest) newest.nextDeadline = entry;
      else oldest = entry;
      newest = entry;
      if (!timer) arm();
    },
    finish: unlink,
  };
}
