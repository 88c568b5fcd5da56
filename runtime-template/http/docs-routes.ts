/**
 * API docs: the compiler-written `openapi.json` (served as `/openapi.json` and `/docs.json`), Swagger UI at `/`,
 * and Swagger UI's assets from `static/swagger-ui/`. Only files listed at start are served, so no URL can reach
 * outside that folder.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { RuntimeConfig } from '../contract.js';
import { ApiError } from '../errors.js';

const ASSET_TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.html': 'text/html; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

export function registerDocsRoutes(app: FastifyInstance, config: RuntimeConfig, bentoDir: string): void {
  const specPath = join(bentoDir, 'openapi.json');
  const spec = existsSync(specPath) ? readFileSync(specPath, 'utf8') : undefined;
  for (const path of ['/openapi.json', '/docs.json']) {
    app.get(path, async (_request, reply) => {
      if (spec === undefined) throw new ApiError('not_found', 'this bento has no openapi.json');
      return reply.type('application/json; charset=utf-8').send(spec);
    });
  }

  const page = renderSwaggerPage(config.service.name);
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(page));

  const assetsDir = join(bentoDir, 'static', 'swagger-ui');
  const assets = new Set(existsSync(assetsDir) ? readdirSync(assetsDir) : []);
  const cache = new Map<string, Promise<Buffer>>();
  app.get<{ Params: { file: string } }>('/static/swagger-ui/:file', async (request, reply) => {
    const { file } = request.params;
    if (!assets.has(file)) throw new ApiError('not_found', `no static file ${file}`, { file });
    let content = cache.get(file);
    if (!content) {
      content = readFile(join(assetsDir, file));
      cache.set(file, content);
    }
    return reply
      .type(ASSET_TYPES[extname(file)] ?? 'application/octet-stream')
      .header('cache-control', 'public, max-age=86400')
      .send(await content);
  });
}

/** Relative asset URLs, so the page also works behind a proxy that mounts the bento under a path prefix. */
function renderSwaggerPage(serviceName: string): string {
  const title = escapeHtml(`${serviceName} · API`);
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <link rel="stylesheet" href="static/swagger-ui/swagger-ui.css">
  <link rel="icon" type="image/png" href="static/swagger-ui/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="static/swagger-ui/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({ url: 'openapi.json', dom_id: '#swagger-ui', deepLinking: true, tryItOutEnabled: true });
  </script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
