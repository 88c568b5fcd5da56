import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { BentocError, diagnose, didYouMean } from '../diagnostics/index.js';
import type { BentoManifest } from '../phases/4-generate/manifest.js';
import { reclaimStaging, stagingFolderName } from './reclaim-staging.js';
import { readPointer, writePointer } from './pointer.js';
import { formatTag, parseTag } from './tag.js';

export interface StoredBento {
  name: string;
  version: string;
  dir: string;
  manifest: BentoManifest;
}

export interface BentoSummary {
  name: string;
  version: string;
  dir: string;
  latest: boolean;
  /** When the bento landed in this store (ISO). */
  createdAt: string;
  sizeBytes: number;
  apis: string[];
}

/**
 * The local store: `$BENTOML_HOME/bentos/<name>/<version>/` plus a `latest` file per name. The only code
 * that writes under $BENTOML_HOME. Bentos are staged under `tmp/` and renamed into place, so a build that
 * dies half-way leaves nothing `list` would show.
 */
export class BentoStore {
  readonly home: string;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.home = env.BENTOML_HOME || join(homedir(), 'bentoml');
  }

  private get bentosDir(): string {
    return join(this.home, 'bentos');
  }

  /** A fresh empty folder on the store's file system, so the final rename is atomic. */
  async createStaging(): Promise<string> {
    // Folders of builds that were killed are reclaimed here, so they cannot pile up (7 kills once left 99 MB).
    await reclaimStaging(join(this.home, 'tmp'));
    const dir = join(this.home, 'tmp', stagingFolderName(randomBytes(4).toString('hex')));
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async discardStaging(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }

  bentoDir(name: string, version: string): string {
    return join(this.bentosDir, name, version);
  }

  has(name: string, version: string): boolean {
    return existsSync(join(this.bentoDir(name, version), 'bento.yaml'));
  }

  /** Moves a staged bento into place and points `latest` at it. An existing identical version is kept. */
  async commit(staging: string, name: string, version: string): Promise<StoredBento> {
    const target = this.bentoDir(name, version);
    await mkdir(join(this.bentosDir, name), { recursive: true });
    if (this.has(name, version)) await this.discardStaging(staging);
    else {
      await rm(target, { recursive: true, force: true }); // a leftover without bento.yaml is not a bento
      await rename(staging, target);
    }
    await this.setLatest(name, version);
    return this.get(formatTag({ name, version }));
  }

  /** Points `latest` at a version (used by commit, and by a rebuild that found its version stored). */
  async setLatest(name: string, version: string): Promise<void> {
    await writePointer(join(this.bentosDir, name, 'latest'), version);
  }

  async get(tag: string): Promise<StoredBento> {
    const parsed = parseTag(tag);
    const version = parsed.version === 'latest' ? await this.readLatest(parsed.name) : parsed.version;
    if (!version || !this.has(parsed.name, version)) throw await this.notFound(parsed.name, tag);
    const dir = this.bentoDir(parsed.name, version);
    const manifest = parse(await readFile(join(dir, 'bento.yaml'), 'utf8')) as BentoManifest;
    return { name: parsed.name, version, dir, manifest };
  }

  async list(): Promise<BentoSummary[]> {
    const names = await readdirOrEmpty(this.bentosDir);
    const out: BentoSummary[] = [];
    for (const name of names.sort()) {
      const latest = await this.readLatest(name);
      for (const version of await readdirOrEmpty(join(this.bentosDir, name))) {
        if (!this.has(name, version)) continue;
        const dir = this.bentoDir(name, version);
        const manifest = parse(await readFile(join(dir, 'bento.yaml'), 'utf8')) as BentoManifest;
        out.push({
          name,
          version,
          dir,
          latest: version === latest,
          createdAt: (await stat(join(dir, 'bento.yaml'))).mtime.toISOString(),
          sizeBytes: await sizeOf(dir),
          apis: manifest.apis.map((a) => a.name),
        });
      }
    }
    return out.sort((a, b) => a.name.localeCompare(b.name) || b.createdAt.localeCompare(a.createdAt));
  }

  /** Removes a bento; `latest` moves to the newest remaining version, or goes away with the last one. */
  async delete(tag: string): Promise<StoredBento> {
    const bento = await this.get(tag);
    await rm(bento.dir, { recursive: true, force: true });
    if ((await this.readLatest(bento.name)) === bento.version) {
      const remaining = (await this.list()).filter((b) => b.name === bento.name);
      if (remaining.length > 0) await this.setLatest(bento.name, remaining[0]!.version);
      else await rm(join(this.bentosDir, bento.name), { recursive: true, force: true });
    }
    return bento;
  }

  private async readLatest(name: string): Promise<string | undefined> {
    return readPointer(join(this.bentosDir, name, 'latest'));
  }

  private async notFound(name: string, tag: string): Promise<BentocError> {
    const names = await readdirOrEmpty(this.bentosDir);
    const versions = (await readdirOrEmpty(join(this.bentosDir, name))).filter((v) => this.has(name, v));
    const hint = names.includes(name)
      ? `versions of ${name}: ${versions.join(', ') || 'none'}`
      : (didYouMean(name, names) ?? `build one first with \`bentoc build\`; the store is ${this.home}`);
    return new BentocError([diagnose('bento_not_found', undefined, tag, this.bentosDir, hint)]);
  }
}

export function openStore(env: NodeJS.ProcessEnv = process.env): BentoStore {
  return new BentoStore(env);
}

export async function readdirOrEmpty(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    return [];
  }
}

async function sizeOf(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath ?? entry.path, entry.name))).size;
  }
  return total;
}
