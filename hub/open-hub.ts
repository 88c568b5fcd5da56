import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BlobStore } from './blobs/blob-store.js';
import { defaultHubOptions, type HubContext, type HubOptions } from './context.js';
import { openDatabase } from './db/open-database.js';

export interface OpenHubOptions extends Partial<HubOptions> {
  /** Blobs, uploads and (by default) the SQLite database live here. */
  dataDir: string;
  /** postgres://… for PostgreSQL; SQLite in dataDir when absent. */
  databaseUrl?: string;
}

/** Opens (and migrates) a hub's data: the database plus the blob folder. Close with `ctx.close()`. */
export async function openHub(options: OpenHubOptions): Promise<HubContext> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const db = await openDatabase({ dataDir, databaseUrl: options.databaseUrl });
  const blobs = new BlobStore(dataDir);
  await blobs.init();
  const hubOptions: HubOptions = {
    publicRead: options.publicRead ?? defaultHubOptions.publicRead,
    maxChunkBytes: options.maxChunkBytes ?? defaultHubOptions.maxChunkBytes,
    maxArchiveBytes: options.maxArchiveBytes ?? defaultHubOptions.maxArchiveBytes,
  };
  return { ...db, blobs, options: hubOptions, uploadLocks: new Map() };
}
