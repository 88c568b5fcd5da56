/**
 * Debian's `docker-registry` (distribution 2.8) on 127.0.0.1, with its own config, storage and htpasswd file in a
 * temp dir. dockerd treats 127.0.0.0/8 registries as insecure already, so plain HTTP works for push and pull.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from './free-port.js';

export const REGISTRY_USER = 'bentoc-ci';
export const REGISTRY_PASSWORD = 's3cret-for-tests';
// bcrypt (cost 4, so each request's check is cheap) of REGISTRY_PASSWORD; the registry accepts only bcrypt.
const PASSWORD_HASH = '$2b$04$PJRjVlyFHi5FvVREhllr0uXZv.ZmSPhfGuVJ3KOg23vMwZVjU.i.6';

export interface LocalRegistry {
  /** `127.0.0.1:<port>`: the registry part of image references. */
  host: string;
  logs: () => string;
  stop(): Promise<void>;
}

export function findRegistryBinary(): string | undefined {
  const found = spawnSync('sh', ['-c', 'command -v docker-registry'], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

export async function startRegistry(binary: string): Promise<LocalRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'bentoc-registry-'));
  mkdirSync(join(dir, 'storage'));
  writeFileSync(join(dir, 'htpasswd'), `${REGISTRY_USER}:${PASSWORD_HASH}\n`);
  const port = await findFreePort();
  const host = `127.0.0.1:${port}`;
  writeFileSync(
    join(dir, 'config.yml'),
    [
      'version: 0.1',
      'log: {level: info}',
      `storage: {filesystem: {rootdirectory: ${join(dir, 'storage')}}, delete: {enabled: true}}`,
      `http: {addr: "${host}"}`,
      `auth: {htpasswd: {realm: bentoc-test, path: ${join(dir, 'htpasswd')}}}`,
      '',
    ].join('\n'),
  );
  const child = spawn(binary, ['serve', join(dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    // /v2/ answers 401 (auth required) once the registry listens.
    const status = await fetch(`http://${host}/v2/`).then((r) => r.status, () => 0);
    if (status === 401) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not start on ${host}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { host, logs: () => output, stop };
}
