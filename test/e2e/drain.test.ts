import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, serveBento } from '../support/cli.js';
import { runDrainTrial, SETOSA_BODY } from '../support/drain-trial.js';
import { makeProjectFrom, makeTempDir } from '../support/iris-project.js';
import { waitFor } from '../support/wait-for.js';

/** SIGTERM on a real `bentoc serve` of the iris sample: no answer lost, a load balancer told first. */
describe('draining on SIGTERM', () => {
  const home = makeTempDir('drain-home');
  let project: string;

  beforeAll(() => {
    project = makeProjectFrom(join(repoRoot, 'samples/iris'));
    const built = runCli(['build', join(project, 'bentofile.yaml')], { home });
    expect(built.status, built.stderr).toBe(0);
  });

  afterAll(() => {
    rmSync(home, { recursive: true, force: true });
    if (project) rmSync(project, { recursive: true, force: true });
  });

  it('loses no answer under ~300 requests/s on 8 keep-alive connections: each one is answered or refused before it is sent', async () => {
    for (let trial = 0; trial < 2; trial += 1) {
      // The signal comes once 200 answers are in, however slowly this machine gives them.
      const result = await runDrainTrial({ home, tag: 'iris_classifier:latest', signalAfterMs: Number.POSITIVE_INFINITY, signalAfterAnswers: 200 });
      const summary = JSON.stringify({ ...result, logs: result.logs.split('\n').slice(-6) });
      expect(result.lost, summary).toEqual([]);
      expect(result.wrong, summary).toEqual([]);
      expect(result.exitCode, summary).toBe(0);
      expect(result.answeredBeforeSignal, summary).toBeGreaterThanOrEqual(200);
      // What was not answered never left the client: connections refused once the server stopped listening.
      const refused = Object.values(result.refusedBeforeWrite).reduce((sum, n) => sum + n, 0);
      const answered = Object.values(result.statuses).reduce((sum, n) => sum + n, 0);
      expect(answered + refused, summary).toBe(result.sent);
    }
  });

  it('with DRAIN_DELAY_MS keeps serving on open and new connections while /readyz says 503', async () => {
    const server = await serveBento('iris_classifier:latest', { home, env: { DRAIN_DELAY_MS: '600000' } });
    const client = new Client(server.url);
    const fresh = new Client(server.url); // connects only after the signal
    try {
      const ready = await client.request({ method: 'GET', path: '/readyz' });
      expect(ready.statusCode).toBe(200);
      await ready.body.dump();
      server.child.kill('SIGTERM');
      await waitFor(() => server.logs().includes('shutting down: draining in-flight requests'), 'the drain to begin');

      const notReady = await client.request({ method: 'GET', path: '/readyz' });
      expect(notReady.statusCode).toBe(503);
      expect(notReady.headers['retry-after']).toBe('1');
      expect(((await notReady.body.json()) as { error: { code: string } }).error.code).toBe('shutting_down');
      for (const via of [client, fresh]) {
        const answer = await via.request({ method: 'POST', path: '/predict', headers: { 'content-type': 'application/json' }, body: SETOSA_BODY });
        expect(answer.statusCode).toBe(200);
        expect(answer.headers.connection).toBe('keep-alive');
        expect(((await answer.body.json()) as Array<{ label: string }>)[0]!.label).toBe('setosa');
      }
    } finally {
      await client.destroy();
      await fresh.destroy();
    }
    // A second signal ends the wait at once, and says so with exit 1.
    server.child.kill('SIGINT');
    expect(await new Promise((resolve) => (server.child.exitCode !== null ? resolve(server.child.exitCode) : server.child.once('exit', resolve)))).toBe(1);
    expect(server.logs()).toContain('second signal while draining');
  });
});
