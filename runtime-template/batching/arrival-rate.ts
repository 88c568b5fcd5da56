/**
 * Online estimate of the inbound request rate: exponentially weighted means of the gap between two
 * requests (ms) and of the rows a request carries. Silence counts: the expected gap is never shorter
 * than the time already waited since the last request, so a quiet spell reads as low load at once.
 */
export interface ArrivalRateOptions {
  /** Weight of the newest gap in the mean, 0 < w ≤ 1; 1/8 forgets a burst after a few dozen requests. @default 0.125 */
  smoothing?: number;
}

export interface ArrivalRate {
  record(now: number, rows: number): void;
  /** Expected ms from the last request to the next one, seen from `now`; undefined before two requests. */
  expectedGapMs(now: number): number | undefined;
  /** When the last request came, or undefined before the first. */
  lastArrivalAt(): number | undefined;
  /** Mean rows per request (1 before the first). */
  rowsPerRequest(): number;
  /** Inbound rows per ms seen from `now`; 0 while unknown. */
  rowsPerMs(now: number): number;
}

export function createArrivalRate(options: ArrivalRateOptions = {}): ArrivalRate {
  const weight = Math.min(1, Math.max(1e-3, options.smoothing ?? 0.125));
  let lastAt: number | undefined;
  let meanGapMs: number | undefined;
  let meanRows: number | undefined;

  const expectedGapMs = (now: number): number | undefined =>
    meanGapMs === undefined || lastAt === undefined ? undefined : Math.max(meanGapMs, now - lastAt);

  return {
    record(now, rows) {
      if (lastAt !== undefined) {
        const gap = Math.max(0, now - lastAt);
        meanGapMs = meanGapMs === undefined ? gap : meanGapMs + weight * (gap - meanGapMs);
      }
      meanRows = meanRows === undefined ? rows : meanRows + weight * (rows - meanRows);
      lastAt = lastAt === undefined ? now : Math.max(lastAt, now);
    },
    expectedGapMs,
    lastArrivalAt: () => lastAt,
    rowsPerRequest: () => meanRows ?? 1,
    rowsPerMs(now) {
      const gap = expectedGapMs(now);
      if (gap === undefined) return 0;
      return gap > 0 ? (meanRows ?? 1) / gap : Number.POSITIVE_INFINITY;
    },
  };
}
