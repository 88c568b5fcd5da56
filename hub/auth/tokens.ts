import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { HubDatabase, TokenTable } from '../db/schema.js';
import { HubError } from '../errors.js';
import type { Principal } from './scopes.js';

/** `last_used_at` is written at most this often per token (ms): a busy CI token must not turn every read into a write. */
const lastUsedResolutionMs = 60_000;

export interface NewToken {
  name: string;
  scopes: string[];
  admin: boolean;
  expiresAt: string | null;
  createdBy: string;
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Creates a token and returns it once as `bch_<id>_<secret>`; only the secret's sha256 is stored. */
export async function createToken(db: Kysely<HubDatabase>, token: NewToken): Promise<{ id: string; token: string }> {
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  await db
    .insertInto('tokens')
    .values({
      id,
      name: token.name,
      secret_hash: hashSecret(secret),
      scopes: JSON.stringify(token.scopes),
      admin: token.admin ? 1 : 0,
      created_by: token.createdBy,
      created_at: new Date().toISOString(),
      expires_at: token.expiresAt,
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { id, token: `bch_${id}_${secret}` };
}

/** Resolves a raw token to its principal, or throws 401 (unknown, revoked or expired). */
export async function authenticateToken(db: Kysely<HubDatabase>, raw: string, now = new Date()): Promise<Principal> {
  const match = /^bch_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(raw);
  if (!match) throw new HubError('token_invalid', 'the token is not a bentoc hub token (bch_…)');
  const row = await db.selectFrom('tokens').selectAll().where('id', '=', match[1]!).executeTakeFirst();
  const expected = Buffer.from(row?.secret_hash ?? '0'.repeat(64), 'hex');
  const same = timingSafeEqual(expected, Buffer.from(hashSecret(match[2]!), 'hex'));
  if (!row || !same || row.revoked_at) throw new HubError('token_invalid', 'the token is unknown or was revoked');
  if (row.expires_at && Date.parse(row.expires_at) <= now.getTime()) throw new HubError('token_expired', `the token \`${row.name}\` expired at ${row.expires_at}`);
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > lastUsedResolutionMs) {
    await db.updateTable('tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.id).execute();
  }
  return toPrincipal(row);
}

export function toPrincipal(row: Pick<TokenTable, 'id' | 'name' | 'admin' | 'scopes'>): Principal {
  return { tokenId: row.id, name: row.name, admin: row.admin === 1, scopes: JSON.parse(row.scopes) as string[] };
}

/** `30d`, `12h`, `90m` or an ISO date → an ISO expiry; undefined → never. */
export function parseExpiry(value: string | undefined, now = new Date()): string | null {
  if (value === undefined || value === '' || value === 'never') return null;
  const match = /^(\d+)([dhm])$/.exec(value);
  if (match) {
    const unitMs = { d: 86_400_000, h: 3_600_000, m: 60_000 }[match[2] as 'd' | 'h' | 'm'];
    return new Date(now.getTime() + Number(match[1]) * unitMs).toISOString();
  }
  const date = Date.parse(value);
  if (Number.isNaN(date)) throw new HubError('bad_request', `expiry \`${value}\` is not 30d, 12h, 90m or an ISO date`);
  return new Date(date).toISOString();
}
