/**
 * An open-loop load generator: requests leave on a Poisson schedule whatever the replies do, and each
 * latency runs from the request's *scheduled* send time, so queueing anywhere (server, sockets, this
 * process) shows up as latency instead of silently lowering the offered rate, as a closed loop would.
 */
import { createRandom } from '../../samples/lib/random.js';
import type { ConnectionPool } from './connection-pool.js';

export interface LoadOptions {
  path: string;
  /** Request bodies, used round-robin (JSON). */
  bodies: readonly string[];
  ratePerS: number;
  durationMs: number;
  /** Answers before this (ms into the window) are the ramp-up, left out of the throughput. */
  steadyFromMs: number;
  /** Hard cap on requests, whatever the rate. */
  maxRequests: number;
  /** A request not answered this long after its scheduled time is abandoned and counted as a timeout. */
  timeoutMs: number;
  connections: ConnectionPool;
  seed: number;
}

export interface LoadResult {
  offeredPerS: number;
  sent: number;
  ok: number;
  /**
   * Steady-state goodput: 2xx answers that arrived between `steadyFromMs` and the end of the send window,
   * per second of that span. Counting every answer to the window's requests would credit the server with
   * the up to max_latency_ms of queued work it finishes after sending stops; counting answers from the
   * start would charge it the pipeline's fill. Either skews a 6 s level by ~10%.
   */
  throughputPerS: number;
  shed: number;
  /** 503s that carried a Retry-After header. */
  shedWithRetryAfter: number;
  errors: number;
  timeouts: number;
  /** Latencies (ms) of the 2xx answers, sorted. */
  okLatenciesMs: number[];
}

export function runOpenLoop(options: LoadOptions): Promise<LoadResult> {
  const { path, ratePerS, durationMs, timeoutMs, connections, steadyFromMs } = options;
  // Encoded once: turning a 4 KB string into bytes on every send was a tenth of this process's CPU (profiled).
  const bodies = options.bodies.map((body) => Buffer.from(body));
  const random = createRandom(options.seed);
  const result: LoadResult = {
    offeredPerS: ratePerS,
    sent: 0,
    ok: 0,
    throughputPerS: 0,
    shed: 0,
    shedWithRetryAfter: 0,
    errors: 0,
    timeouts: 0,
    okLatenciesMs: [],
  };
  let okSteady = 0;
  let outstanding = 0;
  let nextAtMs = 0; // schedule, relative to start
  let finishedSending = false;
  const start = performance.now();

  return new Promise((resolve) => {
    const finishIfDone = (): void => {
      if (!finishedSending || outstanding > 0) return;
      result.throughputPerS = okSteady / ((durationMs - steadyFromMs) / 1000);
      result.okLatenciesMs.sort((a, b) => a - b);
      resolve(result);
    };

    const fire = (scheduledMs: number, body: Buffer): void => {
      outstanding += 1;
      result.sent += 1;
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (kind: 'ok' | 'shed' | 'error' | 'timeout', retryAfter = false): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const doneMs = performance.now() - start;
        if (kind === 'ok') {
          result.ok += 1;
          result.okLatenciesMs.push(doneMs - scheduledMs);
          if (doneMs >= steadyFromMs && doneMs <= durationMs) okSteady += 1;
        } else if (kind === 'shed') {
          result.shed += 1;
          if (retryAfter) result.shedWithRetryAfter += 1;
        } else if (kind === 'timeout') result.timeouts += 1;
        else result.errors += 1;
        outstanding -= 1;
        finishIfDone();
      };
      let exchange: ReturnType<ConnectionPool['post']>;
      try {
        exchange = connections.post(path, body);
      } catch {
        return settle('error'); // could not even start: counted, never silently dropped
      }
      timer = setTimeout(() => {
        settle('timeout');
        exchange.cancel();
      }, Math.max(1, timeoutMs - (performance.now() - start - scheduledMs)));
      exchange.done.then(
        ({ status, retryAfter }) => {
          if (status >= 200 && status < 300) settle('ok');
          else if (status === 503) settle('shed', retryAfter);
          else settle('error');
        },
        () => settle('error'),
      );
    };

    const tick = (): void => {
      const nowMs = performance.now() - start;
      while (!finishedSending && nextAtMs <= nowMs) {
        fire(nextAtMs, bodies[result.sent % bodies.length]!);
        nextAtMs += (-Math.log(1 - random()) * 1000) / ratePerS;
        if (nextAtMs >= durationMs || result.sent >= options.maxRequests) finishedSending = true;
      }
      if (finishedSending) return finishIfDone();
      setTimeout(tick, Math.max(0, nextAtMs - (performance.now() - start)));
    };
    tick();
  });
}

/** Percentile (0–100) of a sorted list; NaN when empty. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
