/**
 * The user's journey step 7 on a real Docker engine: build the iris bento with the real CLI, containerize
 * it, run the image and hit it over HTTP. Needs an engine (DOCKER_HOST) and a local base image
 * (BENTOC_TEST_BASE_IMAGE, made by test/support/docker/make-base-image.sh): `.ci/run` provides both.
 * Without them the suite is skipped locally and fails in CI, so a broken CI engine can never pass silently.
 */
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDockerEngine } from '../../compiler/image/docker-engine.js';
import { makeProjectFrom, makeTempDir } from '../support/iris-project.js';
import { declareSkipOrFail, findDockerSkipReason } from '../support/prerequisites.js';
import { startSplitPost } from '../support/split-post.js';
import { createInferenceClient } from '../v2/support/grpc-client.js';

const REPO_ROOT = resolve(import.meta.dirname, '../..');
const BASE_IMAGE = process.env.BENTOC_TEST_BASE_IMAGE || 'bentoc-test-base:node20';
const IMAGE_TAG = `bentoc-e2e-iris:${process.pid}`;
const SETOSA_ROW = [[5.1, 3.5, 1.4, 0.2]];
const run = promisify(execFile);

const skipReason = await findDockerSkipReason(BASE_IMAGE);
declareSkipOrFail('containerize e2e', skipReason);

