import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { Readable } from 'node:stream';
import dockerignoreModule from '@balena/dockerignore';
import { pack, type Pack } from 'tar-fs';

export interface BuildContextSource {
  /** The bento directory: Dockerfile, .dockerignore and the files they name. */
  contextDir: string;
  /** Files that replace (or add to) the context's top level, e.g. a Dockerfile for another base image. */
  overrides?: Record<string, string>;
}

// A CommonJS module whose types declare an ES default export; it sets `.default` on itself, so this works both ways.
const dockerignore = dockerignoreModule.default;

/** The engine always needs these, whatever `.dockerignore` says (the docker CLI does the same). */
const ALWAYS_SENT = new Set(['Dockerfile', '.dockerignore']);
/** One fixed mtime for every entry: the context tar, and the files in the image, do not depend on when the bento was copied. */
const FIXED_MTIME = new Date('1980-01-01T00:00:00Z');

/** Returns a predicate for context-relative paths (`/`-separated): true when the path goes to the engine. */
export async function readContextFilter(source: BuildContextSource): Promise<(path: string) => boolean> {
  const rules = source.overrides?.['.dockerignore'] ?? (await readOptional(join(source.contextDir, '.dockerignore')));
  const keep = rules === undefined ? () => true : dockerignore({ ignorecase: false }).add(rules).createFilter();
  return (path) => ALWAYS_SENT.has(path) || keep(path);
}

/**
 * Streams the build context as an uncompressed tar: entries sorted, owned by root, readable by all (the
 * image's non-root user must read code it does not own), fixed mtimes; overrides appended last.
 */
export async function packBuildContext(source: BuildContextSource): Promise<Readable> {
  const { contextDir } = source;
  const overrides = source.overrides ?? {};
  const sendsPath = await readContextFilter(source);
  return pack(contextDir, {
    sort: true,
    ignore: (absolute: string) => {
      const path = relative(contextDir, absolute).split(sep).join('/');
      return path in overrides || !sendsPath(path);
    },
    map: (header) => ({
      ...header,
      uid: 0,
      gid: 0,
      uname: 'root',
      gname: 'root',
      mtime: FIXED_MTIME,
      mode: (header.mode ?? 0o644) | (header.type === 'directory' ? 0o555 : 0o444),
    }),
    finalize: false,
    finish: (tar: Pack) => {
      for (const [name, text] of Object.entries(overrides).sort(([a], [b]) => (a < b ? -1 : 1))) {
        tar.entry({ name, mode: 0o644, uid: 0, gid: 0, mtime: FIXED_MTIME }, text);
      }
      tar.finalize();
    },
  } as Parameters<typeof pack>[1]) as unknown as Readable;
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
