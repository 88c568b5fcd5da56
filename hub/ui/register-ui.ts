import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/scopes.js';
import type { HubContext } from '../context.js';
import { HubError } from '../errors.js';
import { anonymousReader } from '../http/authenticate.js';
import { html, type SafeHtml } from './html.js';
import { renderPage, type PageOptions } from './layout.js';
import { readSession, type UiSession } from './session.js';
import { registerAdminPages } from './routes/admin-routes.js';
import { registerBrowsePages } from './routes/browse-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerSwaggerRoutes } from './routes/swagger-routes.js';

export interface UiRequest {
  session: UiSession | undefined;
  principal: Principal;
}

export interface UiKit {
  ctx: HubContext;
  /** Who is looking: a signed-in session, the anonymous reader of a --public-read hub, or a redirect to sign in. */
  viewer(request: FastifyRequest, reply: FastifyReply): Promise<UiRequest | undefined>;
  /** Sends a page, or an HTML error page for a HubError thrown while building it. */
  send(reply: FastifyReply, viewer: UiRequest | undefined, build: () => Promise<Omit<PageOptions, 'session'> & { status?: number }>): Promise<FastifyReply>;
  /** POSTs must come from this hub's own pages: same origin, and the session's CSRF token. */
  checkOrigin(request: FastifyRequest): void;
}

/** The web UI: server-rendered pages under /ui, signed in with an API token turned into an httpOnly session cookie. */
export function registerUi(app: FastifyInstance, ctx: HubContext): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });

  const kit: UiKit = {
    ctx,
    async viewer(request, reply) {
      const session = await readSession(ctx, request);
      if (session) return { session, principal: session.principal };
      if (ctx.options.publicRead) return { session: undefined, principal: anonymousReader };
      await reply.redirect(`/ui/login?next=${encodeURIComponent(request.url)}`, 303);
      return undefined;
    },
    async send(reply, viewer, build) {
      try {
        const page = await build();
        return reply.status(page.status ?? 200).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderPage({ ...page, session: viewer?.session }));
      } catch (error) {
        if (!(error instanceof HubError)) throw error;
        const body: SafeHtml = html`<h1>${error.status === 404 ? 'Not found' : error.status === 403 ? 'Not allowed' : 'Something is wrong'}</h1><div class="error">${error.message}</div><p><a href="/ui/bentos">Back to bentos</a></p>`;
        return reply.status(error.status).type('text/html; charset=utf-8').send(renderPage({ title: 'Error', body, session: viewer?.session }));
      }
    },
    checkOrigin(request) {
      const origin = request.headers.origin;
      if (origin && origin !== 'null' && new URL(origin).host !== request.headers.host) throw new HubError('csrf_failed', 'a form was posted from another site');
    },
  };

  app.get('/', async (_request, reply) => reply.redirect('/ui/bentos', 302));
  registerSessionRoutes(app, kit);
  registerBrowsePages(app, kit);
  registerAdminPages(app, kit);
  registerSwaggerRoutes(app, kit);
}

