import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BentocError } from '../../compiler/diagnostics/index.js';
import { splitReference } from '../../compiler/image/push-image.js';
import { registryOf, resolveRegistryAuth } from '../../compiler/image/registry-auth.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function dockerConfig(config: unknown): NodeJS.ProcessEnv {
  const dir = mkdtempSync(join(tmpdir(), 'bentoc-dockercfg-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  return { DOCKER_CONFIG: dir };
}

describe('registryOf and splitReference', () => {
  it.each([
    ['127.0.0.1:5000/iris:1', '127.0.0.1:5000', '127.0.0.1:5000/iris', '1'],
    ['localhost/team/iris', 'localhost', 'localhost/team/iris', 'latest'],
    ['ghcr.io/org/iris:v2', 'ghcr.io', 'ghcr.io/org/iris', 'v2'],
    ['team/iris:3', 'docker.io', 'team/iris', '3'],
    ['iris', 'docker.io', 'iris', 'latest'],
  ])('%s', (reference, registry, repository, tag) => {
    expect(registryOf(reference)).toBe(registry);
    expect(splitReference(reference)).toEqual({ repository, tag });
  });
});

describe('resolveRegistryAuth', () => {
  it('prefers --registry-auth and refuses one without a colon', async () => {
    const env = dockerConfig({ auths: { 'reg.example:5000': { auth: Buffer.from('cfg:pw').toString('base64') } } });
    expect(await resolveRegistryAuth('reg.example:5000/x:1', { flag: 'ci:tok:en', env })).toEqual({ username: 'ci', password: 'tok:en', serveraddress: 'reg.example:5000' });
    await expect(resolveRegistryAuth('reg.example:5000/x:1', { flag: 'nocolon', env })).rejects.toThrow(/USER:PASSWORD/);
  });

  it('reads auths entries (base64 auth, https:// keys, Docker Hub key) from $DOCKER_CONFIG', async () => {
    const env = dockerConfig({
      auths: {
        'https://reg.example:5000': { auth: Buffer.from('alice:pw1').toString('base64') },
        'https://index.docker.io/v1/': { auth: Buffer.from('bob:pw2').toString('base64') },
      },
    });
    expect(await resolveRegistryAuth('reg.example:5000/x:1', { env })).toEqual({ username: 'alice', password: 'pw1', serveraddress: 'reg.example:5000' });
    expect(await resolveRegistryAuth('team/x:1', { env })).toMatchObject({ username: 'bob', password: 'pw2' });
    expect(await resolveRegistryAuth('other.example/x', { env })).toBeUndefined();
  });

  it('asks credHelpers / credsStore first and falls back to auths when the helper has nothing', async () => {
    const env = dockerConfig({
      credHelpers: { 'ghcr.io': 'gh' },
      credsStore: 'desktop',
      auths: { 'reg.example': { auth: Buffer.from('carol:pw3').toString('base64') } },
    });
    const asked: string[] = [];
    const runHelper = async (helper: string, server: string) => {
      asked.push(`${helper} ${server}`);
      if (helper === 'gh') return JSON.stringify({ Username: '<token>', Secret: 'tkn' });
      throw new Error('credentials not found in native keychain');
    };
    expect(await resolveRegistryAuth('ghcr.io/o/x:1', { env, runHelper })).toEqual({ identitytoken: 'tkn', serveraddress: 'ghcr.io' });
    expect(await resolveRegistryAuth('reg.example/x:1', { env, runHelper })).toMatchObject({ username: 'carol', password: 'pw3' });
    expect(asked).toEqual(['gh ghcr.io', 'desktop reg.example']);
  });

  it('names the credential helper when it prints something that is not JSON', async () => {
    const env = dockerConfig({ credHelpers: { 'ghcr.io': 'broken' } });
    const runHelper = async () => 'oops: not json';
    const failure = await resolveRegistryAuth('ghcr.io/o/x:1', { env, runHelper }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(BentocError);
    expect((failure as BentocError).message).toContain('docker-credential-broken');
  });

  it('has no credentials when there is no config file', async () => {
    expect(await resolveRegistryAuth('reg.example/x', { env: { DOCKER_CONFIG: '/nonexistent-bentoc' } })).toBeUndefined();
  });
});
