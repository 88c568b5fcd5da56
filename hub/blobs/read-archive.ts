import * as tar from 'tar';
import { parse } from 'yaml';
import type { RepositoryKind } from '../db/schema.js';
import { HubError } from '../errors.js';

/** A manifest or text file over this is refused: the hub keeps these in its database and shows them in pages. */
export const maxManifestBytes = 1024 * 1024;

/** The files the hub keeps from each archive (to show without opening the blob again). */
const keptFiles: Record<RepositoryKind, string[]> = {
  bento: ['bento.yaml', 'Dockerfile', 'openapi.json', 'README.md'],
  model: ['model.yaml'],
};

export interface ArchiveMeta {
  manifest: Record<string, unknown>;
  files: Record<string, string>;
}

/**
 * Streams an uploaded archive through tar once, keeping the manifest and a few small text files. The manifest
 * must name the version being pushed: the hub never trusts the client's word for what an archive holds.
 */
export async function readArchiveMeta(path: string, kind: RepositoryKind, expected: { name: string; version: string }): Promise<ArchiveMeta> {
  const wanted = keptFiles[kind];
  const files: Record<string, string> = {};
  let tooLarge: string | undefined;
  try {
    await tar.list({
      file: path,
      strict: true,
      onReadEntry: (entry) => {
        const name = entry.path.replace(/^(\.\/)+/, '');
        if (!wanted.includes(name) || entry.type !== 'File') return;
        if ((entry.size ?? 0) > maxManifestBytes) {
          tooLarge = name;
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => (files[name] = Buffer.concat(chunks).toString('utf8')));
      },
    });
  } catch (error) {
    throw new HubError('manifest_invalid', `the upload is not a readable ${kind} archive (${(error as Error).message})`);
  }
  if (tooLarge) throw new HubError('manifest_too_large', `${tooLarge} in the archive is over ${maxManifestBytes} bytes`);
  const manifestFile = wanted[0]!;
  const text = files[manifestFile];
  if (text === undefined) throw new HubError('manifest_invalid', `the archive holds no ${manifestFile} at its root`);
  let manifest: unknown;
  try {
    manifest = parse(text, { maxAliasCount: 100 });
  } catch (error) {
    throw new HubError('manifest_invalid', `${manifestFile} is not valid YAML (${(error as Error).message})`);
  }
  const m = manifest as { name?: unknown; version?: unknown } | null;
  if (!m || typeof m !== 'object' || m.name !== expected.name || m.version !== expected.version) {
    throw new HubError('manifest_invalid', `${manifestFile} names ${JSON.stringify(m?.name)}:${JSON.stringify(m?.version)}, the push was for ${expected.name}:${expected.version}`);
  }
  delete files[manifestFile];
  return { manifest: manifest as Record<string, unknown>, files };
}
