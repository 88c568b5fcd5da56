/**
 * The fleet contract, with real processes on loopback: what a Kubernetes Service and rolling update rely on.
 * Three `bentoc serve` replicas of the iris bento behind haproxy (health-checking /readyz like endpoints do),
 * steady load from this test, then each replica replaced by a new bento version (start new, wait until the
 * balancer sees it ready, SIGTERM the old one): no request fails and old replicas drain and exit 0. Then a
 * replica is SIGKILLed: it costs at most the requests it held, and the balancer routes around it. Needs haproxy
 * (`.ci/run` installs it); skipped locally without it, failing under CI=true.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli } from '../support/cli.js';
import { findHaproxy, startHaproxy, type Balancer } from '../support/fleet/haproxy.js';
import { startLoad, type LoadResult } from '../support/fleet/load-client.js';
import { startReplica, type Replica } from '../support/fleet/replica.js';
import { findFreePort } from '../support/free-port.js';
import { irisModelBytes } from '../support/iris-project.js';
import { declareSkipOrFail } from '../support/prerequisites.js';

const SETOSA = '[[5.1,3.5,1.4,0.2]]';
const CONCURRENCY = 8;
const haproxy = findHaproxy();
const skipReason = haproxy ? undefined : 'haproxy is not installed (apt-get install haproxy)';
declareSkipOrFail('fleet e2e', skipReason);

describe.skipIf(skipReason !== undefined)('a fleet of replicas behind a load balancer', () => {
  let work = '';
  let home = '';
  const replicas = new Map<string, Replica>();
  const slots: { name: string; port: number }[] = [];
  let balancer: Balancer;
  const tags: string[] = [];

  beforeAll(async () => {
    // Made here, not in the describe body, which runs even when the suite is skipped.
    work = mkdtempSync(join(tmpdir(), 'bentoc-fleet-'));
    home = join(work, 'home');
    // Two versions of one service: same model, different description, so different bento versions.
    for (const description of ['version one', 'version two']) {
      const project = join(work, description.replace(' ', '-'));
      mkdirSync(project);
      const bentofile = readFileSync(join(repoRoot, 'samples/iris/bentofile.yaml'), 'utf8').replace(/^description: .*$/m, `description: ${description}`);
      // One onnxruntime thread per replica: four replicas share two cores during the rollout.
      writeFileSync(join(project, 'bentofile.yaml'), `${bentofile}\nruntime: {threads: 1}\n`);
      writeFileSync(join(project, 'iris.onnx'), irisModelBytes());
      const built = runCli(['build', join(project, 'bentofile.yaml'), '--json'], { home });
      expect(built.status, built.stderr).toBe(0);
      tags.push((JSON.parse(built.stdout) as { tag: string }).tag);
    }
    expect(tags[0]).not.toBe(tags[1]);
    for (let i = 1; i <= 6; i++) slots.push({ name: `s${i}`, port: await findFreePort() });
    balancer = await startHaproxy(haproxy!, work, slots);
    for (const slot of slots.slice(0, 3)) replicas.set(slot.name, startReplica(slot.name, tags[0]!, slot.port, home));
    await waitForStates(balancer, { s1: 'UP', s2: 'UP', s3: 'UP' });
  });

  afterAll(async () => {
    for (const replica of replicas.values()) replica.kill();
    await Promise.all([...replicas.values()].map((r) => r.exited));
    await balancer?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('replaces every replica with a new version under load without a failed request; old ones drain and exit 0', async () => {
    const load = startLoad(`${balancer.url}/predict`, SETOSA, CONCURRENCY);
    await waitUntil(() => load.results.length >= 200);
    const exits: Record<string, number | null> = {};
    const terminatedAt: Record<string, number> = {};
    for (let i = 0; i < 3; i++) {
      const [oldSlot, newSlot] = [slots[i]!, slots[i + 3]!];
      replicas.set(newSlot.name, startReplica(newSlot.name, tags[1]!, newSlot.port, home));
      await waitForStates(balancer, { [newSlot.name]: 'UP' });
      const old = replicas.get(oldSlot.name)!;
      terminatedAt[oldSlot.name] = performance.now();
      old.terminate();
      exits[oldSlot.name] = await old.exited;
      expect(old.logs(), oldSlot.name).toMatch(/draining in-flight requests[\s\S]*"msg":"stopped"/);
      replicas.delete(oldSlot.name);
      const served = load.results.length;
      await waitUntil(() => load.results.length >= served + 100);
    }
    const results = await load.stop();
    const failures = results.filter((r) => !isGoodAnswer(r));
    // Answers an old replica gave after its SIGTERM: requests it held when told to stop, finished while draining.
    const drained = results.filter((r) => r.servedBy && terminatedAt[r.servedBy] !== undefined && r.endedAt > terminatedAt[r.servedBy]!).length;
    console.info(`[fleet e2e] rollout: ${results.length} requests, ${failures.length} failed, ${drained} answered by old replicas after SIGTERM, served by ${JSON.stringify(countBy(results))}`);
    expect(exits).toEqual({ s1: 0, s2: 0, s3: 0 });
    expect(failures.slice(0, 5)).toEqual([]);
    // The last answers all came from the new version's replicas.
    expect(new Set(results.slice(-50).map((r) => r.servedBy))).toSatisfy((s: Set<string>) => [...s].every((n) => ['s4', 's5', 's6'].includes(n)));
  });

  it('exposes a load metric that rises under load and falls back when it stops', async () => {
    const replica = [...replicas.values()][0]!;
    const metricsUrl = `http://127.0.0.1:${replica.port}/metrics`;
    expect(await readInFlight(metricsUrl)).toBe(0);
    const load = startLoad(`${balancer.url}/predict`, SETOSA, CONCURRENCY * 4);
    let peak = 0;
    try {
      await waitUntil(async () => (peak = Math.max(peak, await readInFlight(metricsUrl))) > 0);
    } finally {
      await load.stop();
    }
    console.info(`[fleet e2e] bento_requests_in_flight on ${replica.name} under load: ${peak}`);
    await waitUntil(async () => (await readInFlight(metricsUrl)) === 0);
  });

  it('loses at most the in-flight requests of a SIGKILLed replica, then routes around it', async () => {
    const load = startLoad(`${balancer.url}/predict`, SETOSA, CONCURRENCY);
    await waitUntil(() => load.results.length >= 200);
    const before = load.results.length;
    const heldAtMost = load.outstanding();
    const victim = [...replicas.values()].at(-1)!;
    victim.kill();
    expect(await victim.exited).toBeNull();
    replicas.delete(victim.name);
    await waitForStates(balancer, { [victim.name]: 'DOWN' });
    const downAt = load.results.length;
    await waitUntil(() => load.results.length >= downAt + 200);
    const results = await load.stop();
    const failures = results.slice(before).filter((r) => !isGoodAnswer(r));
    console.info(`[fleet e2e] SIGKILL: ${failures.length} failed of ${results.length - before} (at most ${heldAtMost} were in flight)`);
    expect(failures.length).toBeLessThanOrEqual(heldAtMost);
    const afterDown = results.slice(downAt + CONCURRENCY);
    expect(afterDown.filter((r) => !isGoodAnswer(r))).toEqual([]);
    expect(afterDown.some((r) => r.servedBy === victim.name)).toBe(false);
  });
});

function isGoodAnswer(result: LoadResult): boolean {
  return result.status === 200 && result.body.includes('"label":"setosa"') && result.servedBy !== undefined;
}

function countBy(results: LoadResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) counts[r.servedBy ?? `status ${r.status}`] = (counts[r.servedBy ?? `status ${r.status}`] ?? 0) + 1;
  return counts;
}

async function readInFlight(url: string): Promise<number> {
  const text = await (await fetch(url)).text();
  return Number(/^bento_requests_in_flight\{api="predict"\} (\d+)$/m.exec(text)?.[1] ?? NaN);
}

async function waitForStates(balancer: Balancer, wanted: Record<string, string>): Promise<void> {
  let states: Record<string, string> = {};
  try {
    await waitUntil(async () => {
      states = await balancer.states();
      return Object.entries(wanted).every(([name, state]) => states[name] === state);
    }, 60_000);
  } catch (error) {
    throw new Error(`haproxy never showed ${JSON.stringify(wanted)}; last: ${JSON.stringify(states)}`, { cause: error });
  }
}

async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
