/** The pod's grace period covers the runtime's own drain limit, which grows with its keep-alive time. */
import { describe, expect, it } from 'vitest';
import { resolveDeployPlan } from '../../../compiler/deploy/deploy-plan.js';
import type { BentoManifest } from '../../../compiler/phases/4-generate/index.js';

const manifestWith = (runtime: Record<string, unknown>) =>
  ({ runtime: { port: 5000, host: '0.0.0.0', workers: 1, threads: 0, device: 'auto', bodyLimitBytes: 1, requestTimeoutMs: 60_000, ...runtime }, apis: [], models: [], docker: { gpu: false } }) as unknown as BentoManifest;
const graceOf = (runtime: Record<string, unknown>) => resolveDeployPlan({ name: 'svc', version: 'v1', manifest: manifestWith(runtime) }, {}).terminationGraceSeconds;

describe('terminationGracePeriodSeconds', () => {
  it('outlasts the preStop pause plus request timeout + keep-alive time + 6 s, for the default and a set keep-alive', () => {
    // runtime-template/serve/start-server.ts: graceMs = delay + requestTimeoutMs + (keepAlive + 1 s) + 5 s.
    expect(graceOf({})).toBeGreaterThan(5 + 60 + 10 + 6);
    expect(graceOf({ keepAliveTimeoutMs: 65_000 })).toBeGreaterThan(5 + 60 + 65 + 6);
    expect(graceOf({ keepAliveTimeoutMs: 65_000 }) - graceOf({})).toBe(55);
  });
});
