import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, runCli, serveBento, type RunningServer } from '../support/cli.js';
import { makeProjectFrom, makeTempDir } from '../support/iris-project.js';
import { startHubServer, type RunningHub } from '../hub/support/hub-server.js';

const bin = fileURLToPath(new URL('../../bin/bentoc.mjs', import.meta.url));

/**
 * The team workflow with the real CLI and real sockets: CI builds and pushes with a write token, a second
 * machine (another BENTOML_HOME) pulls with a read token and serves; a push killed half-way resumes.
 */
describe('bentoc hub: push from one store, pull into another, serve', () => {
  const data = makeTempDir('hub-data');
  const ci = makeTempDir('hub-ci');
  const prod = makeTempDir('hub-prod');
  let hub: RunningHub;
  let server: RunningServer | undefined;
  let writeToken: string;
  let readToken: string;
  let tag: string;
  const projects: string[] = [];

  const asCi = (args: string[], env: NodeJS.ProcessEnv = {}) => runCliWithEnv(args, ci, { BENTOC_HUB_URL: hub.url, BENTOC_HUB_TOKEN: writeToken, ...env });
  const asProd = (args: string[]) => runCliWithEnv(args, prod, { BENTOC_HUB_URL: hub.url, BENTOC_HUB_TOKEN: readToken });

  beforeAll(async () => {
    const token = (...args: string[]) => {
      const created = runCli(['hub', 'token', 'create', '--data', data, ...args], { home: ci });
      expect(created.status, created.stderr).toBe(0);
      return created.stdout.trim();
    };
    token('--admin');
    writeToken = token('--name', 'ci', '--scope', 'write:*');
    readToken = token('--name', 'prod', '--scope', 'read:*', '--expires', '1d');
    hub = await startHubServer(['--data', data]);
    const project = makeProjectFrom(join(repoRoot, 'samples/iris'));
    projects.push(project);
    const built = runCli(['build', join(project, 'bentofile.yaml'), '--json'], { home: ci });
    expect(built.status, built.stderr).toBe(0);
    tag = JSON.parse(built.stdout).tag;
  });

  afterAll(async () => {
    await server?.stop();
    await hub?.stop();
    for (const dir of [data, ci, prod, ...projects]) rmSync(dir, { recursive: true, force: true });
  });

  it('resumes a push that was killed with SIGKILL half-way, and shows nothing until it completes', async () => {
    const child = spawn(process.execPath, [bin, 'push', tag, '--json'], {
      cwd: repoRoot,
      env: { ...process.env, BENTOML_HOME: ci, BENTOC_HUB_URL: hub.url, BENTOC_HUB_TOKEN: writeToken, BENTOC_HUB_CHUNK_BYTES: String(64 * 1024) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise((done) => child.on('exit', done));
    for await (const line of createInterface({ input: child.stdout! })) {
      const event = JSON.parse(line);
      if (event.event === 'progress') {
        child.kill('SIGKILL'); // the first chunk is in; the rest never comes
        break;
      }
    }
    await exited;
    const [name, version] = tag.split(':');
    const headers = { authorization: `Bearer ${writeToken}` };
    expect((await fetch(`${hub.url}/api/v1/bentos/${name}/versions/${version}`, { headers })).status).toBe(404);
    expect(((await (await fetch(`${hub.url}/api/v1/bentos`, { headers })).json()) as { items: unknown[] }).items).toEqual([]);

    const again = asCi(['push', tag, '--json']);
    expect(again.status, again.stderr).toBe(0);
    const events = again.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const resume = events.find((e) => e.event === 'resume');
    expect(resume?.offset).toBeGreaterThanOrEqual(64 * 1024);
    expect(events.at(-1)).toMatchObject({ event: 'done', tag });
    const twice = asCi(['push', tag, '--json']);
    expect(twice.stdout).toContain('"event":"exists"');
  });

  it('pulls into a second store with a read token, verifies it, and serves predictions', async () => {
    const pulled = asProd(['pull', tag.split(':')[0]!, '--json']);
    expect(pulled.status, pulled.stderr).toBe(0);
    expect(pulled.stdout.trim().split('\n').at(-1)).toContain('"imported":true');
    expect(readdirSync(join(prod, 'tmp')).filter((f) => f.startsWith('pull-'))).toEqual([]);
    server = await serveBento(`${tag.split(':')[0]}:latest`, { home: prod });
    const response = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '[[5.1,3.5,1.4,0.2],[6.7,3.0,5.2,2.3]]' });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { label: string }[]).map((r) => r.label)).toEqual(['setosa', 'virginica']);
  });

  it('pushes and pulls models, refuses a damaged blob, a push with a read token or a missing login', async () => {
    const modelProject = makeProjectFrom(join(repoRoot, 'samples/iris'));
    projects.push(modelProject);
    const onnx = join(modelProject, 'iris.onnx');
    expect(asCi(['models', 'import', onnx, '--name', 'iris']).status).toBe(0);
    const pushed = asCi(['models', 'push', 'iris', '--label', 'stage=prod']);
    expect(pushed.status, pushed.stderr).toBe(0);
    const pulled = asProd(['models', 'pull', 'iris:latest']);
    expect(pulled.status, pulled.stderr).toBe(0);
    const record = JSON.parse(asProd(['models', 'get', 'iris', '-o', 'json']).stdout);
    expect(record.sha256).toBe(JSON.parse(asCi(['models', 'get', 'iris', '-o', 'json']).stdout).sha256);

    // a blob damaged on the hub's disk is caught by the pull's own sha256 check: nothing reaches the store
    const version = JSON.parse(asProd(['models', 'get', 'iris', '-o', 'json']).stdout).version;
    const remote = (await (await fetch(`${hub.url}/api/v1/models/iris/versions/${version}`, { headers: { authorization: `Bearer ${readToken}` } })).json()) as { digest: string };
    const blob = join(data, 'blobs', 'sha256', remote.digest.slice(0, 2), remote.digest);
    const bytes = readFileSync(blob);
    bytes[bytes.length - 10] ^= 0xff;
    writeFileSync(blob, bytes);
    const third = makeTempDir('hub-third');
    const corrupt = runCliWithEnv(['models', 'pull', 'iris'], third, { BENTOC_HUB_URL: hub.url, BENTOC_HUB_TOKEN: readToken });
    expect(corrupt.status).toBe(1);
    expect(corrupt.stderr).toContain('hub_digest_mismatch');
    expect(runCli(['models', 'list', '-o', 'json'], { home: third }).stdout.trim()).toBe('[]');
    expect(readdirSync(join(third, 'tmp'))).toEqual([]);
    rmSync(third, { recursive: true, force: true });

    const denied = asCi(['models', 'push', 'iris'], { BENTOC_HUB_TOKEN: readToken });
    expect(denied.status).toBe(1);
    expect(denied.stderr).toMatch(/error\[hub_error\]: hub answered 403 forbidden/);
    expect(denied.stderr).toContain('hub_error');
    const anonymous = runCliWithEnv(['pull', 'nothing'], prod, { BENTOC_HUB_URL: '', BENTOC_HUB_TOKEN: '' });
    expect(anonymous.stderr).toContain('hub_not_configured');
    const dead = runCliWithEnv(['pull', 'nothing'], prod, { BENTOC_HUB_URL: 'http://127.0.0.1:9', BENTOC_HUB_TOKEN: readToken });
    expect(dead.stderr).toContain('hub_unreachable');
  });

  it('logs in, saving the URL and token for later commands', () => {
    const login = runCliWithEnv(['login', hub.url, '--token', readToken], prod, { BENTOC_HUB_URL: '', BENTOC_HUB_TOKEN: '' });
    expect(login.status, login.stderr).toBe(0);
    expect(login.stdout).toContain('as `prod`');
    const again = runCliWithEnv(['pull', tag], prod, { BENTOC_HUB_URL: '', BENTOC_HUB_TOKEN: '' });
    expect(again.status, again.stderr).toBe(0);
    const bad = runCliWithEnv(['login', hub.url, '--token', `bch_000000000000_${'x'.repeat(43)}`], prod, { BENTOC_HUB_URL: '', BENTOC_HUB_TOKEN: '' });
    expect(bad.stderr).toContain('401 token_invalid');
  });
});

function runCliWithEnv(args: string[], home: string, env: NodeJS.ProcessEnv) {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  try {
    return runCli(args, { home });
  } finally {
    for (const key of Object.keys(env)) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  }
}
