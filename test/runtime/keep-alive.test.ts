/**
 * The idle keep-alive time is a setting (behind a load balancer it must exceed the balancer's idle timeout): the
 * server tells clients what it uses, on a real listener, and the compiler carries the bentofile's value to it.
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../runtime-template/http/build-app.js';
import { createMetrics } from '../../runtime-template/metrics/create-metrics.js';
import { createFakePool } from './support/fake-pool.js';
import { createIrisConfig } from './support/iris-config.js';

describe('keep-alive time', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
  });

  async function keepAliveHeader(keepAliveTimeoutMs?: number): Promise<string | null> {
    const config = createIrisConfig();
    if (keepAliveTimeoutMs !== undefined) config.runtime.keepAliveTimeoutMs = keepAliveTimeoutMs;
    app = buildApp(config, createFakePool(), { bentoDir: '/nonexistent', metrics: createMetrics({ defaultMetrics: false }) });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    const response = await fetch(`http://127.0.0.1:${port}/livez`);
    await response.arrayBuffer();
    const header = response.headers.get('keep-alive');
    await app.close();
    app = undefined;
    return header;
  }

  it('advertises 10 s by default and the configured time when set', async () => {
    expect(await keepAliveHeader()).toBe('timeout=10');
    expect(await keepAliveHeader(65_000)).toBe('timeout=65');
  });
});
