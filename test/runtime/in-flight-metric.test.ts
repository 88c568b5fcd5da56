/** bento_requests_in_flight: the per-pod load signal an autoscaler reads rises with queued work and falls back. */
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../runtime-template/http/build-app.js';
import { createMetrics } from '../../runtime-template/metrics/create-metrics.js';
import type { ModelPool } from '../../runtime-template/model/create-model-pool.js';
import { createFakePool } from './support/fake-pool.js';
import { createIrisApi, createIrisConfig } from './support/iris-config.js';

/** A pool whose model calls wait until the test opens the gate, so requests stay in flight. */
function createGatedPool(): { pool: ModelPool; open: () => void; started: () => number } {
  const inner = createFakePool();
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let calls = 0;
  const pool: ModelPool = {
    ...inner,
    async run(model, feeds) {
      calls++;
      await gate;
      return inner.run(model, feeds);
    },
  };
  return { pool, open, started: () => calls };
}

async function readInFlight(app: ReturnType<typeof buildApp>): Promise<number | undefined> {
  const text = (await app.inject({ method: 'GET', url: '/metrics' })).body;
  const match = /^bento_requests_in_flight\{api="predict"\} (\d+)$/m.exec(text);
  return match ? Number(match[1]) : undefined;
}

describe('bento_requests_in_flight', () => {
  it('is 0 before any request, counts requests waiting on the model, and returns to 0', async () => {
    const { pool, open, started } = createGatedPool();
    // No batching (the default here): the first request holds the model, the other two queue behind it.
    const config = createIrisConfig({ apis: [createIrisApi()] });
    const app = buildApp(config, pool, { bentoDir: '/nonexistent', handlers: {}, metrics: createMetrics({ defaultMetrics: false }) });
    try {
      expect(await readInFlight(app)).toBe(0);
      const pending = [1, 2, 3].map(() =>
        app.inject({ method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: '[[5.1,3.5,1.4,0.2]]' }),
      );
      await expect.poll(() => started(), { timeout: 5_000 }).toBeGreaterThanOrEqual(1);
      expect(await readInFlight(app)).toBe(3);
      open();
      const responses = await Promise.all(pending);
      expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200]);
      await expect.poll(() => readInFlight(app), { timeout: 5_000 }).toBe(0);
    } finally {
      open();
      await app.close();
    }
  });

  it('counts the API\'s v2 requests too, native and v2 alike, and returns to 0', async () => {
    const { pool, open } = createGatedPool();
    const config = createIrisConfig({ apis: [createIrisApi()] });
    const app = buildApp(config, pool, { bentoDir: '/nonexistent', handlers: {}, metrics: createMetrics({ defaultMetrics: false }) });
    const v2Body = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [5.1, 3.5, 1.4, 0.2] }] };
    try {
      const pending = [
        app.inject({ method: 'POST', url: '/predict', headers: { 'content-type': 'application/json' }, payload: '[[5.1,3.5,1.4,0.2]]' }),
        app.inject({ method: 'POST', url: '/v2/models/iris/infer', payload: v2Body }),
        app.inject({ method: 'POST', url: '/v2/models/iris/infer', payload: v2Body }),
      ];
      await expect.poll(() => readInFlight(app), { timeout: 5_000 }).toBe(3);
      open();
      const responses = await Promise.all(pending);
      expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200]);
      await expect.poll(() => readInFlight(app), { timeout: 5_000 }).toBe(0);
    } finally {
      open();
      await app.close();
    }
  });
});
