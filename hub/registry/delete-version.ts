import type { Principal } from '../auth/scopes.js';
import type { HubContext } from '../context.js';
import type { RepositoryKind } from '../db/schema.js';
import { recordAudit } from './audit.js';
import { collectGarbage } from './gc.js';
import { resolveVersion } from './versions.js';

/**
 * Deletes one version (by version or alias): its labels, the aliases on it (recorded in their history), and,
 * through garbage collection, its blob when no other version shares it. `latest` moves to the newest left.
 */
export async function deleteVersion(ctx: HubContext, principal: Principal, kind: RepositoryKind, name: string, ref: string) {
  const { repo, row } = await resolveVersion(ctx.db, kind, name, ref);
  const at = new Date().toISOString();
  await ctx.db.transaction().execute(async (trx) => {
    const aliases = await trx.selectFrom('aliases').select('name').where('version_id', '=', row.id).execute();
    await trx.deleteFrom('aliases').where('version_id', '=', row.id).execute();
    for (const alias of aliases) {
      await trx.insertInto('alias_history').values({ repository_id: repo.id, alias: alias.name, version: null, moved_by: principal.name, moved_at: at }).execute();
    }
    await trx.deleteFrom('version_labels').where('version_id', '=', row.id).execute();
    await trx.deleteFrom('versions').where('id', '=', row.id).execute();
    if (aliases.some((a) => a.name === 'latest')) {
      const newest = await trx.selectFrom('versions').select(['id', 'version']).where('repository_id', '=', repo.id).orderBy('id', 'desc').executeTakeFirst();
      if (newest) {
        await trx.insertInto('aliases').values({ repository_id: repo.id, name: 'latest', version_id: newest.id, updated_by: principal.name, updated_at: at }).execute();
        await trx.insertInto('alias_history').values({ repository_id: repo.id, alias: 'latest', version: newest.version, moved_by: principal.name, moved_at: at }).execute();
      }
    }
    await recordAudit(trx, principal, 'delete', `${kind}/${name}:${row.version}`, { digest: row.digest });
  });
  const gc = await collectGarbage(ctx, principal);
  return { deleted: row.version, freedBytes: gc.freedBytes };
}
