/**
 * Open-loop keep-alive load through an undici Pool, with every request's fate sorted by when it failed: a
 * request refused before it was written (connection refused, or closed before the write) is retryable and
 * fine; one that fails after it was written (reset, "other side closed") is a lost answer.
 */
import { Pool } from 'undici';

export interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface LoadOptions {
  origin: string;
  path: string;
  body: string;
  /** Requests started per second, whatever the server does (open loop). */
  ratePerSecond: number;
  /** Keep-alive connections in the pool. */
  connections: number;
  /** Called once, this many ms into the load or after `signalAfterAnswers` complete answers, whichever is first. */
  signalAfterMs: number;
  /** @default Infinity */
  signalAfterAnswers?: number;
  signal: () => void;
  /** Load stops once this settles (the server exited) and `tailMs` more have passed. */
  stopped: Promise<unknown>;
  /** @default 200 */
  tailMs?: number;
  /** Returns why an answer is wrong, or undefined. */
  checkAnswer: (answer: Answer) => string | undefined;
}

export interface LoadOutcome {
  sent: number;
  /** Complete answers by status. */
  statuses: Record<number, number>;
  /** Complete answers received before `signal` was called. */
  answeredBeforeSignal: number;
  /** Failed before a byte of the request was written, by error code. */
  refusedBeforeWrite: Record<string, number>;
  /** Failed after the request was written: each one an answer lost. */
  lost: string[];
  /** Complete answers that `checkAnswer` rejected. */
  wrong: string[];
}

export async function runKeepAliveLoad(options: LoadOptions): Promise<LoadOutcome> {
  const pool = new Pool(options.origin, { connections: options.connections, pipelining: 1 });
  const outcome: LoadOutcome = { sent: 0, statuses: {}, answeredBeforeSignal: 0, refusedBeforeWrite: {}, lost: [], wrong: [] };
  const pending = new Set<Promise<void>>();
  let signalled = false;
  let stopAt = Number.POSITIVE_INFINITY;
  void options.stopped.finally(() => (stopAt = performance.now() + (options.tailMs ?? 200)));

  const send = () => {
    outcome.sent += 1;
    const done = sendOne(pool, options, outcome, () => signalled);
    pending.add(done);
    void done.finally(() => pending.delete(done));
  };

  const started = performance.now();
  await new Promise<void>((resolve) => {
    // Ticks of 5 ms, catching up on what is due: the rate holds even when the event loop is late.
    const timer = setInterval(() => {
      const now = performance.now();
      const answered = Object.values(outcome.statuses).reduce((sum, n) => sum + n, 0);
      if (!signalled && (now - started >= options.signalAfterMs || answered >= (options.signalAfterAnswers ?? Infinity))) {
        signalled = true;
        options.signal();
      }
      if (now >= stopAt) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor(((now - started) / 1000) * options.ratePerSecond);
      while (outcome.sent < due) send();
    }, 5);
  });
  await Promise.all(pending);
  await pool.destroy();
  return outcome;
}

function sendOne(pool: Pool, options: LoadOptions, outcome: LoadOutcome, isSignalled: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    let written = false;
    let status = 0;
    let headers: Record<string, string> = {};
    const chunks: Buffer[] = [];
    pool.dispatch(
      { origin: options.origin, path: options.path, method: 'POST', headers: { 'content-type': 'application/json' }, body: options.body },
      {
        onConnect: () => undefined,
        onRequestSent: () => {
          written = true;
        },
        onHeaders: (statusCode: number, raw: Buffer[]) => {
          status = statusCode;
          headers = parseHeaders(raw);
          return true;
        },
        onData: (chunk: Buffer) => {
          chunks.push(chunk);
          return true;
        },
        onComplete: () => {
          const answer = { status, headers, body: Buffer.concat(chunks).toString() };
          outcome.statuses[status] = (outcome.statuses[status] ?? 0) + 1;
          if (!isSignalled()) outcome.answeredBeforeSignal += 1;
          const wrong = options.checkAnswer(answer);
          if (wrong) outcome.wrong.push(wrong);
          resolve();
        },
        onError: (error: Error & { code?: string }) => {
          const code = error.code ?? error.name;
          if (written || status !== 0) outcome.lost.push(`${code}: ${error.message} (status ${status || 'none'})`);
          else outcome.refusedBeforeWrite[code] = (outcome.refusedBeforeWrite[code] ?? 0) + 1;
          resolve();
        },
      } as Parameters<Pool['dispatch']>[1],
    );
  });
}

function parseHeaders(raw: Buffer[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i < raw.length; i += 2) headers[raw[i]!.toString().toLowerCase()] = raw[i + 1]!.toString();
  return headers;
}
