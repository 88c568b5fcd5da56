/**
 * `containerize --push` against a real registry (Debian's docker-registry on loopback, with basic auth): the
 * credentials come from $DOCKER_CONFIG or --registry-auth, the printed digest is the registry's, and the image
 * pulled back by that digest serves predictions. Needs the engine and base image of containerize.test.ts plus
 * `docker-registry` (`.ci/run` installs it); skipped locally without them, failing under CI=true.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { connectDockerEngine } from '../../compiler/image/docker-engine.js';
import { findRegistryBinary, REGISTRY_PASSWORD, REGISTRY_USER, startRegistry, type LocalRegistry } from '../support/docker-registry.js';
import { makeProjectFrom } from '../support/iris-project.js';
import { declareSkipOrFail, findDockerSkipReason } from '../support/prerequisites.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const BASE_IMAGE = process.env.BENTOC_TEST_BASE_IMAGE || 'bentoc-test-base:node20';
const run = promisify(execFile);
const MANIFEST_TYPES = ['application/vnd.docker.distribution.manifest.v2+json', 'application/vnd.oci.image.manifest.v1+json'];

const skipReason =
  (await findDockerSkipReason(BASE_IMAGE)) ?? (findRegistryBinary() ? undefined : 'docker-registry is not installed (apt-get install docker-registry)');
declareSkipOrFail('push e2e', skipReason);

describe.skipIf(skipReason !== undefined)('bentoc containerize --push (real registry)', () => {
  let docker: Docker;
  let registry: LocalRegistry;
  let env: NodeJS.ProcessEnv;
  let reference = '';
  let events: Array<Record<string, unknown>> = [];
  let work = '';
  const images = new Set<string>();
  let container: Docker.Container | undefined;

  beforeAll(async () => {
    // Made here, not in the describe body, which runs even when the suite is skipped.
    work = mkdtempSync(join(tmpdir(), 'bentoc-push-'));
    docker = (await connectDockerEngine()).docker;
    registry = await startRegistry(findRegistryBinary()!);
    reference = `${registry.host}/bentoc-e2e/iris:${process.pid}`;
    images.add(reference);
    // `docker login` writes this file; the push must find the credentials there by itself.
    const dockerConfig = join(work, 'docker-config');
    mkdirSync(dockerConfig);
    const auth = Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64');
    writeFileSync(join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [registry.host]: { auth } } }));
    env = { ...process.env, BENTOML_HOME: join(work, 'home'), DOCKER_CONFIG: dockerConfig };
    const project = makeProjectFrom(join(REPO_ROOT, 'samples/iris'));
    try {
      await bentoc(['build', join(project, 'bentofile.yaml')], env);
    } finally {
      rmSync(project, { recursive: true, force: true });
    }
    const pushed = await bentoc(['containerize', 'iris_classifier:latest', '-t', reference, '--base-image', BASE_IMAGE, '--push', '--json'], env);
    events = pushed.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
  });

  afterAll(async () => {
    await container?.remove({ force: true }).catch(() => undefined);
    for (const image of images) await docker?.getImage(image).remove({ force: true }).catch(() => undefined);
    await registry?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('reports layer progress and ends with the digest the registry stored', async () => {
    expect(events.some((e) => e.event === 'layer' && e.status === 'Pushed')).toBe(true);
    const last = events.at(-1)!;
    expect(last).toMatchObject({ event: 'pushed', reference });
    expect(last.digest).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(last.pinned).toBe(`${registry.host}/bentoc-e2e/iris@${last.digest}`);
    const res = await fetch(`http://${registry.host}/v2/bentoc-e2e/iris/manifests/${process.pid}`, {
      headers: { accept: MANIFEST_TYPES.join(', '), authorization: `Basic ${Buffer.from(`${REGISTRY_USER}:${REGISTRY_PASSWORD}`).toString('base64')}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-content-digest')).toBe(last.digest);
  });

  it('pulls the image back by digest and serves from it under the Deployment\'s security settings', async () => {
    const pinned = String(events.at(-1)!.pinned);
    for (const image of images) await docker.getImage(image).remove({ force: true }).catch(() => undefined);
    images.add(pinned);
    const stream = await docker.pull(pinned, { authconfig: { username: REGISTRY_USER, password: REGISTRY_PASSWORD, serveraddress: registry.host } });
    await new Promise((done, fail) => docker.modem.followProgress(stream, (error: Error | null) => (error ? fail(error) : done(undefined))));
    // What `bentoc deploy --image <pinned>` tells Kubernetes, applied the way a kubelet would on this engine.
    await bentoc(['deploy', 'iris_classifier:latest', '--image', pinned, '-o', join(work, 'k8s')], env);
    const deployment = parse(readFileSync(join(work, 'k8s', 'deployment.yaml'), 'utf8'));
    const spec = deployment.spec.template.spec.containers[0];
    const security = spec.securityContext;
    expect(spec.image).toBe(pinned);
    container = await docker.createContainer({
      Image: spec.image,
      User: `${security.runAsUser}:${security.runAsGroup}`,
      ExposedPorts: { '5000/tcp': {} },
      HostConfig: {
        PortBindings: { '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] },
        ReadonlyRootfs: security.readOnlyRootFilesystem,
        CapDrop: security.capabilities.drop,
        SecurityOpt: security.allowPrivilegeEscalation === false ? ['no-new-privileges'] : [],
        Tmpfs: Object.fromEntries(spec.volumeMounts.map((m: { mountPath: string }) => [m.mountPath, 'rw,size=64m'])),
        Memory: 2 ** 20 * Number(/^(\d+)Mi$/.exec(spec.resources.limits.memory)![1]),
      },
    });
    await container.start();
    const port = (await container.inspect()).NetworkSettings.Ports['5000/tcp']![0]!.HostPort;
    const url = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetchWithin(`${url}/readyz`, 1_000)).ok, 60_000);
    const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[[5.1,3.5,1.4,0.2]]' });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain('setosa');
  });

  it('fails with image_push_failed and a login hint when the credentials are wrong', async () => {
    const failed = await bentoc(
      ['containerize', 'iris_classifier:latest', '-t', `${registry.host}/bentoc-e2e/denied:${process.pid}`, '--base-image', BASE_IMAGE, '--push', '--registry-auth', `${REGISTRY_USER}:wrong`],
      env,
      { allowFailure: true },
    );
    images.add(`${registry.host}/bentoc-e2e/denied:${process.pid}`);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/image_push_failed/);
    expect(failed.stderr).toMatch(/registry-auth|docker login/);
  });
});

async function bentoc(args: string[], env: NodeJS.ProcessEnv, options: { allowFailure?: boolean } = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(REPO_ROOT, 'bin/bentoc.mjs'), ...args], { cwd: REPO_ROOT, env, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string; message: string };
    if (options.allowFailure) return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
    throw new Error(`bentoc ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

async function fetchWithin(url: string, timeoutMs: number): Promise<Response> {
  return fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
}
