/** One SIGTERM-under-load trial against a real `bentoc serve`: test/e2e/drain.test.ts and `npm run bench:drain` share it. */
import { serveBento } from './cli.js';
import { runKeepAliveLoad, type Answer, type LoadOutcome } from './keep-alive-load.js';

export const SETOSA_BODY = JSON.stringify([[5.1, 3.5, 1.4, 0.2]]);

export interface TrialOptions {
  home: string;
  tag: string;
  /** @default 300 */
  ratePerSecond?: number;
  /** @default 8 */
  connections?: number;
  /** @default 1000 */
  signalAfterMs?: number;
  /** @default Infinity */
  signalAfterAnswers?: number;
  env?: Record<string, string>;
}

export interface TrialResult extends LoadOutcome {
  exitCode: number | null;
  /** From SIGTERM to the server's exit, as seen by the client. */
  drainMs: number;
  logs: string;
}

/** A 200 must be the setosa answer; a 503 must be a JSON `shutting_down` error with Retry-After. */
export function checkIrisAnswer(answer: Answer): string | undefined {
  if (answer.status === 200) {
    const label = (JSON.parse(answer.body) as Array<{ label?: string }>)[0]?.label;
    return label === 'setosa' ? undefined : `200 with ${answer.body.slice(0, 120)}`;
  }
  if (answer.status === 503) {
    const code = (JSON.parse(answer.body) as { error?: { code?: string } }).error?.code;
    const retryAfter = Number(answer.headers['retry-after']);
    const ok = (code === 'shutting_down' || code === 'overloaded') && retryAfter >= 1 && answer.headers.connection === 'close';
    return ok ? undefined : `503 ${JSON.stringify(answer.headers)} ${answer.body.slice(0, 120)}`;
  }
  return `${answer.status} ${answer.body.slice(0, 120)}`;
}

export async function runDrainTrial(options: TrialOptions): Promise<TrialResult> {
  const server = await serveBento(options.tag, { home: options.home, env: options.env });
  let signalledAt = 0;
  let exitCode: number | null = null;
  const exited = new Promise<number | null>((resolve) => {
    if (server.child.exitCode !== null) resolve(server.child.exitCode);
    else server.child.once('exit', (code) => resolve(code));
  }).then((code) => (exitCode = code));
  let drainMs = 0;
  void exited.then(() => (drainMs = Math.round(performance.now() - signalledAt)));
  const outcome = await runKeepAliveLoad({
    origin: server.url,
    path: '/predict',
    body: SETOSA_BODY,
    ratePerSecond: options.ratePerSecond ?? 300,
    connections: options.connections ?? 8,
    signalAfterMs: options.signalAfterMs ?? 1000,
    signalAfterAnswers: options.signalAfterAnswers,
    signal: () => {
      signalledAt = performance.now();
      server.child.kill('SIGTERM');
    },
    stopped: exited,
    checkAnswer: checkIrisAnswer,
  });
  await exited;
  return { ...outcome, exitCode, drainMs, logs: server.logs() };
}
