import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, readlink, lstat, symlink, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Header, type HeaderData } from 'tar';
import { stringify } from 'yaml';
import { BentoStore, type StoredBento } from '../../compiler/store/index.js';
import { makeTempDir } from '../support/iris-project.js';

/** A store in a throwaway BENTOML_HOME: tests never see the user's ~/bentoml. */
export function makeTempStore(): BentoStore {
  return new BentoStore({ BENTOML_HOME: makeTempDir('home') });
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Deterministic filler bytes standing in for an ONNX model (the store and the archive never parse it). */
export function fakeModelBytes(seed: number, size = 4096): Buffer {
  const bytes = Buffer.alloc(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + seed * 17) & 0xff;
  return bytes;
}

export interface FakeBentoOptions {
  modelBytes?: Buffer;
  /** Edits the manifest before it is written (e.g. a wrong sha256). */
  editManifest?: (manifest: Record<string, unknown>) => void;
}

/** Writes the files a bento has (manifest, bundle, a model, a native package with a bin link) into `dir`. */
export async function writeFakeBento(dir: string, name: string, version: string, options: FakeBentoOptions = {}): Promise<void> {
  const model = options.modelBytes ?? fakeModelBytes(1);
  const manifest: Record<string, unknown> = {
    name,
    version,
    bentoc_version: '0.1.0',
    labels: {},
    inputs_sha256: sha256(`${name}:${version}`),
    apis: [{ name: 'predict', route: '/predict', model: 'clf', input: {}, output: {}, batch: { enabled: false, max_batch_size: 1, max_latency_ms: 0 } }],
    models: [{ name: 'clf', file: 'models/clf.onnx', sha256: sha256(model), size_bytes: model.length, inputs: [], outputs: [] }],
  };
  options.editManifest?.(manifest);
  await mkdir(join(dir, 'models'), { recursive: true });
  await mkdir(join(dir, 'node_modules', 'native', 'bin'), { recursive: true });
  await mkdir(join(dir, 'node_modules', '.bin'), { recursive: true });
  await writeFile(join(dir, 'bento.yaml'), stringify(manifest));
  await writeFile(join(dir, 'server.mjs'), `console.log(${JSON.stringify(`${name}:${version}`)});\n`);
  await writeFile(join(dir, 'models', 'clf.onnx'), model);
  await writeFile(join(dir, 'node_modules', 'native', 'bin', 'tool.js'), '#!/usr/bin/env node\n', { mode: 0o755 });
  await symlink('../native/bin/tool.js', join(dir, 'node_modules', '.bin', 'tool'));
}

/** Builds a fake bento in staging and commits it, as `bentoc build` would. */
export async function commitFakeBento(store: BentoStore, name: string, version: string, options?: FakeBentoOptions): Promise<StoredBento> {
  const staging = await store.createStaging();
  await writeFakeBento(staging, name, version, options);
  return store.commit(staging, name, version);
}

/** Path → what a reader can observe (content hash, link target, exec bit), to compare two trees. */
export async function snapshotTree(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath ?? entry.path, entry.name);
    const key = relative(dir, path).split(sep).join('/');
    const info = await lstat(path);
    if (info.isSymbolicLink()) out[key] = `link ${await readlink(path)}`;
    else if (info.isDirectory()) out[key] = 'dir';
    else out[key] = `file ${sha256(await readFile(path))} ${info.mode & 0o111 ? 'x' : '-'}`;
  }
  return out;
}

export interface RawEntry {
  path: string;
  type?: HeaderData['type'];
  body?: string;
  linkpath?: string;
}

/** A .tar.gz written header by header, so a test can hold entries `tar.create` would never write. */
export function writeRawArchive(entries: RawEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const body = Buffer.from(entry.body ?? '');
    const header = new Header({ path: entry.path, type: entry.type ?? 'File', size: body.length, mode: 0o644, mtime: new Date(0), linkpath: entry.linkpath });
    const block = Buffer.alloc(512);
    header.encode(block, 0);
    blocks.push(block, body, Buffer.alloc((512 - (body.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024)); // two zero blocks end a tar
  return gzipSync(Buffer.concat(blocks));
}
