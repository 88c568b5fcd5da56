import type { Kysely } from 'kysely';
import type { Principal } from '../auth/scopes.js';
import type { HubDatabase } from '../db/schema.js';

export type AuditAction = 'push' | 'pull' | 'delete' | 'alias.move' | 'alias.remove' | 'token.create' | 'token.revoke' | 'gc' | 'session.create';

/** One line of the audit log; written in the same transaction as the change it describes where there is one. */
export async function recordAudit(db: Kysely<HubDatabase>, actor: Principal | string, action: AuditAction, target: string, details: Record<string, unknown> = {}): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ at: new Date().toISOString(), actor: typeof actor === 'string' ? actor : actor.name, action, target, details: JSON.stringify(details) })
    .execute();
}

export async function listAudit(db: Kysely<HubDatabase>, options: { limit: number; before?: number; action?: string }) {
  let query = db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.before !== undefined) query = query.where('id', '<', options.before);
  if (options.action) query = query.where('action', '=', options.action);
  const rows = await query.execute();
  return rows.map((r) => ({ ...r, details: JSON.parse(r.details) as Record<string, unknown> }));
}
