import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, type AddressInfo } from 'node:net';
import { join, relative } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProjectFrom, makeTempDir } from '../support/iris-project.js';
import { repoRoot, runCli, serveBento, type RunningServer } from '../support/cli.js';

const promtool = ['/usr/bin/promtool', '/usr/local/bin/promtool'].find((path) => existsSync(path));
if (!promtool) console.warn('[iris e2e] promtool not found (apt-get install prometheus): the /metrics lint is skipped');

/** The user's journey with the iris sample, through the real CLI and a real server on a free port. */
describe('iris sample through the bentoc CLI', () => {
  const home = makeTempDir('home');
  let project: string;
  let tag: string;
  let server: RunningServer;

  beforeAll(async () => {
    project = makeProjectFrom(join(repoRoot, 'samples/iris'));
    const built = runCli(['build', join(project, 'bentofile.yaml'), '--json'], { home });
    expect(built.status, built.stderr).toBe(0);
    tag = JSON.parse(built.stdout).tag;
    server = await serveBento('iris_classifier:latest', { home });
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null) await server.stop();
  });

  it('builds a bento with every part the store layout promises', () => {
    const dir = runCli(['get', tag, '-o', 'path'], { home }).stdout.trim();
    for (const file of ['bento.yaml', 'server.mjs', 'openapi.json', 'Dockerfile', 'README.md', 'models/iris.onnx']) {
      expect(statSync(join(dir, file)).isFile(), file).toBe(true);
    }
    expect(statSync(join(dir, 'node_modules/onnxruntime-node')).isDirectory()).toBe(true);
    const manifest = JSON.parse(runCli(['get', tag, '-o', 'json'], { home }).stdout);
    expect(manifest.models[0].sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(manifest.apis[0]).toMatchObject({ name: 'predict', route: '/predict' });
  });

  it('answers predictions equal to a direct onnxruntime call', async () => {
    const rows = [[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]];
    const response = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rows) });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { label: string; probabilities: Record<string, number> }[];
    expect(body.map((r) => r.label)).toEqual(['setosa', 'virginica', 'versicolor']);

    const session = await ort.InferenceSession.create(readFileSync(join(project, 'iris.onnx')));
    const direct = await session.run({ input: new ort.Tensor('float32', Float32Array.from(rows.flat()), [3, 4]) });
    const probabilities = direct.probabilities!.data as Float32Array;
    body.forEach((row, i) => {
      // The server prints float32 values in their shortest form; read back as float32 they are exact.
      expect(Object.values(row.probabilities).map(Math.fround)).toEqual(Array.from(probabilities.slice(i * 3, i * 3 + 3)));
    });
  });

  it('rejects malformed requests with 4xx JSON errors and keeps serving', async () => {
    const post = (body: string, type = 'application/json') =>
      fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': type }, body });
    const cases: [string, string, number, string][] = [
      ['garbage', 'not json at all', 400, ''],
      ['truncated', '[[5.1, 3.5', 400, ''],
      ['wrong dtype', '[[5.1, 3.5, "x", 0.2]]', 400, 'input[0][2]'],
      ['wrong shape', '[[5.1, 3.5]]', 400, '[n, 4]'],
      ['ragged', '[[5.1, 3.5, 1.4, 0.2], [1, 2]]', 400, ''],
      ['scalar', '42', 400, ''],
      ['empty list', '[]', 400, ''],
      ['null', 'null', 400, ''],
      ['object', '{"foo": 1}', 400, ''],
    ];
    for (const [name, body, status, mention] of cases) {
      const response = await post(body);
      expect(response.status, name).toBe(status);
      const error = (await response.json()) as { error: { code: string; message: string } };
      expect(error.error.code, name).toMatch(/^[a-z_]+$/);
      expect(error.error.message, name).toContain(mention);
    }
    expect((await post('[[1,2,3,4]]', 'text/plain')).status).toBe(415);
    expect(await postDeclaringLength(`${server.url}/predict`, 64 * 1024 * 1024)).toMatchObject({ status: 413, code: 'body_too_large' });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect((await post('[[5.1, 3.5, 1.4, 0.2]]')).status).toBe(200);
  });

  it('serves Swagger UI, the OpenAPI spec, probes and metrics', async () => {
    expect(await (await fetch(`${server.url}/`)).text()).toContain('swagger-ui');
    const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as { openapi: string; paths: object };
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toContain('/predict');
    expect((await fetch(`${server.url}/docs.json`)).status).toBe(200);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${server.url}/livez`)).status).toBe(200);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/route="\/predict"/);
  });

  // promtool comes with Debian's `prometheus` package (.ci/run installs it); locally it may be absent.
  it.skipIf(promtool === undefined && process.env.CI !== 'true')('serves /metrics that `promtool check metrics` accepts', async () => {
    expect(promtool, 'CI=true but promtool is not installed (apt-get install prometheus)').toBeDefined();
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/bento_batch_size_rows_bucket/);
    const checked = spawnSync(promtool!, ['check', 'metrics'], { input: metrics, encoding: 'utf8' });
    expect(`${checked.stdout}${checked.stderr}`.trim()).toBe('');
    expect(checked.status).toBe(0);
  });

  it('runs one prediction with `bentoc run`, no server', () => {
    const ok = runCli(['run', 'iris_classifier:latest', 'predict', '--input', '[[5.1,3.5,1.4,0.2]]'], { home });
    expect(ok.status, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)[0].label).toBe('setosa');

    const bodyFile = join(project, 'request.json');
    writeFileSync(bodyFile, JSON.stringify({ instances: [[6.7, 3.0, 5.2, 2.3]] }));
    const fromFile = runCli(['run', tag, 'predict', '--input', `@${bodyFile}`], { home });
    expect(JSON.parse(fromFile.stdout)[0].label).toBe('virginica');

    const bad = runCli(['run', tag, 'predict', '--input', '[[1, 2]]'], { home });
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe('shape_mismatch');

    const typo = runCli(['run', tag, 'predit', '--input', '[[1, 2, 3, 4]]'], { home });
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain('did you mean `predict`?');
  });

  it('says how to fix a busy gRPC port, as for the HTTP port, and exits 1', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const grpcPort = (taken.address() as AddressInfo).port;
    try {
      const busy = runCli(['serve', 'iris_classifier:latest', '--port', '0', '--host', '127.0.0.1', '--grpc-port', String(grpcPort)], { home });
      expect(busy.status).toBe(1);
      expect(busy.stderr).toContain(`error: gRPC port ${grpcPort} is already in use`);
      expect(busy.stderr).toContain('--grpc-port N (or GRPC_PORT=N; 0 turns the gRPC service off)');
      expect(busy.stderr + busy.stdout).not.toMatch(/\n\s+at /);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });

  it('says how to fix a busy port or a bad PORT, without a stack or usage text, and exits 1', () => {
    const port = new URL(server.url).port;
    const busy = runCli(['serve', 'iris_classifier:latest', '--port', port, '--host', '127.0.0.1'], { home });
    expect(busy.status).toBe(1);
    expect(busy.stderr).toContain(`error: port ${port} is already in use`);
    expect(busy.stderr).toContain('--port N (or PORT=N');
    expect(busy.stderr + busy.stdout).not.toMatch(/\n\s+at /);

    const badEnv = runCli(['serve', 'iris_classifier:latest'], { home, env: { PORT: '99999' } });
    expect(badEnv.status).toBe(1);
    expect(badEnv.stderr).toContain('error[bad_cli_input]: PORT=99999 is not a port');
    expect(badEnv.stderr).not.toContain('Usage');
  });

  it('builds a project given as a folder from its bentofile.yaml', () => {
    const built = runCli(['build', project, '--json'], { home });
    expect(built.status, built.stderr).toBe(0);
    expect(JSON.parse(built.stdout)).toMatchObject({ tag, reused: true });
  });

  it('exits 0 on SIGTERM', async () => {
    expect(await server.stop()).toBe(0);
  });

  it('lists, shows and deletes bentos', () => {
    const list = JSON.parse(runCli(['list', '-o', 'json'], { home }).stdout) as { name: string; version: string; latest: boolean }[];
    expect(list).toEqual([expect.objectContaining({ name: 'iris_classifier', latest: true })]);
    expect(runCli(['list'], { home }).stdout).toContain(`${tag} (latest)`);
    expect(runCli(['delete', tag], { home }).status).toBe(1); // no TTY, no -y: refuses
    expect(runCli(['delete', tag, '-y'], { home }).status).toBe(0);
    const missing = runCli(['get', tag], { home });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('error[bento_not_found]');
  });
});

describe('reproducible builds', () => {
  it('gives the same version and the same bytes for the same inputs', () => {
    const project = makeProjectFrom(join(repoRoot, 'samples/iris'));
    const homes = [makeTempDir('home-a'), makeTempDir('home-b')];
    const builds = homes.map((home) => JSON.parse(runCli(['build', join(project, 'bentofile.yaml'), '--json'], { home }).stdout));
    expect(builds[0].tag).toBe(builds[1].tag);
    const [a, b] = builds.map((build) => hashTree(build.dir));
    expect(a).toEqual(b);

    const again = JSON.parse(runCli(['build', join(project, 'bentofile.yaml'), '--json'], { home: homes[0]! }).stdout);
    expect(again).toMatchObject({ tag: builds[0].tag, reused: true });
  });
});

describe('build errors as a user sees them', () => {
  it('prints file:line:col, the code, a frame and a hint, and exits 1', () => {
    const project = makeProjectFrom(join(repoRoot, 'samples/iris'));
    const file = join(project, 'bentofile.yaml');
    const text = readFileSync(file, 'utf8').replace('artifacts:', 'artifact:');
    const broken = join(project, 'broken.yaml');
    writeFileSync(broken, text);
    const result = runCli(['build', broken], { home: makeTempDir('home'), cwd: project });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/^broken\.yaml:\d+:1 error\[unknown_key\]: unknown key `artifact`/m);
    expect(result.stderr).toContain('hint: did you mean `artifacts`?');
    expect(result.stderr).toMatch(/> +\d+ \| artifact:/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace

    const json = runCli(['build', broken, '--json'], { home: makeTempDir('home'), cwd: project });
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout).diagnostics[0]).toMatchObject({ code: 'unknown_key', file: 'broken.yaml', column: 1 });
  });
});

/**
 * Announces a body over the limit without sending it: the server must answer 413 from the header alone
 * (fetch would keep writing the body and see the connection closed under it).
 */
function postDeclaringLength(url: string, bytes: number): Promise<{ status: number; code: string }> {
  return new Promise((done, fail) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': bytes } }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => done({ status: response.statusCode ?? 0, code: JSON.parse(text).error.code }));
    });
    request.on('error', fail);
    request.write('[[1,2,3,4]');
  });
}

function hashTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath ?? entry.path, entry.name);
    out[relative(dir, path)] = createHash('sha256').update(readFileSync(path)).digest('hex');
  }
  return out;
}

describe('bentoc serve when the CLI itself is killed', () => {
  it('the server it started drains and exits instead of living on (the IPC lifeline closes)', async () => {
    const home = makeTempDir('home');
    const project = makeProjectFrom(join(repoRoot, 'samples/iris'));
    expect(runCli(['build', join(project, 'bentofile.yaml')], { home }).status).toBe(0);
    const server = await serveBento('iris_classifier:latest', { home });
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    server.child.kill('SIGKILL');
    let stoppedAnswering = false;
    for (let i = 0; i < 600 && !stoppedAnswering; i += 1) {
      stoppedAnswering = await fetch(`${server.url}/livez`).then(() => false, () => true);
      if (!stoppedAnswering) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(stoppedAnswering, 'the orphaned server still answers 30 s after its CLI was killed').toBe(true);
  });
});
