import { lstat, mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import * as tar from 'tar';
import { parse } from 'yaml';
import { BentocError, createDiagnostic, isBentocError, type Diagnostic } from '../diagnostics/index.js';
import type { BentoManifest } from '../phases/4-generate/manifest.js';
import type { BentoStore, StoredBento } from './bento-store.js';
import { formatTag, parseTag } from './tag.js';
import { hashFile } from '../utils/hash-file.js';

export interface ExportResult {
  bento: StoredBento;
  file: string;
}

export interface ImportResult {
  bento: StoredBento;
  /** False when that version was already stored: nothing was written, `latest` was left alone. */
  imported: boolean;
}

/** Every entry gets this mtime, so the same bento always exports to the same bytes (1980: the zip epoch). */
const archiveMtime = new Date('1980-01-01T00:00:00Z');

/** What a bento folder can hold; devices, fifos and the like have no business in one. */
const allowedEntryTypes = new Set(['File', 'OldFile', 'ContiguousFile', 'Directory', 'SymbolicLink', 'Link']);

export function defaultArchiveName(name: string, version: string): string {
  return `${name}-${version}.bento.tar.gz`;
}

/** Writes one bento as a gzipped tar: sorted entries, fixed mtime, no owner names, so equal bentos give equal bytes. */
export async function exportBento(store: BentoStore, tag: string, output?: string): Promise<ExportResult> {
  const bento = await store.get(tag);
  const named = defaultArchiveName(bento.name, bento.version);
  // `-o some/folder/` (or any existing folder) means "put it in there", as cp and tar do.
  const isFolder = output !== undefined && (/[\\/]$/.test(output) || (await stat(output).catch(() => undefined))?.isDirectory());
  const file = resolve(output === undefined ? named : isFolder ? join(output, named) : output);
  const partial = `${file}.${process.pid}.partial`; // a crash mid-write must not leave a truncated archive under the real name
  await mkdir(dirname(file), { recursive: true });
  try {
    await tar.create(
      { file: partial, cwd: bento.dir, gzip: true, portable: true, mtime: archiveMtime, noDirRecurse: true },
      await listEntries(bento.dir),
    );
    await rename(partial, file);
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
  return { bento, file };
}

/**
 * Checks every entry, extracts into the store's staging folder, verifies the manifest and model checksums, and
 * only then commits: a bad or interrupted import leaves nothing `list` would show.
 */
export async function importBento(store: BentoStore, archive: string): Promise<ImportResult> {
  const file = resolve(archive);
  await assertArchiveFile(file);
  const entries = await readEntries(file);
  if (!entries.has('bento.yaml')) {
    throw new BentocError('archive_invalid', `${archive} holds no bento.yaml at its root`, {
      hint: 'import takes a file written by `bentoc export <tag>`',
    });
  }
  const staging = await store.createStaging();
  try {
    await runTar(file, () =>
      tar.extract({ file, cwd: staging, strict: true, noMtime: true, preserveOwner: false, filter: (_path, entry) => !('type' in entry) || !findUnsafeReason(entry) }),
    );
    const manifest = await readStagedManifest(staging, archive);
    await verifyModels(staging, manifest);
    if (store.has(manifest.name, manifest.version)) {
      await store.discardStaging(staging);
      return { bento: await store.get(formatTag(manifest)), imported: false };
    }
    return { bento: await store.commit(staging, manifest.name, manifest.version), imported: true };
  } catch (error) {
    await store.discardStaging(staging);
    throw error;
  }
}

/** Relative POSIX paths of every folder, file and link under `dir`, in code-point order (never locale order). */
async function listEntries(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  const paths = entries.map((e) => relative(dir, join(e.parentPath ?? e.path, e.name)).split(sep).join('/'));
  return paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

async function assertArchiveFile(file: string): Promise<void> {
  const info = await stat(file).catch(() => undefined);
  if (!info) throw new BentocError('archive_not_found', `no file ${file}`, { hint: 'pass the path of a `.bento.tar.gz` written by `bentoc export`' });
  if (!info.isFile()) throw new BentocError('archive_invalid', `${file} is not a file`, { hint: 'pass the archive file itself, not a folder' });
}

/** First pass, nothing written: rejects the whole archive if any entry could land outside the bento. */
async function readEntries(file: string): Promise<Set<string>> {
  const paths = new Set<string>();
  const unsafe: Diagnostic[] = [];
  await runTar(file, () =>
    tar.list({
      file,
      strict: true,
      onReadEntry: (entry) => {
        const reason = findUnsafeReason(entry);
        if (reason) unsafe.push(createDiagnostic('archive_unsafe_entry', `${file}: entry \`${entry.path}\` ${reason}`, { hint: 'only import archives written by `bentoc export`; this one may have been crafted to overwrite files' }));
        paths.add(entry.path.replace(/^(\.\/)+/, ''));
      },
    }),
  );
  if (unsafe.length > 0) throw new BentocError(unsafe);
  return paths;
}

function findUnsafeReason(entry: tar.ReadEntry): string | undefined {
  if (!allowedEntryTypes.has(entry.type)) return `is a ${entry.type}, which a bento never holds`;
  if (leavesRoot(entry.path)) return 'has an absolute path or a `..` segment';
  if ((entry.type === 'SymbolicLink' || entry.type === 'Link') && entry.linkpath !== undefined) {
    // a symlink resolves from its own folder, a hard link from the archive root
    const base = entry.type === 'SymbolicLink' ? posix.dirname(entry.path) : '.';
    if (isAbsolutePath(entry.linkpath) || leavesRoot(posix.normalize(posix.join(base, entry.linkpath)))) {
      return `links to \`${entry.linkpath}\`, outside the bento`;
    }
  }
  return undefined;
}

function leavesRoot(path: string): boolean {
  return isAbsolutePath(path) || path.split(/[\\/]/).includes('..');
}

function isAbsolutePath(path: string): boolean {
  return path.startsWith('/') || path.startsWith('\\') || /^[a-zA-Z]:/.test(path);
}

/** Turns tar's and zlib's complaints about the bytes into a user error; disk errors stay what they are. */
async function runTar(file: string, action: () => Promise<void>): Promise<void> {
  try {
    await action();
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (isBentocError(error) || typeof code !== 'string' || !/^(TAR_|Z_)/.test(code)) throw error;
    throw new BentocError('archive_invalid', `${file} is not a readable bento archive (${(error as Error).message})`, {
      hint: 'the file may be truncated or not a .tar.gz; export it again with `bentoc export <tag>`',
    });
  }
}

async function readStagedManifest(staging: string, archive: string): Promise<BentoManifest> {
  const invalid = (why: string): BentocError =>
    new BentocError('archive_invalid', `${archive}: bento.yaml ${why}`, { hint: 'the archive was not written by `bentoc export`, or was edited since' });
  let manifest: Partial<BentoManifest> | null;
  try {
    manifest = parse(await readFile(join(staging, 'bento.yaml'), 'utf8')) as Partial<BentoManifest> | null;
  } catch (error) {
    throw invalid(`is not valid YAML (${(error as Error).message})`);
  }
  if (!manifest || typeof manifest.name !== 'string' || typeof manifest.version !== 'string') throw invalid('has no name and version');
  // the name and version become folder names in the store: only a well-formed tag may do that
  const tag = `${manifest.name}:${manifest.version}`;
  const parsed = (() => {
    try {
      return parseTag(tag);
    } catch {
      return undefined;
    }
  })();
  if (!parsed || parsed.name !== manifest.name || parsed.version !== manifest.version) throw invalid(`names \`${tag}\`, which is not a valid bento tag`);
  if (manifest.models !== undefined && !Array.isArray(manifest.models)) throw invalid('has a `models` that is not a list');
  return manifest as BentoManifest;
}

/** Every model must be a plain file inside the bento whose sha256 is the one the manifest recorded. */
async function verifyModels(staging: string, manifest: BentoManifest): Promise<void> {
  const problems: Diagnostic[] = [];
  const hint = 'the archive was changed or damaged after export; export it again from the original store';
  for (const model of manifest.models ?? []) {
    const where = `model \`${model.name ?? model.file}\` (${model.file})`;
    if (typeof model.file !== 'string' || leavesRoot(model.file)) {
      problems.push(createDiagnostic('archive_unsafe_entry', `${where} points outside the bento`, { hint }));
      continue;
    }
    const path = join(staging, model.file);
    const info = await lstat(path).catch(() => undefined);
    if (!info?.isFile()) {
      problems.push(createDiagnostic('model_checksum_mismatch', `${where} is missing from the archive`, { hint }));
      continue;
    }
    const actual = await hashFile(path);
    if (actual !== model.sha256) {
      problems.push(createDiagnostic('model_checksum_mismatch', `${where} has sha256 ${actual}, bento.yaml says ${model.sha256}`, { hint }));
    }
  }
  if (problems.length > 0) throw new BentocError(problems);
}
