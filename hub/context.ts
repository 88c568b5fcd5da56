import type { BlobStore } from './blobs/blob-store.js';
import type { HubDb } from './db/open-database.js';

export interface HubOptions {
  /** Anonymous GETs of bentos and models are allowed (writes never are). */
  publicRead: boolean;
  /** Largest chunk one PATCH may carry, in bytes. */
  maxChunkBytes: number;
  /** Largest archive a push may announce, in bytes. */
  maxArchiveBytes: number;
}

/** Everything a hub instance needs, passed around instead of module state, so tests can run two hubs at once. */
export interface HubContext extends HubDb {
  blobs: BlobStore;
  options: HubOptions;
  /** One writer per upload at a time within this process (appends are offset-checked, then written). */
  uploadLocks: Map<string, Promise<unknown>>;
}

export const defaultHubOptions: HubOptions = {
  publicRead: false,
  maxChunkBytes: 64 * 1024 * 1024,
  maxArchiveBytes: 64 * 1024 * 1024 * 1024,
};

/** The lock key that orders blob promotion against garbage collection. */
export const blobLockKey = 'blobs';

/** Runs `action` after every earlier action on the same key has settled. */
export async function withLock<T>(locks: Map<string, Promise<unknown>>, key: string, action: () => Promise<T>): Promise<T> {
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.catch(() => undefined).then(action);
  locks.set(key, run);
  try {
    return await run;
  } finally {
    if (locks.get(key) === run) locks.delete(key);
  }
}
