import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tar from 'tar';
import { describe, expect, it } from 'vitest';
import { BentocError } from '../../compiler/diagnostics/index.js';
import { defaultArchiveName, exportBento, importBento } from '../../compiler/store/bento-archive.js';
import type { BentoStore } from '../../compiler/store/index.js';
import { makeTempDir } from '../support/iris-project.js';
import { commitFakeBento, fakeModelBytes, makeTempStore, sha256, snapshotTree, writeFakeBento, writeRawArchive } from './fake-bento.js';

async function expectCode(promise: Promise<unknown>, code: string): Promise<BentocError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(BentocError);
  expect((error as BentocError).code).toBe(code);
  return error as BentocError;
}

/** Nothing of a failed import may remain: no bento, no staging folder. */
async function expectUntouched(store: BentoStore): Promise<void> {
  expect(await store.list()).toEqual([]);
  expect(await readdir(join(store.home, 'tmp')).catch(() => [])).toEqual([]);
}

async function writeArchive(bytes: Buffer, name = 'crafted.bento.tar.gz'): Promise<string> {
  const file = join(makeTempDir('archive'), name);
  await writeFile(file, bytes);
  return file;
}

const validManifest = `name: iris\nversion: v1\napis: []\nmodels: []\n`;

describe('export and import', () => {
  it('names the archive after the bento', () => {
    expect(defaultArchiveName('iris', 'v1')).toBe('iris-v1.bento.tar.gz');
  });

  it('round-trips a bento through export, delete and import with identical files', async () => {
    const store = makeTempStore();
    const original = await commitFakeBento(store, 'iris', 'v1');
    const before = await snapshotTree(original.dir);
    const out = join(makeTempDir('export'), 'nested', 'iris.bento.tar.gz');

    const exported = await exportBento(store, 'iris:latest', out);
    expect(exported.file).toBe(out);
    expect(await readdir(join(out, '..'))).toEqual(['iris.bento.tar.gz']); // no .partial left behind
    await store.delete('iris:v1');
    expect(await store.list()).toEqual([]);

    const { bento, imported } = await importBento(store, out);
    expect(imported).toBe(true);
    expect([bento.name, bento.version, bento.dir]).toEqual(['iris', 'v1', original.dir]);
    expect(await snapshotTree(bento.dir)).toEqual(before);
    expect(before['node_modules/.bin/tool']).toBe('link ../native/bin/tool.js');
    expect(before['node_modules/native/bin/tool.js']).toMatch(/ x$/);
    expect((await store.get('iris')).version).toBe('v1');
    // the import time, not the archive's fixed mtime, is when the bento landed
    expect(Date.parse((await store.list())[0]!.createdAt)).toBeGreaterThan(Date.parse('2000-01-01'));
    expect(await readdir(join(store.home, 'tmp'))).toEqual([]); // staging went into the store by rename
  });


  it('exports into an existing folder (or one named with a trailing slash) under the default name', async () => {
    const store = makeTempStore();
    await commitFakeBento(store, 'iris', 'v1');
    const folder = makeTempDir('export');
    const intoExisting = await exportBento(store, 'iris:v1', folder);
    expect(intoExisting.file).toBe(join(folder, defaultArchiveName('iris', 'v1')));
    const intoNew = await exportBento(store, 'iris:v1', `${join(folder, 'new')}/`);
    expect(intoNew.file).toBe(join(folder, 'new', defaultArchiveName('iris', 'v1')));
    expect((await readdir(join(folder, 'new')))).toEqual([defaultArchiveName('iris', 'v1')]);
  });
  it('writes the same bytes for the same bento: sorted entries, fixed mtime, no owners', async () => {
    const home1 = makeTempStore();
    const home2 = makeTempStore();
    await commitFakeBento(home1, 'iris', 'v1');
    await new Promise((r) => setTimeout(r, 20)); // different file mtimes in the second store
    await commitFakeBento(home2, 'iris', 'v1');
    const dir = makeTempDir('export');
    const a = await exportBento(home1, 'iris:v1', join(dir, 'a.tar.gz'));
    const b = await exportBento(home1, 'iris:v1', join(dir, 'b.tar.gz'));
    const c = await exportBento(home2, 'iris:v1', join(dir, 'c.tar.gz'));
    const bytes = await readFile(a.file);
    expect((await readFile(b.file)).equals(bytes)).toBe(true);
    expect((await readFile(c.file)).equals(bytes)).toBe(true);

    const entries: tar.ReadEntry[] = [];
    await tar.list({ file: a.file, onReadEntry: (e) => void entries.push(e) });
    const paths = entries.map((e) => e.path.replace(/\/$/, ''));
    expect(paths).toEqual([...paths].sort());
    expect(paths).toContain('bento.yaml');
    for (const e of entries) {
      expect([e.uname ?? '', e.gname ?? '', e.uid ?? 0, e.gid ?? 0]).toEqual(['', '', 0, 0]);
      if (e.type === 'File') expect(e.mtime?.toISOString()).toBe('1980-01-01T00:00:00.000Z');
    }
  });

  it('says so and changes nothing when the version is already stored', async () => {
    const store = makeTempStore();
    await commitFakeBento(store, 'iris', 'v1');
    const out = (await exportBento(store, 'iris:v1', join(makeTempDir('export'), 'v1.tar.gz'))).file;
    await commitFakeBento(store, 'iris', 'v2');
    const { bento, imported } = await importBento(store, out);
    expect(imported).toBe(false);
    expect(bento.version).toBe('v1');
    expect((await store.get('iris')).version).toBe('v2'); // latest untouched
    expect(await readdir(join(store.home, 'tmp'))).toEqual([]);
  });

  it('refuses a model whose bytes no longer match the manifest', async () => {
    const store = makeTempStore();
    const dir = makeTempDir('tampered');
    await writeFakeBento(dir, 'iris', 'v1');
    await writeFile(join(dir, 'models', 'clf.onnx'), fakeModelBytes(2)); // same size, other bytes
    const file = join(makeTempDir('archive'), 'tampered.tar.gz');
    await tar.create({ file, cwd: dir, gzip: true, portable: true }, await readdir(dir));

    const error = await expectCode(importBento(store, file), 'model_checksum_mismatch');
    expect(error.message).toContain(sha256(fakeModelBytes(2)));
    expect(error.diagnostics[0]!.hint).toBeTruthy();
    await expectUntouched(store);
  });

  it('refuses a manifest model that the archive lacks', async () => {
    const store = makeTempStore();
    const dir = makeTempDir('missing-model');
    await writeFakeBento(dir, 'iris', 'v1', { editManifest: (m) => void (m.models as object[]).push({ name: 'extra', file: 'models/extra.onnx', sha256: 'ab' }) });
    const file = join(makeTempDir('archive'), 'missing.tar.gz');
    await tar.create({ file, cwd: dir, gzip: true, portable: true }, await readdir(dir));
    expect((await expectCode(importBento(store, file), 'model_checksum_mismatch')).message).toContain('missing');
    await expectUntouched(store);
  });

  it.each([
    ['a `..` path', { path: '../escaped.txt', body: 'x' }],
    ['a nested `..` path', { path: 'models/../../escaped.txt', body: 'x' }],
    ['an absolute path', { path: '/tmp/bentoc-escaped.txt', body: 'x' }],
    ['a symlink out of the bento', { path: 'models/link', type: 'SymbolicLink' as const, linkpath: '../../../etc/passwd' }],
    ['an absolute symlink', { path: 'link', type: 'SymbolicLink' as const, linkpath: '/etc/passwd' }],
    ['a device', { path: 'dev', type: 'CharacterDevice' as const }],
  ])('refuses an archive with %s before writing anything', async (_case, entry) => {
    const store = makeTempStore();
    const file = await writeArchive(writeRawArchive([{ path: 'bento.yaml', body: validManifest }, entry]));
    const error = await expectCode(importBento(store, file), 'archive_unsafe_entry');
    expect(error.message).toContain(entry.path);
    await expectUntouched(store);
    expect(existsSync(join(store.home, 'escaped.txt'))).toBe(false);
    expect(existsSync('/tmp/bentoc-escaped.txt')).toBe(false);
  });

  it('refuses a manifest whose name would become a path outside the store', async () => {
    const store = makeTempStore();
    const file = await writeArchive(writeRawArchive([{ path: 'bento.yaml', body: 'name: ../../evil\nversion: v1\napis: []\nmodels: []\n' }]));
    await expectCode(importBento(store, file), 'archive_invalid');
    await expectUntouched(store);
  });

  it('tells a missing file, a non-archive, a truncated archive and an archive without bento.yaml apart', async () => {
    const store = makeTempStore();
    const dir = makeTempDir('bad');
    await expectCode(importBento(store, join(dir, 'nope.tar.gz')), 'archive_not_found');
    await expectCode(importBento(store, dir), 'archive_invalid');
    await expectCode(importBento(store, await writeArchive(Buffer.from('just some text\n'.repeat(100)))), 'archive_invalid');

    await commitFakeBento(store, 'iris', 'v1');
    const whole = await readFile((await exportBento(store, 'iris', join(dir, 'whole.tar.gz'))).file);
    await store.delete('iris');
    await expectCode(importBento(store, await writeArchive(whole.subarray(0, Math.floor(whole.length / 2)))), 'archive_invalid');
    await expectUntouched(store);

    const noManifest = await expectCode(importBento(store, await writeArchive(writeRawArchive([{ path: 'server.mjs', body: '' }]))), 'archive_invalid');
    expect(noManifest.message).toContain('bento.yaml');
    await expectUntouched(store);
  });

  it('never lets list show a half-imported bento', async () => {
    const source = makeTempStore();
    const model = fakeModelBytes(3, 16 * 1024 * 1024); // big enough that extraction takes many event-loop turns
    await commitFakeBento(source, 'big', 'v1', { modelBytes: model });
    const file = (await exportBento(source, 'big', join(makeTempDir('export'), 'big.tar.gz'))).file;

    const store = makeTempStore();
    let done = false;
    const importing = importBento(store, file).finally(() => {
      done = true;
    });
    let polls = 0;
    while (!done) {
      for (const bento of await store.list()) {
        // whatever list shows must be complete
        expect(bento.name).toBe('big');
        expect((await readFile(join(bento.dir, 'models', 'clf.onnx'))).length).toBe(model.length);
      }
      polls++;
      await new Promise((r) => setImmediate(r));
    }
    await importing;
    expect(polls).toBeGreaterThan(1);
    expect((await store.list()).map((b) => b.version)).toEqual(['v1']);
  });

  it('exports by name using the latest version', async () => {
    const store = makeTempStore();
    await commitFakeBento(store, 'iris', 'v1');
    await commitFakeBento(store, 'iris', 'v2', { modelBytes: fakeModelBytes(9) });
    const { bento } = await exportBento(store, 'iris', join(makeTempDir('export'), 'x.tar.gz'));
    expect(bento.version).toBe('v2');
    await expectCode(exportBento(store, 'nope', join(makeTempDir('export'), 'y.tar.gz')), 'bento_not_found');
  });
});

describe('import staging', () => {
  it('extracts under the store tmp folder, not beside the archive', async () => {
    const store = makeTempStore();
    const dir = makeTempDir('beside');
    await mkdir(join(dir, 'src'));
    await writeFakeBento(join(dir, 'src'), 'iris', 'v1');
    const file = join(dir, 'iris.tar.gz');
    await tar.create({ file, cwd: join(dir, 'src'), gzip: true }, await readdir(join(dir, 'src')));
    await importBento(store, file);
    expect((await readdir(dir)).sort()).toEqual(['iris.tar.gz', 'src']);
    expect(await readdir(join(store.home, 'tmp'))).toEqual([]);
  });
});
