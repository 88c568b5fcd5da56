import type { FastifyInstance } from 'fastify';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { requireAccess } from '../../auth/scopes.js';
import { HubError } from '../../errors.js';
import { checkName } from '../../names.js';
import { resolveVersion } from '../../registry/versions.js';
import { escapeHtml } from '../html.js';
import type { UiKit } from '../register-ui.js';

/** The only Swagger UI files served, from the swagger-ui-dist bentoc already ships. */
const assets: Record<string, string> = { 'swagger-ui.css': 'text/css; charset=utf-8', 'swagger-ui-bundle.js': 'application/javascript; charset=utf-8' };

/** A bento version's OpenAPI (as it was pushed) rendered in Swagger UI, read-only ("Try it out" off: the hub serves no APIs). */
export function registerSwaggerRoutes(app: FastifyInstance, kit: UiKit): void {
  const dir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));

  // Read each file once (the bundle is ~1.7 MB), not on every request; a failed read is not kept.
  const cache = new Map<string, Promise<Buffer>>();
  app.get<{ Params: { file: string } }>('/ui/static/swagger/:file', async (request, reply) => {
    const { file } = request.params;
    const type = Object.hasOwn(assets, file) ? assets[file] : undefined;
    if (!type) throw new HubError('not_found', `no static file ${file}`);
    let content = cache.get(file);
    if (!content) {
      content = readFile(join(dir, file));
      cache.set(file, content);
      content.catch(() => cache.delete(file));
    }
    return reply.type(type).header('cache-control', 'public, max-age=86400').send(await content);
  });

  const spec = async (params: { name: string; version: string }, principal: Parameters<typeof requireAccess>[0]) => {
    const name = checkName(params.name, 'repository');
    requireAccess(principal, 'read', 'bento', name);
    const { row } = await resolveVersion(kit.ctx.db, 'bento', name, checkName(params.version, 'version'));
    const text = (JSON.parse(row.files) as Record<string, string>)['openapi.json'];
    if (!text) throw new HubError('not_found', `${name}:${row.version} carries no openapi.json`);
    return { text, version: row.version, name };
  };

  app.get<{ Params: { name: string; version: string } }>('/ui/bentos/:name/:version/openapi.json', async (request, reply) => {
    const viewer = await kit.viewer(request, reply);
    if (!viewer) return reply;
    return reply.type('application/json; charset=utf-8').send((await spec(request.params, viewer.principal)).text);
  });

  app.get<{ Params: { name: string; version: string } }>('/ui/bentos/:name/:version/api', async (request, reply) => {
    const viewer = await kit.viewer(request, reply);
    if (!viewer) return reply;
    const { name, version } = await spec(request.params, viewer.principal);
    const title = escapeHtml(`${name}:${version} · API`);
    return reply.type('text/html; charset=utf-8').send(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title><link rel="stylesheet" href="/ui/static/swagger/swagger-ui.css">
<style>body{margin:0} .back{font:14px system-ui,sans-serif;padding:12px 20px;background:#111827} .back a{color:#fff;text-decoration:none}</style></head>
<body><div class="back"><a href="/ui/bentos/${escapeHtml(name)}/${escapeHtml(version)}">← ${title}</a></div><div id="swagger-ui"></div>
<script src="/ui/static/swagger/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', supportedSubmitMethods: [] });</script>
</body></html>`);
  });
}
