/**
 * The inference protocol through a shutdown, as the API routes go through it: while draining (DRAIN_DELAY_MS)
 * readiness says no and inference is still served; once refusing, a request that arrived after refusing began
 * is refused with a 503, and one that arrived before is still served (the gRPC path calls the service directly).
 */
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { createDrainState, startRefusing } from '../../runtime-template/http/drain-state.js';
import { buildApp } from '../../runtime-template/http/build-app.js';
import { createMetrics } from '../../runtime-template/metrics/create-metrics.js';
import { RequestCancel } from '../../runtime-template/http/request-cancel.js';
import { createFakePool } from '../runtime/support/fake-pool.js';
import { createIrisConfig, IRIS_MODEL } from '../runtime/support/iris-config.js';

const body = { inputs: [{ name: 'input', shape: [1, 4], datatype: 'FP32', data: [1, 2, 3, 4] }] };

describe('v2 through a shutdown', () => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
  });

  it('serves inference while draining, and refuses only what arrives after refusing began', async () => {
    const config = createIrisConfig();
    config.models = [IRIS_MODEL];
    const drainState = createDrainState();
    app = buildApp(config, createFakePool(), { bentoDir: '/nonexistent', metrics: createMetrics({ defaultMetrics: false }), drainState });
    const infer = () => app!.inject({ method: 'POST', url: '/v2/models/iris/infer', payload: body });

    drainState.draining = true; // SIGTERM, during DRAIN_DELAY_MS
    const ready = await app.inject({ method: 'GET', url: '/v2/health/ready' });
    expect([ready.statusCode, ready.json()]).toEqual([400, { ready: false }]); // the protocol's "not ready" is a 4xx
    expect((await app.inject({ method: 'GET', url: '/v2/health/live' })).statusCode).toBe(200);
    const during = await infer();
    expect(during.statusCode).toBe(200);
    expect(during.json().outputs.map((output: { name: string }) => output.name)).toContain('probabilities');

    const arrivedBefore = performance.now();
    startRefusing(drainState);
    const refused = await infer();
    expect(refused.statusCode).toBe(503);
    expect(refused.json()).toEqual({ error: 'the server is shutting down' }); // the protocol's error body
    expect(refused.headers['retry-after']).toBe('1');
    // What gRPC hands the service: a call received before refusing began is still answered, a later one is not.
    const service = app.inference;
    const model = service.findModel('iris');
    const request = { inputs: { input: { dtype: 'float32' as const, dims: [1, 4], data: Float32Array.of(1, 2, 3, 4) } } };
    await expect(service.infer(model, request, new RequestCancel(), arrivedBefore)).resolves.toMatchObject({ modelName: 'iris' });
    await expect(service.infer(model, request, new RequestCancel(), performance.now())).rejects.toMatchObject({ code: 'shutting_down' });
  });
});