describe.skipIf(skipReason !== undefined)('bentoc containerize (real engine)', () => {
  let docker: Docker;
  let container: Docker.Container | undefined;
  let baseUrl = '';
  let grpcPort = 0;
  let bentoVersion = '';
  const events: Array<Record<string, unknown>> = [];
  // Made in beforeAll, not here: a describe body runs even when the suite is skipped, and would leave a folder.
  let env: NodeJS.ProcessEnv = {};

  beforeAll(async () => {
    env = { ...process.env, BENTOML_HOME: makeTempDir('home') };
    docker = (await connectDockerEngine()).docker;
    const project = makeProjectFrom(join(REPO_ROOT, 'samples/iris'));
    await bentoc(['build', join(project, 'bentofile.yaml')], env);
    const { stdout } = await bentoc(['get', 'iris_classifier:latest', '-o', 'json'], env);
    bentoVersion = (JSON.parse(stdout) as { version: string }).version;
    const built = await bentoc(['containerize', 'iris_classifier:latest', '-t', IMAGE_TAG, '--base-image', BASE_IMAGE, '--json'], env);
    events.push(...built.stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>));
  });

  afterAll(async () => {
    await container?.remove({ force: true }).catch(() => undefined);
    await docker?.getImage(IMAGE_TAG).remove({ force: true }).catch(() => undefined);
  });

  it('reports a base image the engine cannot get as image_build_failed, exit 1', async () => {
    const args = ['containerize', 'iris_classifier:latest', '-t', `${IMAGE_TAG}-x`, '--base-image', 'bentoc-no-such-base:none', '--json'];
    const failed = await run(process.execPath, [join(REPO_ROOT, 'bin/bentoc.mjs'), ...args], { cwd: REPO_ROOT, env }).then(
      () => undefined,
      (error: { code: number; stdout: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(JSON.parse(failed!.stdout.trim().split('\n').at(-1)!)).toMatchObject({ ok: false, diagnostics: [{ code: 'image_build_failed' }] });
  });

  it('streams NDJSON progress ending with the built image', () => {
    expect(events.some((e) => e.event === 'step')).toBe(true);
    expect(events.at(-1)).toMatchObject({ event: 'built', tags: [IMAGE_TAG] });
  });

  it('labels the image and declares a healthcheck, a port and a non-root user', async () => {
    const info = await docker.getImage(IMAGE_TAG).inspect();
    expect(info.Config.Labels).toMatchObject({
      'org.opencontainers.image.title': 'iris_classifier',
      'org.opencontainers.image.version': bentoVersion,
      'org.opencontainers.image.base.name': BASE_IMAGE,
      owner: 'ml-team',
    });
    expect(info.Config.Healthcheck?.Test?.join(' ')).toContain('/readyz');
    expect(Object.keys(info.Config.ExposedPorts ?? {}).sort()).toEqual(['5000/tcp', '8001/tcp']);
    expect(info.Config.User).not.toMatch(/^(|0|root)(:.*)?$/);
  });

  it('starts, becomes ready and reports healthy', async () => {
    const started = Date.now();
    container = await docker.createContainer({
      Image: IMAGE_TAG,
      ExposedPorts: { '5000/tcp': {}, '8001/tcp': {} },
      // HostPort '' lets the engine pick a free port: no race with other tests for a fixed one.
      HostConfig: { PortBindings: { '5000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }], '8001/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
    });
    await container.start();
    const ports = (await container.inspect()).NetworkSettings.Ports;
    baseUrl = `http://127.0.0.1:${ports['5000/tcp']![0]!.HostPort}`;
    grpcPort = Number(ports['8001/tcp']![0]!.HostPort);
    // docker-proxy accepts before the app listens and may hold that connection: bound each attempt.
    await waitFor(async () => (await fetchWithin(`${baseUrl}/readyz`, 1_000)).ok, 60_000);
    console.info(`[containerize e2e] container start-to-ready: ${Date.now() - started} ms`);
    await waitFor(async () => (await container!.inspect()).State.Health?.Status === 'healthy', 60_000);
  });

  it('runs as a non-root user inside the container', async () => {
    const uid = await execInContainer(container!, ['id', '-u']);
    expect(uid.trim()).not.toBe('0');
  });

  it('serves the README curl: setosa for a setosa row', async () => {
    const res = await fetch(`${baseUrl}/predict`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(SETOSA_ROW),
    });
    expect(res.status).toBe(200);
    expect(JSON.stringify(await res.json())).toContain('setosa');
  });

  it('speaks the Open Inference Protocol: v2 REST on the HTTP port, gRPC on 8001 from the image\'s .proto', async () => {
    const rest = await fetch(`${baseUrl}/v2/models/iris/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], data: SETOSA_ROW.flat() }] }),
    });
    expect(rest.status).toBe(200);
    const tmpDir = makeTempDir('proto');
    const proto = join(tmpDir, 'grpc_predict_v2.proto');
    writeFileSync(proto, await execInContainer(container!, ['cat', '/bento/proto/grpc_predict_v2.proto']));
    const client = createInferenceClient(grpcPort, proto);
    try {
      const answer = await client.call('ModelInfer', { model_name: 'iris', inputs: [{ name: 'input', datatype: 'FP32', shape: [1, 4], contents: { fp32_contents: SETOSA_ROW.flat() } }] });
      const label = answer.outputs.find((output: { name: string }) => output.name === 'label');
      expect(label.contents.int64_contents).toEqual(['0']);
    } finally {
      client.close();
      rmSync(tmpDir, { recursive: true, force: true });
    }
  });

  it('exposes Prometheus metrics', async () => {
    const res = await fetch(`${baseUrl}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/^# (HELP|TYPE) /m);
  });

  it('drains on SIGTERM: a request in flight is answered and the container exits 0', async () => {
    // The body is sent in two halves around the signal, so the request is surely in flight when it lands.
    const body = JSON.stringify(SETOSA_ROW);
    const half = Math.floor(body.length / 2);
    const inFlight = startSplitPost(`${baseUrl}/predict`, body.slice(0, half));
    await sleep(300);
    await container!.kill({ signal: 'SIGTERM' });
    await sleep(300);
    inFlight.finish(body.slice(half));
    const answer = await inFlight.response;
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('setosa');
    const exit = (await container!.wait()) as { StatusCode: number };
    expect(exit.StatusCode).toBe(0);
  });
});

async function bentoc(args: string[], env: NodeJS.ProcessEnv): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(process.execPath, [join(REPO_ROOT, 'bin/bentoc.mjs'), ...args], { cwd: REPO_ROOT, env, maxBuffer: 64 << 20 });
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`bentoc ${args.join(' ')} failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`);
  }
}

async function execInContainer(container: Docker.Container, cmd: string[]): Promise<string> {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const out = new PassThrough();
  let text = '';
  out.on('data', (chunk: Buffer) => (text += chunk.toString()));
  container.modem.demuxStream(stream, out, out);
  await new Promise((done) => stream.on('end', done));
  return text;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
}

async function fetchWithin(url: string, timeoutMs: number): Promise<Response> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    return await fetch(url, { signal: abort.signal });
  } finally {
    clearTimeout(timer);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
