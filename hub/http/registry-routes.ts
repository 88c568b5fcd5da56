import type { FastifyInstance } from 'fastify';
import { isAllowed } from '../auth/scopes.js';
import type { HubContext } from '../context.js';
import { HubError } from '../errors.js';
import { checkKind, checkName } from '../names.js';
import { listAliases, moveAlias, removeAlias } from '../registry/aliases.js';
import { recordAudit } from '../registry/audit.js';
import { deleteVersion } from '../registry/delete-version.js';
import { listRepositories, listVersions, resolveVersion, toViews } from '../registry/versions.js';
import { authorizeTarget } from './authorize-target.js';
import { parseListQuery } from './query.js';
import { principalOf } from './principal.js';

type Params = { kind: string; name: string; ref: string; alias: string };

/** Reading, deleting and aliasing bentos and models: `/api/v1/{bentos|models}/…`. */
export function registerRegistryRoutes(app: FastifyInstance, ctx: HubContext): void {
  app.get<{ Params: Params }>('/api/v1/:kind', async (request) => {
    const kind = checkKind(request.params.kind);
    const principal = principalOf(request);
    const items = await listRepositories(ctx.db, kind, parseListQuery(request.query as Record<string, unknown>));
    return { items: items.filter((r) => isAllowed(principal, 'read', kind, r.name)) };
  });

  app.get<{ Params: Params }>('/api/v1/:kind/:name/versions', async (request) => {
    const { kind, name } = authorizeTarget(request.params, principalOf(request), 'read');
    return listVersions(ctx.db, kind, name, parseListQuery(request.query as Record<string, unknown>));
  });

  app.get<{ Params: Params }>('/api/v1/:kind/:name/versions/:ref', async (request) => {
    const { kind, name } = authorizeTarget(request.params, principalOf(request), 'read');
    const { row } = await resolveVersion(ctx.db, kind, name, checkName(request.params.ref, 'version'));
    const [view] = await toViews(ctx.db, kind, name, [row]);
    return { ...view, manifest: JSON.parse(row.manifest), files: JSON.parse(row.files) };
  });

  app.get<{ Params: Params }>('/api/v1/:kind/:name/versions/:ref/blob', async (request, reply) => {
    const principal = principalOf(request);
    const { kind, name } = authorizeTarget(request.params, principal, 'read');
    const { row } = await resolveVersion(ctx.db, kind, name, checkName(request.params.ref, 'version'));
    await recordAudit(ctx.db, principal, 'pull', `${kind}/${name}:${row.version}`, { digest: row.digest });
    return reply
      .header('content-type', 'application/gzip')
      .header('content-length', String(row.size))
      .header('x-content-sha256', row.digest)
      .header('x-bentoc-version', row.version)
      .header('content-disposition', `attachment; filename="${name}-${row.version}.${kind}.tar.gz"`)
      .send(ctx.blobs.open(row.digest));
  });

  app.delete<{ Params: Params }>('/api/v1/:kind/:name/versions/:ref', async (request) => {
    const principal = principalOf(request);
    const { kind, name } = authorizeTarget(request.params, principal, 'write');
    return deleteVersion(ctx, principal, kind, name, checkName(request.params.ref, 'version'));
  });

  app.get<{ Params: Params }>('/api/v1/:kind/:name/aliases', async (request) => {
    const { kind, name } = authorizeTarget(request.params, principalOf(request), 'read');
    return listAliases(ctx, kind, name);
  });

  app.put<{ Params: Params; Body: { version?: unknown } }>('/api/v1/:kind/:name/aliases/:alias', async (request) => {
    const principal = principalOf(request);
    const { kind, name } = authorizeTarget(request.params, principal, 'write');
    const version = request.body?.version;
    if (typeof version !== 'string') throw new HubError('bad_request', 'send {"version": "<version or alias>"}');
    return moveAlias(ctx, principal, kind, name, checkName(request.params.alias, 'alias'), checkName(version, 'version'));
  });

  app.delete<{ Params: Params }>('/api/v1/:kind/:name/aliases/:alias', async (request, reply) => {
    const principal = principalOf(request);
    const { kind, name } = authorizeTarget(request.params, principal, 'write');
    await removeAlias(ctx, principal, kind, name, checkName(request.params.alias, 'alias'));
    return reply.status(204).send();
  });
}
