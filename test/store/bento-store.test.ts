import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BentocError } from '../../compiler/diagnostics/index.js';
import { commitFakeBento, makeTempStore, writeFakeBento } from './fake-bento.js';

/** `list` orders versions by when bento.yaml landed; tests set that time instead of sleeping. */
async function setLandedAt(dir: string, iso: string): Promise<void> {
  const time = new Date(iso);
  await utimes(join(dir, 'bento.yaml'), time, time);
}

async function expectCode(promise: Promise<unknown>, code: string): Promise<BentocError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(BentocError);
  expect((error as BentocError).code).toBe(code);
  return error as BentocError;
}

describe('BentoStore', () => {
  it('commits a staged bento and finds it by version and by latest', async () => {
    const store = makeTempStore();
    const committed = await commitFakeBento(store, 'iris', 'v1');
    expect(committed.dir).toBe(join(store.home, 'bentos', 'iris', 'v1'));
    expect((await store.get('iris:v1')).manifest.name).toBe('iris');
    expect((await store.get('iris')).version).toBe('v1');
    expect((await store.get('IRIS:latest')).version).toBe('v1');
    expect((await readFile(join(store.home, 'bentos', 'iris', 'latest'), 'utf8')).trim()).toBe('v1');
  });

  it('lists bentos with their latest flag, APIs and size', async () => {
    const store = makeTempStore();
    await commitFakeBento(store, 'iris', 'v1');
    await commitFakeBento(store, 'mnist', 'm1');
    const listed = await store.list();
    expect(listed.map((b) => [b.name, b.version, b.latest, b.apis])).toEqual([
      ['iris', 'v1', true, ['predict']],
      ['mnist', 'm1', true, ['predict']],
    ]);
    expect(listed[0]!.sizeBytes).toBeGreaterThan(4096);
  });

  it('keeps the stored copy when the same version is committed again, and drops the staging folder', async () => {
    const store = makeTempStore();
    await commitFakeBento(store, 'iris', 'v1');
    await writeFile(join(store.bentoDir('iris', 'v1'), 'marker'), 'first');
    const staging = await store.createStaging();
    await writeFakeBento(staging, 'iris', 'v1');
    await store.commit(staging, 'iris', 'v1');
    expect(existsSync(staging)).toBe(false);
    expect(await readFile(join(store.bentoDir('iris', 'v1'), 'marker'), 'utf8')).toBe('first');
  });

  it('never lists a half-written bento: a staging folder or a version folder without bento.yaml', async () => {
    const store = makeTempStore();
    const staging = await store.createStaging();
    await writeFakeBento(staging, 'iris', 'v1');
    await mkdir(join(store.home, 'bentos', 'iris', 'v0', 'models'), { recursive: true });
    expect(await store.list()).toEqual([]);
    await expectCode(store.get('iris:v0'), 'bento_not_found');
  });

  it('reports an unknown bento with the versions it does have, and a malformed tag', async () => {
    const store = makeTempStore();
    await commitFakeBento(store, 'iris', 'v1');
    const error = await expectCode(store.get('iris:v9'), 'bento_not_found');
    expect(error.diagnostics[0]!.hint).toContain('v1');
    expect((await expectCode(store.get('irsi'), 'bento_not_found')).diagnostics[0]!.hint).toContain('iris');
    await expectCode(store.get('iris:v1:x'), 'bad_tag');
  });

  it('moves latest to the newest remaining version when the latest is deleted', async () => {
    const store = makeTempStore();
    await setLandedAt((await commitFakeBento(store, 'iris', 'v1')).dir, '2024-01-01T00:00:00Z');
    await setLandedAt((await commitFakeBento(store, 'iris', 'v2')).dir, '2024-02-01T00:00:00Z');
    await setLandedAt((await commitFakeBento(store, 'iris', 'v3')).dir, '2024-03-01T00:00:00Z');
    await store.setLatest('iris', 'v3');

    const deleted = await store.delete('iris:latest');
    expect(deleted.version).toBe('v3');
    expect(existsSync(deleted.dir)).toBe(false);
    expect((await store.get('iris')).version).toBe('v2');
    expect((await store.list()).map((b) => [b.version, b.latest])).toEqual([
      ['v2', true],
      ['v1', false],
    ]);
  });

  it('leaves latest alone when an older version is deleted, and removes the name with its last version', async () => {
    const store = makeTempStore();
    await setLandedAt((await commitFakeBento(store, 'iris', 'v1')).dir, '2024-01-01T00:00:00Z');
    await commitFakeBento(store, 'iris', 'v2');
    await store.delete('iris:v1');
    expect((await store.get('iris')).version).toBe('v2');
    await store.delete('iris');
    expect(await store.list()).toEqual([]);
    expect(await readdir(join(store.home, 'bentos'))).toEqual([]);
    await expectCode(store.get('iris'), 'bento_not_found');
  });
});
