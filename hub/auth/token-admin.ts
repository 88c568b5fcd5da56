import type { Kysely } from 'kysely';
import type { Principal } from '../auth/scopes.js';
import type { HubDatabase } from '../db/schema.js';
import { HubError } from '../errors.js';
import { recordAudit } from '../registry/audit.js';

export async function listTokens(db: Kysely<HubDatabase>) {
  const rows = await db.selectFrom('tokens').select(['id', 'name', 'scopes', 'admin', 'created_by', 'created_at', 'expires_at', 'last_used_at', 'revoked_at']).orderBy('created_at', 'desc').execute();
  return rows.map((r) => ({
    id: r.id,
    name: r.name,
    scopes: JSON.parse(r.scopes) as string[],
    admin: r.admin === 1,
    createdBy: r.created_by,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  }));
}

/** Revokes a token and ends its web sessions; the row stays, so the audit log keeps meaning something. */
export async function revokeToken(db: Kysely<HubDatabase>, principal: Principal, id: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    const updated = await trx.updateTable('tokens').set({ revoked_at: new Date().toISOString() }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) throw new HubError('not_found', `no active token \`${id.slice(0, 40)}\``);
    await trx.deleteFrom('sessions').where('token_id', '=', id).execute();
    await recordAudit(trx, principal, 'token.revoke', `token/${id}`);
  });
}
