import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream, type ReadStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Content-addressed files under `<data>/blobs/sha256/<2>/<64>`, uploads in progress under `<data>/uploads/`.
 * Everything is streamed: no blob or chunk is ever held whole in memory.
 */
export class BlobStore {
  /**
   * sha256 of each upload so far, fed as its chunks arrive, so the commit need not read the file again. Only
   * trusted while it has seen exactly the bytes on disk; after a restart or a failed chunk the file is re-read.
   */
  private readonly running = new Map<string, { hash: Hash; bytes: number }>();

  constructor(readonly dataDir: string) {}

  async init(): Promise<void> {
    await mkdir(join(this.dataDir, 'blobs', 'sha256'), { recursive: true });
    await mkdir(join(this.dataDir, 'uploads'), { recursive: true });
  }

  blobPath(digest: string): string {
    return join(this.dataDir, 'blobs', 'sha256', digest.slice(0, 2), digest);
  }

  uploadPath(id: string): string {
    return join(this.dataDir, 'uploads', `${id}.part`);
  }

  async has(digest: string): Promise<boolean> {
    return (await stat(this.blobPath(digest)).catch(() => undefined))?.isFile() ?? false;
  }

  /** Bytes received so far for an upload (0 when nothing was written yet). */
  async uploadedBytes(id: string): Promise<number> {
    return (await stat(this.uploadPath(id)).catch(() => undefined))?.size ?? 0;
  }

  /**
   * Appends a stream at `offset` (which must be the current end), stopping at `limit` bytes in all. Returns the
   * new end. A cut connection leaves the bytes that did arrive: the client resumes from there.
   */
  async append(id: string, offset: number, body: Readable, limit: number): Promise<number> {
    let written = offset;
    if (offset === 0) this.running.set(id, { hash: createHash('sha256'), bytes: 0 });
    const running = this.running.get(id);
    if (running && running.bytes !== offset) this.running.delete(id);
    const hashing = running?.bytes === offset ? running : undefined;
    const out = createWriteStream(this.uploadPath(id), { flags: offset === 0 ? 'w' : 'r+', start: offset });
    try {
      await pipeline(
        body,
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            written += chunk.length;
            if (written > limit) throw Object.assign(new Error('past the announced size'), { code: 'HUB_CHUNK_TOO_LARGE' });
            hashing?.hash.update(chunk);
            yield chunk;
          }
        },
        out,
      );
    } catch (error) {
      this.running.delete(id); // what reached the disk is unknown: the commit re-reads the file
      throw error;
    }
    if (hashing) hashing.bytes = written;
    return written;
  }

  /** sha256 of an upload: the running hash when it saw every byte on disk, else read back as a stream. */
  async hashUpload(id: string): Promise<string> {
    const running = this.running.get(id);
    this.running.delete(id);
    if (running && running.bytes === (await this.uploadedBytes(id))) return running.hash.digest('hex');
    const hash = createHash('sha256');
    await pipeline(createReadStream(this.uploadPath(id)), hash);
    return hash.digest('hex');
  }

  /** Moves a verified upload to its content address; an identical blob already there wins. */
  async promote(id: string, digest: string): Promise<void> {
    if (await this.has(digest)) return this.discardUpload(id);
    await mkdir(join(this.dataDir, 'blobs', 'sha256', digest.slice(0, 2)), { recursive: true });
    await rename(this.uploadPath(id), this.blobPath(digest));
  }

  async discardUpload(id: string): Promise<void> {
    this.running.delete(id);
    await rm(this.uploadPath(id), { force: true });
  }

  open(digest: string): ReadStream {
    return createReadStream(this.blobPath(digest));
  }

  async remove(digest: string): Promise<void> {
    await rm(this.blobPath(digest), { force: true });
  }
}
