import { open, stat } from 'node:fs/promises';
import type { HubCredentials } from './credentials.js';
import { HubRequestError, hubJson } from './hub-client.js';
import type { Reporter } from './progress.js';
import { hashFile } from '../utils/hash-file.js';

/** Bytes per PATCH: large enough for throughput, small enough that a cut push loses little (env for tests). */
const defaultChunkBytes = 8 * 1024 * 1024;

export interface PushTarget {
  kind: 'bento' | 'model';
  name: string;
  version: string;
  labels: Record<string, string>;
}

interface StartAnswer {
  status: 'exists' | 'upload';
  id?: string;
  offset?: number;
}

/**
 * Sends an archive in chunks from wherever the hub says it stands (so a killed push resumes), then commits;
 * the hub verifies size and sha256 before the version becomes visible. A version already there is a no-op.
 */
export async function pushArchive(credentials: HubCredentials, file: string, target: PushTarget, report: Reporter): Promise<{ digest: string; size: number; existed: boolean }> {
  const size = (await stat(file)).size;
  const digest = await hashFile(file);
  const tag = `${target.name}:${target.version}`;
  const started = Date.now();
  report({ event: 'start', action: 'push', tag, size, digest });
  const base = `/api/v1/${target.kind}s/${encodeURIComponent(target.name)}`;
  const answer = await hubJson<StartAnswer>(credentials, `${base}/uploads`, {
    method: 'POST',
    body: JSON.stringify({ version: target.version, digest, size, labels: target.labels }),
  });
  if (answer.status === 'exists') {
    report({ event: 'exists', tag });
    return { digest, size, existed: true };
  }
  const id = answer.id!;
  let offset = answer.offset ?? 0;
  if (offset > 0) report({ event: 'resume', offset });
  const chunkBytes = Number(process.env.BENTOC_HUB_CHUNK_BYTES) || defaultChunkBytes;
  const handle = await open(file, 'r');
  try {
    while (offset < size) {
      const length = Math.min(chunkBytes, size - offset);
      const chunk = Buffer.alloc(length); // one chunk at a time: memory stays flat whatever the archive size
      await handle.read(chunk, 0, length, offset);
      try {
        const sent = await hubJson<{ offset: number }>(credentials, `/api/v1/uploads/${id}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/octet-stream', 'upload-offset': String(offset) },
          body: chunk,
        });
        offset = sent.offset;
      } catch (error) {
        // another pusher of the same bytes moved the upload on: continue from where it stands
        if (error instanceof HubRequestError && error.hubCode === 'upload_offset_mismatch' && typeof error.details.offset === 'number') offset = error.details.offset;
        else throw error;
      }
      report({ event: 'progress', bytes: offset, size });
    }
  } finally {
    await handle.close();
  }
  try {
    await hubJson(credentials, `/api/v1/uploads/${id}/commit`, { method: 'POST' });
  } catch (error) {
    // a concurrent pusher committed first: the version is there with our digest
    if (!(error instanceof HubRequestError && error.status === 404)) throw error;
  }
  report({ event: 'done', tag, digest, size, seconds: (Date.now() - started) / 1000 });
  return { digest, size, existed: false };
}
