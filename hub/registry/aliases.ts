import type { Kysely } from 'kysely';
import type { Principal } from '../auth/scopes.js';
import type { HubContext } from '../context.js';
import type { HubDatabase, RepositoryKind } from '../db/schema.js';
import { HubError } from '../errors.js';
import { recordAudit } from './audit.js';
import { findRepository, resolveVersion } from './versions.js';

/** Points an alias at a version and appends the move to its history (inside the caller's transaction). */
export async function moveAliasIn(db: Kysely<HubDatabase>, repositoryId: number, alias: string, versionId: number, version: string, by: string, at: string): Promise<void> {
  await db
    .insertInto('aliases')
    .values({ repository_id: repositoryId, name: alias, version_id: versionId, updated_by: by, updated_at: at })
    .onConflict((oc) => oc.columns(['repository_id', 'name']).doUpdateSet({ version_id: versionId, updated_by: by, updated_at: at }))
    .execute();
  await db.insertInto('alias_history').values({ repository_id: repositoryId, alias, version, moved_by: by, moved_at: at }).execute();
}

export async function moveAlias(ctx: HubContext, principal: Principal, kind: RepositoryKind, name: string, alias: string, ref: string) {
  const { repo, row } = await resolveVersion(ctx.db, kind, name, ref);
  const at = new Date().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    await moveAliasIn(trx, repo.id, alias, row.id, row.version, principal.name, at);
    await recordAudit(trx, principal, 'alias.move', `${kind}/${name}:${alias}`, { version: row.version });
  });
  return { alias, version: row.version };
}

export async function removeAlias(ctx: HubContext, principal: Principal, kind: RepositoryKind, name: string, alias: string) {
  const repo = await findRepository(ctx.db, kind, name);
  if (!repo) throw new HubError('not_found', `no ${kind} \`${name}\` on this hub`);
  await ctx.db.transaction().execute(async (trx) => {
    const removed = await trx.deleteFrom('aliases').where('repository_id', '=', repo.id).where('name', '=', alias).executeTakeFirst();
    if (Number(removed.numDeletedRows) === 0) throw new HubError('not_found', `${kind} \`${name}\` has no alias \`${alias}\``);
    const at = new Date().toISOString();
    await trx.insertInto('alias_history').values({ repository_id: repo.id, alias, version: null, moved_by: principal.name, moved_at: at }).execute();
    await recordAudit(trx, principal, 'alias.remove', `${kind}/${name}:${alias}`);
  });
}

/** Current aliases and the full history of moves, newest first. */
export async function listAliases(ctx: HubContext, kind: RepositoryKind, name: string) {
  const repo = await findRepository(ctx.db, kind, name);
  if (!repo) throw new HubError('not_found', `no ${kind} \`${name}\` on this hub`);
  const current = await ctx.db
    .selectFrom('aliases')
    .innerJoin('versions', 'versions.id', 'aliases.version_id')
    .select(['aliases.name', 'versions.version', 'aliases.updated_by', 'aliases.updated_at'])
    .where('aliases.repository_id', '=', repo.id)
    .orderBy('aliases.name')
    .execute();
  const history = await ctx.db.selectFrom('alias_history').selectAll().where('repository_id', '=', repo.id).orderBy('id', 'desc').limit(200).execute();
  return {
    aliases: current.map((a) => ({ alias: a.name, version: a.version, updatedBy: a.updated_by, updatedAt: a.updated_at })),
    history: history.map((h) => ({ alias: h.alias, version: h.version, movedBy: h.moved_by, movedAt: h.moved_at })),
  };
}
