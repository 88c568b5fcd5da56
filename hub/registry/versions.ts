import type { Kysely, Selectable } from 'kysely';
import type { HubDatabase, RepositoryKind, VersionTable } from '../db/schema.js';
import { HubError } from '../errors.js';

export interface VersionView {
  kind: RepositoryKind;
  name: string;
  version: string;
  digest: string;
  size: number;
  labels: Record<string, string>;
  aliases: string[];
  pushedBy: string;
  createdAt: string;
}

export async function findRepository(db: Kysely<HubDatabase>, kind: RepositoryKind, name: string) {
  return db.selectFrom('repositories').selectAll().where('kind', '=', kind).where('name', '=', name).executeTakeFirst();
}

/** A version by its own name or by an alias (`latest`, `production`…); 404 when neither exists. */
export async function resolveVersion(db: Kysely<HubDatabase>, kind: RepositoryKind, name: string, ref: string) {
  const repo = await findRepository(db, kind, name);
  if (!repo) throw new HubError('not_found', `no ${kind} \`${name}\` on this hub`);
  const byVersion = await db.selectFrom('versions').selectAll().where('repository_id', '=', repo.id).where('version', '=', ref).executeTakeFirst();
  const row =
    byVersion ??
    (await db
      .selectFrom('aliases')
      .innerJoin('versions', 'versions.id', 'aliases.version_id')
      .selectAll('versions')
      .where('aliases.repository_id', '=', repo.id)
      .where('aliases.name', '=', ref)
      .executeTakeFirst());
  if (!row) throw new HubError('not_found', `${kind} \`${name}\` has no version or alias \`${ref}\``);
  return { repo, row };
}

/** Rows → API views, with labels and aliases fetched in two queries for the whole page. */
export async function toViews(db: Kysely<HubDatabase>, kind: RepositoryKind, name: string, rows: Selectable<VersionTable>[]): Promise<VersionView[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const labels = await db.selectFrom('version_labels').selectAll().where('version_id', 'in', ids).execute();
  const aliases = await db.selectFrom('aliases').select(['name', 'version_id']).where('version_id', 'in', ids).execute();
  return rows.map((r) => ({
    kind,
    name,
    version: r.version,
    digest: r.digest,
    size: Number(r.size),
    labels: Object.fromEntries(labels.filter((l) => l.version_id === r.id).map((l) => [l.key, l.value])),
    aliases: aliases.filter((a) => a.version_id === r.id).map((a) => a.name).sort(),
    pushedBy: r.pushed_by,
    createdAt: r.created_at,
  }));
}

export interface ListQuery {
  limit: number;
  offset: number;
  /** `key=value` filters, all of which must match. */
  labels: [string, string][];
  /** Substring of the name. */
  search?: string;
}

export async function listVersions(db: Kysely<HubDatabase>, kind: RepositoryKind, name: string, query: ListQuery) {
  const repo = await findRepository(db, kind, name);
  if (!repo) throw new HubError('not_found', `no ${kind} \`${name}\` on this hub`);
  // One filtered query for both the page and `total`, so `total` counts what the filters match.
  let filtered = db.selectFrom('versions').where('repository_id', '=', repo.id);
  for (const [key, value] of query.labels) {
    filtered = filtered.where((eb) =>
      eb.exists(eb.selectFrom('version_labels').select('version_id').whereRef('version_labels.version_id', '=', 'versions.id').where('key', '=', key).where('value', '=', value)),
    );
  }
  const rows = await filtered.selectAll().orderBy('id', 'desc').limit(query.limit).offset(query.offset).execute();
  const total = await filtered.select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow();
  return { items: await toViews(db, kind, name, rows), total: Number(total.n) };
}

/** Repositories of one kind with their version count and newest push; search by name, filter by any version's labels. */
export async function listRepositories(db: Kysely<HubDatabase>, kind: RepositoryKind, query: ListQuery) {
  let select = db
    .selectFrom('repositories')
    .leftJoin('versions', 'versions.repository_id', 'repositories.id')
    .select((eb) => ['repositories.name', eb.fn.count<number | string>('versions.id').as('versions'), eb.fn.max('versions.created_at').as('updated_at')])
    .where('repositories.kind', '=', kind)
    .groupBy('repositories.name');
  if (query.search) select = select.where('repositories.name', 'like', `%${query.search.toLowerCase()}%`);
  for (const [key, value] of query.labels) {
    select = select.where((eb) =>
      eb.exists(
        eb
          .selectFrom('versions as v')
          .innerJoin('version_labels as l', 'l.version_id', 'v.id')
          .select('v.id')
          .whereRef('v.repository_id', '=', 'repositories.id')
          .where('l.key', '=', key)
          .where('l.value', '=', value),
      ),
    );
  }
  const rows = await select.orderBy('repositories.name').limit(query.limit).offset(query.offset).execute();
  return rows.filter((r) => Number(r.versions) > 0).map((r) => ({ kind, name: r.name, versions: Number(r.versions), updatedAt: r.updated_at ?? null }));
}
