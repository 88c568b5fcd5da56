import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import type { BentoManifest } from '../phases/4-generate/index.js';
import { openStore, type StoredBento } from '../store/index.js';

/** A tag from the store, or the path of a bento folder (e.g. one copied out of the store). */
export async function resolveBento(tagOrDir: string): Promise<StoredBento> {
  const dir = resolve(tagOrDir);
  if (existsSync(join(dir, 'bento.yaml'))) {
    const manifest = parse(readFileSync(join(dir, 'bento.yaml'), 'utf8')) as BentoManifest;
    return { name: manifest.name, version: manifest.version, dir, manifest };
  }
  return openStore().get(tagOrDir);
}
