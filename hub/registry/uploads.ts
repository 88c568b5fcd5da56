import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { Principal } from '../auth/scopes.js';
import { readArchiveMeta } from '../blobs/read-archive.js';
import { blobLockKey, withLock, type HubContext } from '../context.js';
import { HubError } from '../errors.js';
import { checkLabels } from '../names.js';
import { moveAliasIn } from './aliases.js';
import { recordAudit } from './audit.js';
import { findRepository, toViews, type VersionView } from './versions.js';

/** What a push announces: the version's identity, its archive's sha256 and size, its labels. */
export type UploadTarget = Pick<VersionView, 'kind' | 'name' | 'version' | 'digest' | 'size' | 'labels'>;

export type UploadState = { status: 'exists'; version: VersionView } | { status: 'upload'; id: string; offset: number; size: number };

/**
 * Starts (or finds) the upload for one version. The same name, version and digest always get the same
 * upload, so a push that died resumes from the bytes the hub already has; a finished version is a no-op.
 */
export async function startUpload(ctx: HubContext, principal: Principal, target: UploadTarget): Promise<UploadState> {
  const existing = await findExisting(ctx, target);
  if (existing) return { status: 'exists', version: existing };
  if (target.size > ctx.options.maxArchiveBytes) throw new HubError('chunk_too_large', `the archive is ${target.size} bytes, the hub takes at most ${ctx.options.maxArchiveBytes}`);
  const id = randomBytes(12).toString('hex');
  await ctx.db
    .insertInto('uploads')
    .values({ id, ...target, labels: JSON.stringify(target.labels), created_by: principal.name, created_at: new Date().toISOString() })
    .onConflict((oc) => oc.columns(['kind', 'name', 'version', 'digest']).doNothing())
    .execute();
  const upload = await ctx.db
    .selectFrom('uploads')
    .selectAll()
    .where('kind', '=', target.kind)
    .where('name', '=', target.name)
    .where('version', '=', target.version)
    .where('digest', '=', target.digest)
    .executeTakeFirstOrThrow();
  return { status: 'upload', id: upload.id, offset: await ctx.blobs.uploadedBytes(upload.id), size: Number(upload.size) };
}

export async function getUpload(ctx: HubContext, id: string) {
  const upload = await ctx.db.selectFrom('uploads').selectAll().where('id', '=', id).executeTakeFirst();
  if (!upload) throw new HubError('not_found', `no upload \`${id}\` (it may have been committed or collected)`);
  return { ...upload, size: Number(upload.size), offset: await ctx.blobs.uploadedBytes(id) };
}

/** Appends one chunk that must start at the current end of the upload (409 with the real offset otherwise). */
export async function appendChunk(ctx: HubContext, id: string, offset: number, body: Readable): Promise<number> {
  return withLock(ctx.uploadLocks, id, async () => {
    const upload = await getUpload(ctx, id);
    if (offset !== upload.offset) throw new HubError('upload_offset_mismatch', `the upload stands at byte ${upload.offset}, the chunk starts at ${offset}`, { offset: upload.offset });
    const limit = Math.min(upload.size, offset + ctx.options.maxChunkBytes);
    try {
      return await ctx.blobs.append(id, offset, body, limit);
    } catch (error) {
      if ((error as { code?: string }).code === 'HUB_CHUNK_TOO_LARGE') {
        throw new HubError('chunk_too_large', `a chunk may carry at most ${ctx.options.maxChunkBytes} bytes and may not pass the announced size ${upload.size}`);
      }
      throw error;
    }
  });
}

/**
 * Verifies size and sha256, reads the manifest out of the archive, then makes the version visible in one
 * transaction (and moves `latest`). Until this succeeds nothing of the push can be listed or pulled.
 */
