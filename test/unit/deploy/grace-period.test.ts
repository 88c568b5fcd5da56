/** The pod's grace period covers the runtime's own drain limit, which grows with its keep-alive time. */
import { describe, expect, it } from 'vitest';
import { deployDefaults, resolveDeployPlan } from '../../../compiler/deploy/deploy-plan.js';
import { DEFAULT_KEEP_ALIVE_TIMEOUT_MS } from '../../../runtime-template/http/drain-state.js';
import type { BentoManifest } from '../../../compiler/phases/4-generate/index.js';

const REQUEST_TIMEOUT_MS = 60_000;
const SET_KEEP_ALIVE_MS = 65_000;

const manifestWith = (runtime: Record<string, unknown>) =>
  ({ runtime: { port: 5000, host: '0.0.0.0', workers: 1, threads: 0, device: 'auto', bodyLimitBytes: 1, requestTimeoutMs: REQUEST_TIMEOUT_MS, ...runtime }, apis: [], models: [], docker: { gpu: false } }) as unknown as BentoManifest;
const graceOf = (runtime: Record<string, unknown>) => resolveDeployPlan({ name: 'svc', version: 'v1', manifest: manifestWith(runtime) }, {}).terminationGraceSeconds;

/** preStop pause + request timeout + keep-alive time + drain margin, in seconds. */
const drainBoundSeconds = (keepAliveMs: number) =>
  deployDefaults.preStopSeconds + (REQUEST_TIMEOUT_MS + keepAliveMs + deployDefaults.runtimeDrainMarginMs) / 1000;

describe('terminationGracePeriodSeconds', () => {
  it("assumes the runtime's own default keep-alive time", () => {
    expect(deployDefaults.keepAliveTimeoutMs).toBe(DEFAULT_KEEP_ALIVE_TIMEOUT_MS);
  });

  it('outlasts the preStop pause plus request timeout + keep-alive time + 6 s, for the default and a set keep-alive', () => {
    // runtime-template/serve/start-server.ts: graceMs = delay + requestTimeoutMs + (keepAlive + 1 s) + 5 s.
    expect(graceOf({})).toBeGreaterThan(drainBoundSeconds(DEFAULT_KEEP_ALIVE_TIMEOUT_MS));
    expect(graceOf({ keepAliveTimeoutMs: SET_KEEP_ALIVE_MS })).toBeGreaterThan(drainBoundSeconds(SET_KEEP_ALIVE_MS));
    expect(graceOf({ keepAliveTimeoutMs: SET_KEEP_ALIVE_MS }) - graceOf({})).toBe((SET_KEEP_ALIVE_MS - DEFAULT_KEEP_ALIVE_TIMEOUT_MS) / 1000);
  });
});
