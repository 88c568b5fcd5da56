/** The route's shared deadline list: one timer for every request with the same budget. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import fc from 'fast-check';
import { createDeadlineList, type DeadlineEntry } from '../../../runtime-template/http/request-deadlines.js';

const entry = (name: string, expired: string[]): DeadlineEntry => ({
  deadlineAt: 0,
  prevDeadline: undefined,
  nextDeadline: undefined,
  listed: false,
  expire: () => expired.push(name),
});

describe('deadline list', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());
  const now = () => Date.now();

  it('expires each unfinished request once its budget is spent, in start order, and never a finished one', () => {
    const expired: string[] = [];
    const list = createDeadlineList(100, now);
    const [a, b, c] = ['a', 'b', 'c'].map((name) => entry(name, expired));
    list.start(a!);
    vi.advanceTimersByTime(30);
    list.start(b!);
    vi.advanceTimersByTime(30);
    list.start(c!);
    list.finish(a!); // answered before its deadline (the timer armed for it still fires, and finds nothing due)
    vi.advanceTimersByTime(69);
    expect(expired).toEqual([]);
    vi.advanceTimersByTime(1); // b's deadline: 30 + 100
    expect(expired).toEqual(['b']);
    list.finish(b!); // finishing an expired request is a no-op
    vi.advanceTimersByTime(30);
    expect(expired).toEqual(['b', 'c']);
    expect(vi.getTimerCount()).toBe(0); // nothing left, no timer
  });

  it('for any schedule of starts and finishes, expires exactly the requests not finished within the budget', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ gap: fc.integer({ min: 0, max: 40 }), lasts: fc.option(fc.integer({ min: 0, max: 150 }).filter((ms) => ms !== 100), { nil: undefined }) }), { maxLength: 30 }), (plan) => {
        vi.setSystemTime(0);
        const expired: string[] = [];
        const list = createDeadlineList(100, now);
        const expected: string[] = [];
        let at = 0;
        plan.forEach(({ gap, lasts }, i) => {
          at += gap;
          const name = String(i);
          const request = entry(name, expired);
          setTimeout(() => {
            list.start(request);
            if (lasts !== undefined) setTimeout(() => list.finish(request), lasts);
          }, at);
          if (lasts === undefined || lasts >= 100) expected.push(name);
        });
        vi.runAllTimers();
        // Finishing exactly at the deadline's tick could go either way, so the plan never does (the filter above).
        expect(expired).toEqual(expected); // in start order, which is deadline order
        expect(vi.getTimerCount()).toBe(0);
      }),
    );
  });
});
