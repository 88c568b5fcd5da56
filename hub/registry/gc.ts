import type { Principal } from '../auth/scopes.js';
import { blobLockKey, withLock, type HubContext } from '../context.js';
import { recordAudit } from './audit.js';

/** Uploads untouched for this long are abandoned: their partial files are removed by GC (ms). */
const abandonedUploadMs = 24 * 3_600_000;

/**
 * Removes every blob no version references (row first, then file: a crash in between leaves an orphan file
 * that the next run can no longer see, never a row whose file is gone), uploads abandoned for a day and expired
 * web sessions.
 */
export async function collectGarbage(ctx: HubContext, principal: Principal, now = new Date()) {
  return withLock(ctx.uploadLocks, blobLockKey, () => collect(ctx, principal, now));
}

async function collect(ctx: HubContext, principal: Principal, now: Date) {
  const orphans = await ctx.db
    .selectFrom('blobs')
    .select(['digest', 'size'])
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('versions').select('id').whereRef('versions.digest', '=', 'blobs.digest'))))
    .execute();
  let freedBytes = 0;
  for (const blob of orphans) {
    const removed = await ctx.db
      .deleteFrom('blobs')
      .where('digest', '=', blob.digest)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('versions').select('id').where('versions.digest', '=', blob.digest))))
      .executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) continue; // re-used by a push since the scan
    await ctx.blobs.remove(blob.digest);
    freedBytes += Number(blob.size);
  }
  const stale = await ctx.db.selectFrom('uploads').select('id').where('created_at', '<', new Date(now.getTime() - abandonedUploadMs).toISOString()).execute();
  for (const upload of stale) {
    await ctx.db.deleteFrom('uploads').where('id', '=', upload.id).execute();
    await ctx.blobs.discardUpload(upload.id);
  }
  await ctx.db.deleteFrom('sessions').where('expires_at', '<', now.toISOString()).execute();
  if (orphans.length > 0 || stale.length > 0) await recordAudit(ctx.db, principal, 'gc', 'blobs', { blobs: orphans.length, freedBytes, uploads: stale.length });
  return { blobs: orphans.length, freedBytes, uploads: stale.length };
}