export async function commitUpload(ctx: HubContext, principal: Principal, id: string): Promise<VersionView> {
  return withLock(ctx.uploadLocks, id, async () => {
    const upload = await getUpload(ctx, id);
    if (upload.offset !== upload.size) throw new HubError('upload_incomplete', `the upload has ${upload.offset} of ${upload.size} bytes`, { offset: upload.offset });
    const digest = await ctx.blobs.hashUpload(id);
    if (digest !== upload.digest) {
      // the bytes are wrong: throw them away so a retry starts from zero instead of resuming garbage
      await ctx.blobs.discardUpload(id);
      throw new HubError('digest_mismatch', `the upload hashes to sha256 ${digest}, the push announced ${upload.digest}; it was discarded`);
    }
    const target = { kind: upload.kind, name: upload.name, version: upload.version };
    const meta = await readArchiveMeta(ctx.blobs.uploadPath(id), upload.kind, target).catch(async (error: unknown) => {
      // the bytes are what was announced but not a valid archive for this version: resuming them is pointless
      await ctx.db.deleteFrom('uploads').where('id', '=', id).execute();
      await ctx.blobs.discardUpload(id);
      throw error;
    });
    const now = new Date().toISOString();
    const labels = { ...stringLabels(meta.manifest.labels), ...(JSON.parse(upload.labels) as Record<string, string>) };
    // under the blob lock: GC must not remove a blob between "already there" and its row being referenced
    await withLock(ctx.uploadLocks, blobLockKey, async () => {
      await ctx.blobs.promote(id, digest);
      await ctx.db.transaction().execute(async (trx) => {
        await trx.insertInto('blobs').values({ digest, size: upload.size, created_at: now }).onConflict((oc) => oc.column('digest').doNothing()).execute();
        await trx.insertInto('repositories').values({ kind: upload.kind, name: upload.name, created_at: now }).onConflict((oc) => oc.columns(['kind', 'name']).doNothing()).execute();
        const repo = (await findRepository(trx, upload.kind, upload.name))!;
        const inserted = await trx
          .insertInto('versions')
          .values({ repository_id: repo.id, version: upload.version, digest, size: upload.size, manifest: JSON.stringify(meta.manifest), files: JSON.stringify(meta.files), pushed_by: principal.name, created_at: now })
          .onConflict((oc) => oc.columns(['repository_id', 'version']).doNothing())
          .returning('id')
          .executeTakeFirst();
        await trx.deleteFrom('uploads').where('id', '=', id).execute();
        if (!inserted) return; // a concurrent push of the same version won; findExisting below reports it
        if (Object.keys(labels).length > 0) {
          await trx.insertInto('version_labels').values(Object.entries(labels).map(([key, value]) => ({ version_id: inserted.id, key, value }))).execute();
        }
        await moveAliasIn(trx, repo.id, 'latest', inserted.id, upload.version, principal.name, now);
        await recordAudit(trx, principal, 'push', `${upload.kind}/${upload.name}:${upload.version}`, { digest, size: upload.size });
      });
    });
    const version = await findExisting(ctx, { ...target, digest });
    if (!version) throw new HubError('version_exists', `${upload.kind} ${upload.name}:${upload.version} was pushed concurrently with different content`);
    return version;
  });
}

/** The stored version for a push target; 409 when the same version exists with other bytes. */
async function findExisting(ctx: HubContext, target: Pick<UploadTarget, 'kind' | 'name' | 'version' | 'digest'>): Promise<VersionView | undefined> {
  const repo = await findRepository(ctx.db, target.kind, target.name);
  if (!repo) return undefined;
  const row = await ctx.db.selectFrom('versions').selectAll().where('repository_id', '=', repo.id).where('version', '=', target.version).executeTakeFirst();
  if (!row) return undefined;
  if (row.digest !== target.digest) {
    throw new HubError('version_exists', `${target.kind} ${target.name}:${target.version} exists with digest ${row.digest}; versions are immutable`, { digest: row.digest });
  }
  return (await toViews(ctx.db, target.kind, target.name, [row]))[0];
}

/** The manifest's own labels, keeping only those the hub would accept from a client (the archive is not trusted more). */
function stringLabels(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object') return {};
  const kept = Object.entries(value).filter(([k, v]) => {
    try {
      checkLabels({ [k]: v });
      return true;
    } catch {
      return false;
    }
  });
  return Object.fromEntries(kept.slice(0, 64)) as Record<string, string>;
}
