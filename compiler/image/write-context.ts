import { cp, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { readContextFilter, type BuildContextSource } from './pack-context.js';

export interface WrittenContext {
  dir: string;
  /** Top-level entries written, sorted. */
  entries: string[];
}

/**
 * The `--dockerfile-only` sink: the same context `buildImage` would send, as a folder, for
 * `docker build DIR`, buildah, kaniko or a CI step that builds elsewhere.
 */
export async function writeBuildContext(source: BuildContextSource & { outDir: string }): Promise<WrittenContext> {
  const { contextDir, outDir } = source;
  const overrides = source.overrides ?? {};
  const sendsPath = await readContextFilter(source);
  await mkdir(outDir, { recursive: true });
  const entries = (await readdir(contextDir)).filter((name) => !(name in overrides) && sendsPath(name));
  for (const name of entries) {
    await cp(join(contextDir, name), join(outDir, name), {
      recursive: true,
      verbatimSymlinks: true,
      filter: (from) => sendsPath(relative(contextDir, from).split(sep).join('/')),
    });
  }
  await Promise.all(Object.entries(overrides).map(([name, text]) => writeFile(join(outDir, name), text)));
  return { dir: outDir, entries: [...new Set([...entries, ...Object.keys(overrides)])].sort() };
}
