import type { FastifyInstance } from 'fastify';
import { checkScopes, requireAdmin } from '../../auth/scopes.js';
import { listTokens, revokeToken } from '../../auth/token-admin.js';
import { createToken, parseExpiry } from '../../auth/tokens.js';
import { HubError } from '../../errors.js';
import { listAudit, recordAudit } from '../../registry/audit.js';
import { renderAudit, renderTokens } from '../pages/admin-pages.js';
import { checkCsrf } from '../session.js';
import { toInt } from '../../http/query.js';
import type { UiKit } from '../register-ui.js';

/** Tokens (create, revoke) and the audit log: admin sessions only. */
export function registerAdminPages(app: FastifyInstance, kit: UiKit): void {
  const { ctx } = kit;

  app.get('/ui/tokens', async (request, reply) => {
    const viewer = await kit.viewer(request, reply);
    if (!viewer) return reply;
    return kit.send(reply, viewer, async () => {
      requireAdmin(viewer.principal);
      return { title: 'Tokens', section: 'tokens', body: renderTokens(viewer.session!, await listTokens(ctx.db)) };
    });
  });

  app.post<{ Body: Record<string, string> }>('/ui/tokens', async (request, reply) => {
    const viewer = await kit.viewer(request, reply);
    if (!viewer) return reply;
    kit.checkOrigin(request);
    checkCsrf(viewer.session, request.body?._csrf);
    return kit.send(reply, viewer, async () => {
      requireAdmin(viewer.principal);
      const body = request.body ?? {};
      const name = String(body.name ?? '').trim();
      const admin = body.admin === '1';
      try {
        if (!/^[A-Za-z0-9_][A-Za-z0-9_.@ -]{0,63}$/.test(name)) throw new HubError('invalid_name', 'token name: 1–64 letters, digits, _ . @ - or spaces');
        const scopes = checkScopes(String(body.scopes ?? '').split(/[\s,]+/).filter(Boolean));
        if (!admin && scopes.length === 0) throw new HubError('bad_request', 'give the token scopes (e.g. read:*) or make it admin');
        const expiresAt = parseExpiry(body.expires);
        const created = await createToken(ctx.db, { name, scopes, admin, expiresAt, createdBy: viewer.principal.name });
        await recordAudit(ctx.db, viewer.principal, 'token.create', `token/${created.id}`, { name, scopes, admin, expiresAt });
        return { title: 'Tokens', section: 'tokens', status: 201, body: renderTokens(viewer.session!, await listTokens(ctx.db), { token: created.token, name }) };
      } catch (error) {
        if (!(error instanceof HubError) || error.status !== 400) throw error;
        return { title: 'Tokens', section: 'tokens', status: 400, body: renderTokens(viewer.session!, await listTokens(ctx.db), undefined, error.message) };
      }
    });
  });

  app.post<{ Params: { id: string }; Body: Record<string, string> }>('/ui/tokens/:id/revoke', async (request, reply) => {
    const viewer = await kit.viewer(request, reply);
    if (!viewer) return reply;
    kit.checkOrigin(request);
    checkCsrf(viewer.session, request.body?._csrf);
    requireAdmin(viewer.principal);
    await revokeToken(ctx.db, viewer.principal, request.params.id);
    return reply.redirect('/ui/tokens', 303);
  });

  app.get<{ Querystring: { action?: string; before?: string } }>('/ui/audit', async (request, reply) => {
    const viewer = await kit.viewer(request, reply);
    if (!viewer) return reply;
    return kit.send(reply, viewer, async () => {
      requireAdmin(viewer.principal);
      const action = request.query.action ?? '';
      const rows = await listAudit(ctx.db, { limit: 100, action: action || undefined, before: toInt(request.query.before, undefined, 'before') });
      return { title: 'Audit log', section: 'audit', body: renderAudit(rows, action, rows.length === 100 ? rows.at(-1)!.id : undefined) };
    });
  });
}
