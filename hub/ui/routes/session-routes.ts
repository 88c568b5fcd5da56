import type { FastifyInstance } from 'fastify';
import { authenticateToken } from '../../auth/tokens.js';
import { HubError } from '../../errors.js';
import { recordAudit } from '../../registry/audit.js';
import { renderPage } from '../layout.js';
import { renderLogin } from '../pages/login-page.js';
import { checkCsrf, createSession, endSession, readSession } from '../session.js';
import type { UiKit } from '../register-ui.js';

/** Only same-site relative paths: a crafted `next` must not turn sign-in into an open redirect. */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/ui\/[A-Za-z0-9_.\/?=&%-]*$/.test(next) && !next.includes('//') ? next : '/ui/bentos';
}

export function registerSessionRoutes(app: FastifyInstance, kit: UiKit): void {
  const { ctx } = kit;
  app.get<{ Querystring: { next?: string } }>('/ui/login', async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(renderPage({ title: 'Sign in', session: undefined, body: renderLogin(undefined, safeNext(request.query.next)) })),
  );

  app.post<{ Body: Record<string, string>; Querystring: { next?: string } }>('/ui/login', async (request, reply) => {
    kit.checkOrigin(request);
    try {
      const principal = await authenticateToken(ctx.db, String(request.body?.token ?? '').trim());
      const token = await ctx.db.selectFrom('tokens').select(['id', 'expires_at']).where('id', '=', principal.tokenId!).executeTakeFirstOrThrow();
      await createSession(ctx, reply, request, token.id, token.expires_at);
      await recordAudit(ctx.db, principal, 'session.create', `token/${token.id}`);
      return reply.redirect(safeNext(request.query.next), 303);
    } catch (error) {
      if (!(error instanceof HubError) || error.status !== 401) throw error;
      return reply.status(401).type('text/html; charset=utf-8').send(renderPage({ title: 'Sign in', session: undefined, body: renderLogin(error.message, safeNext(request.query.next)) }));
    }
  });

  app.post<{ Body: Record<string, string> }>('/ui/logout', async (request, reply) => {
    kit.checkOrigin(request);
    checkCsrf(await readSession(ctx, request), request.body?._csrf);
    await endSession(ctx, request, reply);
    return reply.redirect('/ui/login', 303);
  });
}
