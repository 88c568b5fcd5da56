/**
 * List latency with 10,000 versions in one repository (plus 200 other repositories), over HTTP on a real
 * socket, on SQLite and (when present) PostgreSQL. Versions are inserted straight into the database: the
 * point is the query path, not 10,000 pushes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createToken } from '../../hub/auth/tokens.js';
import { buildHubApp } from '../../hub/http/build-hub-app.js';
import { openHub } from '../../hub/open-hub.js';

export interface LatencyRow {
  database: string;
  query: string;
  p50Ms: number;
  p95Ms: number;
  items: number;
}

const queries: [string, string][] = [
  ['versions, first page (50)', '/api/v1/bentos/big/versions?limit=50'],
  ['versions, last page (offset 9950)', '/api/v1/bentos/big/versions?limit=50&offset=9950'],
  ['versions, label filter', '/api/v1/bentos/big/versions?limit=50&label=stage%3Dprod'],
  ['repositories (201)', '/api/v1/bentos?limit=500'],
  ['repositories, search + label', '/api/v1/bentos?q=repo_01&label=team%3Dml'],
  ['one version by alias', '/api/v1/bentos/big/versions/latest'],
];

export async function measureListLatency(database: string, databaseUrl: string | undefined, versions = 10_000, samples = 200): Promise<LatencyRow[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bentoc-hub-bench-list-'));
  const ctx = await openHub({ dataDir, databaseUrl });
  try {
    const now = Date.now();
    await ctx.db.transaction().execute(async (trx) => {
      const repos = [{ kind: 'bento' as const, name: 'big', created_at: new Date(now).toISOString() }, ...Array.from({ length: 200 }, (_, i) => ({ kind: 'bento' as const, name: `repo_${String(i).padStart(3, '0')}`, created_at: new Date(now).toISOString() }))];
      await trx.insertInto('repositories').values(repos).execute();
      const ids = new Map((await trx.selectFrom('repositories').select(['id', 'name']).execute()).map((r) => [r.name, r.id]));
      const manifest = JSON.stringify({ name: 'big', apis: [{ name: 'predict', route: '/predict' }] });
      const rows = [
        ...Array.from({ length: versions }, (_, i) => ({ repo: ids.get('big')!, version: `v${String(i).padStart(5, '0')}` })),
        ...Array.from({ length: 200 }, (_, i) => ({ repo: ids.get(`repo_${String(i).padStart(3, '0')}`)!, version: 'v1' })),
      ];
      for (let i = 0; i < rows.length; i += 500) {
        const batch = rows.slice(i, i + 500).map((r, j) => ({
          repository_id: r.repo,
          version: r.version,
          digest: (i + j).toString(16).padStart(64, '0'),
          size: 1000,
          manifest,
          files: '{}',
          pushed_by: 'bench',
          created_at: new Date(now + i + j).toISOString(),
        }));
        const inserted = await trx.insertInto('versions').values(batch).returning('id').execute();
        await trx.insertInto('version_labels').values(inserted.flatMap((v, k) => [{ version_id: v.id, key: 'team', value: 'ml' }, { version_id: v.id, key: 'stage', value: (i + k) % 10 === 0 ? 'prod' : 'dev' }])).execute();
      }
      const newest = await trx.selectFrom('versions').select(['id']).where('repository_id', '=', ids.get('big')!).orderBy('id', 'desc').executeTakeFirstOrThrow();
      await trx.insertInto('aliases').values({ repository_id: ids.get('big')!, name: 'latest', version_id: newest.id, updated_by: 'bench', updated_at: new Date().toISOString() }).execute();
    });
    const token = (await createToken(ctx.db, { name: 'bench', scopes: [], admin: true, expiresAt: null, createdBy: 'bench' })).token;
    const app = buildHubApp(ctx);
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    const out: LatencyRow[] = [];
    try {
      for (const [query, path] of queries) {
        const times: number[] = [];
        let items = 0;
        for (let i = 0; i < samples + 10; i++) {
          const started = performance.now();
          const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${token}` } });
          const body = (await response.json()) as { items?: unknown[] };
          if (!response.ok) throw new Error(`${path}: ${response.status} ${JSON.stringify(body)}`);
          if (i >= 10) times.push(performance.now() - started); // the first 10 warm the caches and the JIT
          items = body.items?.length ?? 1;
        }
        times.sort((a, b) => a - b);
        out.push({ database, query, p50Ms: times[Math.floor(times.length * 0.5)]!, p95Ms: times[Math.floor(times.length * 0.95)]!, items });
      }
    } finally {
      await app.close();
    }
    return out;
  } finally {
    await ctx.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
