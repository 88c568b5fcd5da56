/**
 * An open-loop load generator: requests leave on a Poisson schedule whatever the replies do, and each
 * latency runs from the request's *scheduled* send time, so queueing anywhere (server, sockets, this
 * process) shows up as latency instead of silently lowering the offered rate, as a closed loop would.
 */
import { Agent, request } from 'node:http';
import { createRandom } from '../../samples/lib/random.js';

export interface LoadOptions {
  /** http://127.0.0.1:port; loopback only. */
  baseUrl: string;
  path: string;
  /** Request bodies, used round-robin (JSON). */
  bodies: readonly string[];
  ratePerS: number;
  durationMs: number;
  /** Hard cap on requests, whatever the rate. */
  maxRequests: number;
  /** A request not answered this long after its scheduled time is abandoned and counted as a timeout. */
  timeoutMs: number;
  agent: Agent;
  seed: number;
}

export interface LoadResult {
  offeredPerS: number;
  sent: number;
  ok: number;
  /** 2xx answers that came back within the send window, per second of it. */
  throughputPerS: number;
  shed: number;
  /** 503s that carried a Retry-After header. */
  shedWithRetryAfter: number;
  errors: number;
  timeouts: number;
  /** Latencies (ms) of the 2xx answers, sorted. */
  okLatenciesMs: number[];
}

export function createLoadAgent(): Agent {
  // Enough sockets for every request a non-shedding server keeps waiting within the timeout, bounded by ulimit.
  return new Agent({ keepAlive: true, maxSockets: 4096, maxFreeSockets: 4096 });
}

export function runOpenLoop(options: LoadOptions): Promise<LoadResult> {
  const { baseUrl, path, bodies, ratePerS, durationMs, timeoutMs, agent } = options;
  const target = new URL(path, baseUrl);
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
  let okInWindow = 0;
  let outstanding = 0;
  let nextAtMs = 0; // schedule, relative to start
  let finishedSending = false;
  const start = performance.now();

  return new Promise((resolve) => {
    const finishIfDone = (): void => {
      if (!finishedSending || outstanding > 0) return;
      result.throughputPerS = okInWindow / (durationMs / 1000);
      result.okLatenciesMs.sort((a, b) => a - b);
      resolve(result);
    };

    const fire = (scheduledMs: number, body: string): void => {
      outstanding += 1;
      result.sent += 1;
      let settled = false;
      const settle = (kind: 'ok' | 'shed' | 'error' | 'timeout', retryAfter = false): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const doneMs = performance.now() - start;
        if (kind === 'ok') {
          result.ok += 1;
          result.okLatenciesMs.push(doneMs - scheduledMs);
          if (doneMs <= durationMs) okInWindow += 1;
        } else if (kind === 'shed') {
          result.shed += 1;
          if (retryAfter) result.shedWithRetryAfter += 1;
        } else if (kind === 'timeout') result.timeouts += 1;
        else result.errors += 1;
        outstanding -= 1;
        finishIfDone();
      };
      const req = request(
        target,
        { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res) => {
          res.resume(); // the body is not checked here (the e2e tests do that); only its end matters
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            if (status >= 200 && status < 300) settle('ok');
            else if (status === 503) settle('shed', res.headers['retry-after'] !== undefined);
            else settle('error');
          });
          res.on('error', () => settle('error'));
        },
      );
      const timer = setTimeout(() => {
        settle('timeout');
        req.destroy();
      }, Math.max(1, timeoutMs - (performance.now() - start - scheduledMs)));
      req.on('error', () => settle('error'));
      req.end(body);
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
