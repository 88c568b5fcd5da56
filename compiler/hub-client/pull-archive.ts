import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BentocError } from '../diagnostics/index.js';
import type { HubCredentials } from './credentials.js';
import { hubFetch, hubJson } from './hub-client.js';
import type { Reporter } from './progress.js';

export interface RemoteVersion {
  name: string;
  version: string;
  digest: string;
  size: number;
}

export async function fetchVersion(credentials: HubCredentials, kind: 'bento' | 'model', name: string, ref: string): Promise<RemoteVersion> {
  return hubJson<RemoteVersion>(credentials, `/api/v1/${kind}s/${encodeURIComponent(name)}/versions/${encodeURIComponent(ref)}`);
}

/**
 * Streams a version's archive to `file` while hashing it; a digest other than the one the hub recorded
 * deletes the file and fails, so nothing unverified reaches the import.
 */
export async function downloadArchive(credentials: HubCredentials, kind: 'bento' | 'model', remote: RemoteVersion, file: string, report: Reporter): Promise<void> {
  const response = await hubFetch(credentials, `/api/v1/${kind}s/${encodeURIComponent(remote.name)}/versions/${encodeURIComponent(remote.version)}/blob`);
  const hash = createHash('sha256');
  let bytes = 0;
  const count = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      report({ event: 'progress', bytes, size: remote.size });
      done(null, chunk);
    },
  });
  try {
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), count, createWriteStream(file));
    const digest = hash.digest('hex');
    if (digest !== remote.digest || bytes !== remote.size) {
      throw new BentocError('hub_digest_mismatch', `${remote.name}:${remote.version} arrived as ${bytes} bytes with sha256 ${digest}; the hub recorded ${remote.size} bytes, ${remote.digest}`, {
        hint: 'the transfer or the hub’s copy is damaged; nothing was imported — try again, or ask the hub admin to check the blob',
      });
    }
  } catch (error) {
    await rm(file, { force: true });
    throw error;
  }
}
