import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import * as tar from 'tar';
import { stringify } from 'yaml';
import { createToken } from '../../../hub/auth/tokens.js';
import type { HubContext } from '../../../hub/context.js';
import { buildHubApp } from '../../../hub/http/build-hub-app.js';
import { openHub, type OpenHubOptions } from '../../../hub/open-hub.js';

export interface HubFixture {
  ctx: HubContext;
  app: FastifyInstance;
  dataDir: string;
  adminToken: string;
  token(scopes: string[], options?: { admin?: boolean; expiresAt?: string | null; name?: string }): Promise<string>;
  close(): Promise<void>;
}

/** A hub on a temp data folder (SQLite there, or the given PostgreSQL), driven through fastify's inject. */
export async function openHubFixture(options: Partial<OpenHubOptions> = {}): Promise<HubFixture> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bentoc-hub-'));
  const ctx = await openHub({ dataDir, ...options });
  const app = buildHubApp(ctx);
  await app.ready();
  const token: HubFixture['token'] = async (scopes, o = {}) =>
    (await createToken(ctx.db, { name: o.name ?? `t-${scopes.join('-') || 'admin'}`, scopes, admin: o.admin ?? false, expiresAt: o.expiresAt ?? null, createdBy: 'test' })).token;
  const adminToken = await token([], { admin: true, name: 'admin' });
  return {
    ctx,
    app,
    dataDir,
    adminToken,
    token,
    async close() {
      await app.close();
      await ctx.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface TestArchive {
  file: string;
  bytes: Buffer;
  digest: string;
}

/** A bento-shaped archive: what the hub reads from one (bento.yaml, Dockerfile, openapi.json) plus padding. */
export async function makeBentoArchive(dir: string, name: string, version: string, extra: { padding?: number; manifest?: object } = {}): Promise<TestArchive> {
  const root = join(dir, `${name}-${version}-src`);
  mkdirSync(root, { recursive: true });
  const manifest = extra.manifest ?? { name, version, labels: { team: 'ml' }, apis: [{ name: 'predict', route: '/predict', input: { type: 'ndarray' }, output: { type: 'json' } }], models: [] };
  writeFileSync(join(root, 'bento.yaml'), stringify(manifest));
  writeFileSync(join(root, 'Dockerfile'), 'FROM node:20\n');
  writeFileSync(join(root, 'openapi.json'), JSON.stringify({ openapi: '3.1.0', info: { title: name, version }, paths: {} }));
  writeFileSync(join(root, 'padding.bin'), Buffer.alloc(extra.padding ?? 1000, 7));
  const file = join(dir, `${name}-${version}.bento.tar.gz`);
  await tar.create({ file, cwd: root, gzip: true, portable: true }, ['bento.yaml', 'Dockerfile', 'openapi.json', 'padding.bin']);
  const bytes = readFileSync(file);
  return { file, bytes, digest: createHash('sha256').update(bytes).digest('hex') };
}

/** Announce → chunks → commit, through inject; returns each answer so tests can check any step. */
export async function pushThroughApi(app: FastifyInstance, token: string, name: string, version: string, archive: TestArchive, chunkBytes = 64 * 1024) {
  const auth = { authorization: `Bearer ${token}` };
  const start = await app.inject({ method: 'POST', url: `/api/v1/bentos/${name}/uploads`, headers: auth, payload: { version, digest: archive.digest, size: archive.bytes.length } });
  if (start.statusCode !== 202) return { start, commit: undefined };
  const { id, offset: from } = start.json() as { id: string; offset: number };
  let offset = from;
  while (offset < archive.bytes.length) {
    const chunk = archive.bytes.subarray(offset, offset + chunkBytes);
    const sent = await app.inject({ method: 'PATCH', url: `/api/v1/uploads/${id}`, headers: { ...auth, 'content-type': 'application/octet-stream', 'upload-offset': String(offset) }, payload: chunk });
    offset = sent.statusCode === 409 ? (sent.json().error.details.offset as number) : (sent.json().offset as number);
  }
  const commit = await app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/commit`, headers: auth });
  return { start, commit, id };
}
