import { mkdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import * as tar from 'tar';
import { parse } from 'yaml';
import { BentocError, isBentocError } from '../diagnostics/index.js';
import { versionFromHash } from '../phases/4-generate/compute-version.js';
import type { ModelRecord, ModelStore, StoredModel } from './model-store.js';
import { parseTag } from './tag.js';
import { hashFile } from '../utils/hash-file.js';

/** A model archive holds exactly these two plain files and nothing else. */
const entryNames = ['model.onnx', 'model.yaml'];
const archiveMtime = new Date('1980-01-01T00:00:00Z');

export function defaultModelArchiveName(name: string, version: string): string {
  return `${name}-${version}.model.tar.gz`;
}

/** Writes one model version as a deterministic gzipped tar (same model, same bytes). */
export async function exportModel(store: ModelStore, tag: string, output?: string): Promise<{ model: StoredModel; file: string }> {
  const model = await store.get(tag);
  const named = defaultModelArchiveName(model.record.name, model.record.version);
  const isFolder = output !== undefined && (/[\\/]$/.test(output) || (await stat(output).catch(() => undefined))?.isDirectory());
  const file = resolve(output === undefined ? named : isFolder ? join(output, named) : output);
  const partial = `${file}.${process.pid}.partial`;
  await mkdir(dirname(file), { recursive: true });
  try {
    await tar.create({ file: partial, cwd: model.dir, gzip: true, portable: true, mtime: archiveMtime, noDirRecurse: true }, entryNames);
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { model, file };
}

/**
 * Accepts only `model.yaml` + `model.onnx` as plain files, extracts into staging, and commits only when the
 * ONNX bytes hash to the recorded sha256 and that hash gives the recorded version.
 */
export async function importModel(store: ModelStore, archive: string): Promise<{ model: StoredModel; imported: boolean }> {
  const file = resolve(archive);
  const invalid = (why: string) =>
    new BentocError('archive_invalid', `${archive}: ${why}`, { hint: 'import takes a file written by `bentoc models export <tag>`' });
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new BentocError('archive_not_found', `no file ${file}`, { hint: 'pass the path of a `.model.tar.gz`' });
  const seen: string[] = [];
  const unsafe: string[] = [];
  await readTar(file, invalid, () =>
    tar.list({
      file,
      strict: true,
      onReadEntry: (entry) => {
        const path = entry.path.replace(/^(\.\/)+/, '');
        if (entryNames.includes(path) && entry.type === 'File') seen.push(path);
        else unsafe.push(`\`${entry.path}\` (${entry.type})`);
      },
    }),
  );
  if (unsafe.length > 0) {
    throw new BentocError('archive_unsafe_entry', `${archive}: ${unsafe.join(', ')} is not part of a model archive`, {
      hint: 'a model archive holds only model.yaml and model.onnx as plain files; this one may have been crafted',
    });
  }
  if (seen.sort().join() !== entryNames.join()) throw invalid('does not hold model.yaml and model.onnx');
  const staging = await store.createStaging();
  try {
    await readTar(file, invalid, () => tar.extract({ file, cwd: staging, strict: true, noMtime: true, preserveOwner: false }));
    const record = parse(await readFile(join(staging, 'model.yaml'), 'utf8')) as Partial<ModelRecord> | null;
    const name = typeof record?.name === 'string' ? record.name : '';
    const version = typeof record?.version === 'string' ? record.version : '';
    const tag = safeTag(`${name}:${version}`);
    if (!tag || tag.name !== name || tag.version !== version) throw invalid(`model.yaml names \`${name}:${version}\`, which is not a valid model tag`);
    const sha256 = await hashFile(join(staging, 'model.onnx'));
    if (sha256 !== record?.sha256 || versionFromHash(sha256) !== version) {
      throw new BentocError('model_checksum_mismatch', `${archive}: model.onnx has sha256 ${sha256}, model.yaml says ${record?.sha256}`, {
        hint: 'the archive was changed or damaged after export; export it again',
      });
    }
    if (store.has(name, version)) {
      await rm(staging, { recursive: true, force: true });
      return { model: await store.get(`${name}:${version}`), imported: false };
    }
    return { model: await store.commit(staging, name, version), imported: true };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}

function safeTag(tag: string) {
  try {
    return parseTag(tag);
  } catch {
    return undefined;
  }
}

async function readTar(file: string, invalid: (why: string) => BentocError, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (isBentocError(error) || typeof code !== 'string' || !/^(TAR_|Z_)/.test(code)) throw error;
    throw invalid(`${file} is not a readable model archive (${(error as Error).message})`);
  }
}
