import Fastify, { type FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';
import { authenticateRequest } from './authenticate.js';
import { registerAdminRoutes } from './admin-routes.js';
import { installErrorHandler } from './error-handler.js';
import { setPrincipal } from './principal.js';
import { registerRegistryRoutes } from './registry-routes.js';
import { registerUploadRoutes } from './upload-routes.js';

export interface BuildHubAppOptions {
  logger?: boolean | object;
  /** Mounts the web UI (server-rendered pages under /ui). */
  registerUi?: (app: FastifyInstance, ctx: HubContext) => void;
}

/** The hub's HTTP app: JSON API under /api/v1 (Bearer tokens), the web UI (session cookie), /healthz. */
export function buildHubApp(ctx: HubContext, options: BuildHubAppOptions = {}): FastifyInstance {
  // params longer than any valid name still reach the name check, which says what is allowed (fastify would answer a bare 414)
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1024 * 1024, return503OnClosing: true, routerOptions: { maxParamLength: 1024 } });
  installErrorHandler(app);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    setPrincipal(request, await authenticateRequest(ctx, request));
  });
  app.get('/healthz', async () => ({ status: 'ok' }));
  registerRegistryRoutes(app, ctx);
  registerUploadRoutes(app, ctx);
  registerAdminRoutes(app, ctx);
  options.registerUi?.(app, ctx);
  return app;
}
