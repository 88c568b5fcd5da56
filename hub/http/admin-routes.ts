import type { FastifyInstance } from 'fastify';
import { checkScopes, requireAdmin } from '../auth/scopes.js';
import { createToken, parseExpiry } from '../auth/tokens.js';
import type { HubContext } from '../context.js';
import { HubError } from '../errors.js';
import { listAudit, recordAudit } from '../registry/audit.js';
import { collectGarbage } from '../registry/gc.js';
import { principalOf } from './principal.js';
import { toInt } from './query.js';
import { listTokens, revokeToken } from '../auth/token-admin.js';

const tokenNamePattern = /^[A-Za-z0-9_][A-Za-z0-9_.@ -]{0,63}$/;

/** Admin-only: tokens, the audit log, garbage collection. */
export function registerAdminRoutes(app: FastifyInstance, ctx: HubContext): void {
  app.get('/api/v1/whoami', async (request) => {
    const p = principalOf(request);
    return { name: p.name, admin: p.admin, scopes: p.scopes };
  });

  app.get('/api/v1/tokens', async (request) => {
    requireAdmin(principalOf(request));
    return { items: await listTokens(ctx.db) };
  });

  app.post<{ Body: { name?: unknown; scopes?: unknown; admin?: unknown; expires?: unknown } }>('/api/v1/tokens', async (request, reply) => {
    const principal = principalOf(request);
    requireAdmin(principal);
    const body = request.body ?? {};
    if (typeof body.name !== 'string' || !tokenNamePattern.test(body.name)) throw new HubError('invalid_name', 'token name: 1–64 letters, digits, _ . @ - or spaces');
    const admin = body.admin === true;
    const scopes = checkScopes(body.scopes ?? []);
    if (!admin && scopes.length === 0) throw new HubError('bad_request', 'a token needs scopes (e.g. ["read:*"]) or admin: true');
    if (body.expires !== undefined && typeof body.expires !== 'string') throw new HubError('bad_request', 'expires is like "30d", "12h" or an ISO date');
    const expiresAt = parseExpiry(body.expires as string | undefined);
    const created = await createToken(ctx.db, { name: body.name, scopes, admin, expiresAt, createdBy: principal.name });
    await recordAudit(ctx.db, principal, 'token.create', `token/${created.id}`, { name: body.name, scopes, admin, expiresAt });
    return reply.status(201).send({ ...created, name: body.name, scopes, admin, expiresAt, note: 'the token is shown only now; store it' });
  });

  app.delete<{ Params: { id: string } }>('/api/v1/tokens/:id', async (request, reply) => {
    const principal = principalOf(request);
    requireAdmin(principal);
    await revokeToken(ctx.db, principal, request.params.id);
    return reply.status(204).send();
  });

  app.get<{ Querystring: { limit?: string; before?: string; action?: string } }>('/api/v1/audit', async (request) => {
    requireAdmin(principalOf(request));
    const limit = toInt(request.query.limit, 100, 'limit');
    if (limit < 1 || limit > 1000) throw new HubError('bad_request', 'limit must be 1…1000');
    const before = toInt(request.query.before, undefined, 'before');
    return { items: await listAudit(ctx.db, { limit, before, action: request.query.action }) };
  });

  app.post('/api/v1/gc', async (request) => {
    const principal = principalOf(request);
    requireAdmin(principal);
    return collectGarbage(ctx, principal);
  });
}
