import type { FastifyInstance } from 'fastify';
import { isAllowed } from '../../auth/scopes.js';
import { authorizeTarget } from '../../http/authorize-target.js';
import { checkKind, checkName } from '../../names.js';
import { listAliases, moveAlias } from '../../registry/aliases.js';
import { deleteVersion } from '../../registry/delete-version.js';
import { listRepositories, listVersions, resolveVersion, toViews } from '../../registry/versions.js';
import { parseListQuery } from '../../http/query.js';
import { renderRepositoryList } from '../pages/list-page.js';
import { renderRepository } from '../pages/repository-page.js';
import { renderVersion } from '../pages/version-page.js';
import { checkCsrf } from '../session.js';
import type { UiKit } from '../register-ui.js';

type Query = { q?: string; label?: string };

/** Bentos and models: lists with search and label filter, a repository's versions, one version. */
export function registerBrowsePages(app: FastifyInstance, kit: UiKit): void {
  const { ctx } = kit;

  app.get<{ Params: { kind: string }; Querystring: Query }>('/ui/:kind', async (request, reply) => {
    const viewer = await kit.viewer(request, reply);
    if (!viewer) return reply;
    return kit.send(reply, viewer, async () => {
      const kind = checkKind(request.params.kind);
      const filter = { q: request.query.q ?? '', label: request.query.label ?? '' };
      const rows = await listRepositories(ctx.db, kind, parseListQuery({ q: filter.q, label: filter.label, limit: 500 }));
      return { title: kind === 'bento' ? 'Bentos' : 'Models', section: `${kind}s`, body: renderRepositoryList(kind, rows.filter((r) => isAllowed(viewer.principal, 'read', kind, r.name)), filter) };
    });
  });

  app.get<{ Params: { kind: string; name: string }; Querystring: Query }>('/ui/:kind/:name', async (request, reply) => {
    const viewer = await kit.viewer(request, reply);
    if (!viewer) return reply;
    return kit.send(reply, viewer, async () => {
      const { kind, name } = authorizeTarget(request.params, viewer.principal, 'read');
      const versions = await listVersions(ctx.db, kind, name, parseListQuery({ label: request.query.label ?? '', limit: 200 }));
      return { title: name, section: `${kind}s`, body: renderRepository(kind, name, versions, request.query.label ?? '') };
    });
  });

  app.get<{ Params: { kind: string; name: string; version: string } }>('/ui/:kind/:name/:version', async (request, reply) => {
    const viewer = await kit.viewer(request, reply);
    if (!viewer) return reply;
    return kit.send(reply, viewer, async () => {
      const { kind, name } = authorizeTarget(request.params, viewer.principal, 'read');
      const { row } = await resolveVersion(ctx.db, kind, name, checkName(request.params.version, 'version'));
      const [view] = await toViews(ctx.db, kind, name, [row]);
      const hubUrl = `${request.protocol}://${request.headers.host}`;
      return {
        title: `${name}:${row.version}`,
        section: `${kind}s`,
        body: renderVersion({
          kind,
          view: view!,
          manifest: JSON.parse(row.manifest),
          files: JSON.parse(row.files),
          aliases: await listAliases(ctx, kind, name),
          hubUrl,
          session: viewer.session,
          canWrite: isAllowed(viewer.principal, 'write', kind, name),
        }),
      };
    });
  });

  app.post<{ Params: { kind: string; name: string; version: string }; Body: Record<string, string> }>('/ui/:kind/:name/:version/delete', async (request, reply) => {
    const viewer = await kit.viewer(request, reply);
    if (!viewer) return reply;
    kit.checkOrigin(request);
    checkCsrf(viewer.session, request.body?._csrf);
    const { kind, name } = authorizeTarget(request.params, viewer.principal, 'write');
    await deleteVersion(ctx, viewer.principal, kind, name, checkName(request.params.version, 'version'));
    return reply.redirect(`/ui/${kind}s/${name}`, 303);
  });

  app.post<{ Params: { kind: string; name: string; version: string }; Body: Record<string, string> }>('/ui/:kind/:name/:version/alias', async (request, reply) => {
    const viewer = await kit.viewer(request, reply);
    if (!viewer) return reply;
    kit.checkOrigin(request);
    checkCsrf(viewer.session, request.body?._csrf);
    const { kind, name } = authorizeTarget(request.params, viewer.principal, 'write');
    const moved = await moveAlias(ctx, viewer.principal, kind, name, checkName(request.body?.alias, 'alias'), checkName(request.params.version, 'version'));
    return reply.redirect(`/ui/${kind}s/${name}/${moved.version}`, 303);
  });
}
