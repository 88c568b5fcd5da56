import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/scopes.js';
import { toPrincipal } from '../auth/tokens.js';
import type { HubContext } from '../context.js';
import { HubError } from '../errors.js';

export const sessionCookie = 'bentoc_hub_session';
/** A web session lasts a working day, and never past its token's own expiry (ms). */
const sessionMs = 12 * 3_600_000;

export interface UiSession {
  principal: Principal;
  csrf: string;
}

const hash = (value: string) => createHash('sha256').update(value).digest('hex');

export async function createSession(ctx: HubContext, reply: FastifyReply, request: FastifyRequest, tokenId: string, tokenExpiresAt: string | null): Promise<void> {
  const id = randomBytes(32).toString('base64url');
  const expires = new Date(Math.min(Date.now() + sessionMs, tokenExpiresAt ? Date.parse(tokenExpiresAt) : Infinity));
  await ctx.db.insertInto('sessions').values({ id_hash: hash(id), token_id: tokenId, csrf: randomBytes(24).toString('base64url'), expires_at: expires.toISOString() }).execute();
  reply.header('set-cookie', cookie(request, id, expires));
}

export async function endSession(ctx: HubContext, request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const id = readCookie(request);
  if (id) await ctx.db.deleteFrom('sessions').where('id_hash', '=', hash(id)).execute();
  reply.header('set-cookie', cookie(request, '', new Date(0)));
}

/** The session's principal, if its cookie, its token (not revoked, not expired) and its own expiry all hold. */
export async function readSession(ctx: HubContext, request: FastifyRequest): Promise<UiSession | undefined> {
  const id = readCookie(request);
  if (!id) return undefined;
  const row = await ctx.db
    .selectFrom('sessions')
    .innerJoin('tokens', 'tokens.id', 'sessions.token_id')
    .select(['sessions.csrf', 'sessions.expires_at', 'tokens.id', 'tokens.name', 'tokens.admin', 'tokens.scopes', 'tokens.revoked_at', 'tokens.expires_at as token_expires_at'])
    .where('sessions.id_hash', '=', hash(id))
    .executeTakeFirst();
  const now = Date.now();
  if (!row || row.revoked_at || Date.parse(row.expires_at) <= now || (row.token_expires_at && Date.parse(row.token_expires_at) <= now)) return undefined;
  return { principal: toPrincipal(row), csrf: row.csrf };
}

/** Forms carry the session's CSRF token; the SameSite=Strict cookie is the second line. */
export function checkCsrf(session: UiSession | undefined, sent: unknown): void {
  const a = Buffer.from(String(sent ?? ''));
  const b = Buffer.from(session?.csrf ?? '');
  if (!session || a.length !== b.length || !timingSafeEqual(a, b)) throw new HubError('csrf_failed', 'the form is stale or was not sent from this hub’s pages; reload and try again');
}

function readCookie(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...rest] = part.trim().split('=');
    if (name === sessionCookie) return rest.join('=') || undefined;
  }
  return undefined;
}

function cookie(request: FastifyRequest, value: string, expires: Date): string {
  const secure = request.protocol === 'https' ? '; Secure' : '';
  return `${sessionCookie}=${value}; Path=/; HttpOnly; SameSite=Strict; Expires=${expires.toUTCString()}${secure}`;
}
