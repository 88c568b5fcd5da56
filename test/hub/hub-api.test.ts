import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHubApp } from '../../hub/http/build-hub-app.js';
import { registerUi } from '../../hub/ui/register-ui.js';
import { makeBentoArchive, openHubFixture, pushThroughApi, type HubFixture } from './support/hub-fixture.js';
import { declareSkipOrFail } from '../support/prerequisites.js';
import { postgresUnavailable, startPostgres, type TestPostgres } from './support/postgres.js';

/** The hub's JSON API on both databases: the same cases against SQLite and a real PostgreSQL 15. */
const pgSkip = postgresUnavailable();
declareSkipOrFail('hub API on PostgreSQL', pgSkip);

const backends = [
  { name: 'sqlite', skip: undefined },
  { name: 'postgres', skip: pgSkip },
] as const;

for (const backend of backends) {
  describe.skipIf(backend.skip !== undefined)(`hub API on ${backend.name}`, () => {
    let hub: HubFixture;
    let pg: TestPostgres | undefined;
    const work = mkdtempSync(join(tmpdir(), 'bentoc-hub-work-'));
    const as = (token: string) => ({ authorization: `Bearer ${token}` });

    beforeAll(async () => {
      if (backend.name === 'postgres') pg = await startPostgres();
      hub = await openHubFixture({ databaseUrl: pg?.url });
    });
    afterAll(async () => {
      await hub?.close();
      pg?.stop();
      rmSync(work, { recursive: true, force: true });
    });

    it('answers 401 without a token, with a wrong one and with an expired one, in the {error:{code,message}} shape', async () => {
      const none = await hub.app.inject({ url: '/api/v1/bentos' });
      expect(none.statusCode).toBe(401);
      expect(none.json().error).toMatchObject({ code: 'token_missing', message: expect.stringContaining('Bearer') });
      const wrong = await hub.app.inject({ url: '/api/v1/bentos', headers: as(`bch_000000000000_${'x'.repeat(43)}`) });
      expect(wrong.json().error.code).toBe('token_invalid');
      const real = await hub.token(['read:*']);
      const tampered = await hub.app.inject({ url: '/api/v1/bentos', headers: as(real.slice(0, -1) + (real.endsWith('A') ? 'B' : 'A')) });
      expect(tampered.json().error.code).toBe('token_invalid');
      const expired = await hub.token(['read:*'], { expiresAt: new Date(Date.now() - 1000).toISOString() });
      const late = await hub.app.inject({ url: '/api/v1/bentos', headers: as(expired) });
      expect(late.statusCode).toBe(401);
      expect(late.json().error.code).toBe('token_expired');
      expect((await hub.app.inject({ url: '/api/v1/bentos', headers: as(real) })).statusCode).toBe(200);
    });

    it('pushes in chunks, shows nothing before the commit, then lists, resolves `latest` and serves the exact bytes', async () => {
      const archive = await makeBentoArchive(work, 'iris', 'v1', { padding: 300_000 });
      const auth = as(hub.adminToken);
      const start = await hub.app.inject({ method: 'POST', url: '/api/v1/bentos/iris/uploads', headers: auth, payload: { version: 'v1', digest: archive.digest, size: archive.bytes.length, labels: { stage: 'dev' } } });
      expect(start.statusCode).toBe(202);
      const { id } = start.json();
      const half = Math.floor(archive.bytes.length / 2);
      const first = await hub.app.inject({ method: 'PATCH', url: `/api/v1/uploads/${id}`, headers: { ...auth, 'content-type': 'application/octet-stream', 'upload-offset': '0' }, payload: archive.bytes.subarray(0, half) });
      expect(first.json()).toEqual({ offset: half });
      expect((await hub.app.inject({ url: '/api/v1/bentos/iris/versions/v1', headers: auth })).statusCode).toBe(404);
      expect((await hub.app.inject({ url: '/api/v1/bentos', headers: auth })).json().items).toEqual([]);
      const early = await hub.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/commit`, headers: auth });
      expect(early.json().error).toMatchObject({ code: 'upload_incomplete' });
      // a client that lost track asks again: the same target resumes the same upload at the same offset
      const again = await hub.app.inject({ method: 'POST', url: '/api/v1/bentos/iris/uploads', headers: auth, payload: { version: 'v1', digest: archive.digest, size: archive.bytes.length } });
      expect(again.json()).toMatchObject({ status: 'upload', id, offset: half });
      const wrongOffset = await hub.app.inject({ method: 'PATCH', url: `/api/v1/uploads/${id}`, headers: { ...auth, 'content-type': 'application/octet-stream', 'upload-offset': '0' }, payload: archive.bytes.subarray(0, 10) });
      expect(wrongOffset.statusCode).toBe(409);
      expect(wrongOffset.json().error).toMatchObject({ code: 'upload_offset_mismatch', details: { offset: half } });
      const rest = await hub.app.inject({ method: 'PATCH', url: `/api/v1/uploads/${id}`, headers: { ...auth, 'content-type': 'application/octet-stream', 'upload-offset': String(half) }, payload: archive.bytes.subarray(half) });
      expect(rest.json()).toEqual({ offset: archive.bytes.length });
      const commit = await hub.app.inject({ method: 'POST', url: `/api/v1/uploads/${id}/commit`, headers: auth });
      expect(commit.statusCode, commit.body).toBe(200);
      expect(commit.json().version).toMatchObject({ name: 'iris', version: 'v1', digest: archive.digest, size: archive.bytes.length, aliases: ['latest'], labels: { stage: 'dev', team: 'ml' }, pushedBy: 'admin' });

      const latest = await hub.app.inject({ url: '/api/v1/bentos/iris/versions/latest', headers: auth });
      expect(latest.json()).toMatchObject({ version: 'v1', manifest: { name: 'iris', apis: [{ name: 'predict' }] }, files: { Dockerfile: 'FROM node:20\n' } });
      const blob = await hub.app.inject({ url: '/api/v1/bentos/iris/versions/v1/blob', headers: auth });
      expect(blob.headers['x-content-sha256']).toBe(archive.digest);
      expect(blob.rawPayload.equals(archive.bytes)).toBe(true);
      // idempotent: the same version again is a no-op
      const repeat = await pushThroughApi(hub.app, hub.adminToken, 'iris', 'v1', archive);
      expect(repeat.start.statusCode).toBe(200);
      expect(repeat.start.json().status).toBe('exists');
    });

    it('refuses a wrong digest (and discards the bytes), a manifest for another version, an oversized manifest and a changed version', async () => {
      const archive = await makeBentoArchive(work, 'digests', 'v1');
      const lying = { ...archive, digest: 'f'.repeat(64) };
      const pushed = await pushThroughApi(hub.app, hub.adminToken, 'digests', 'v1', lying);
      expect(pushed.commit!.statusCode).toBe(422);
      expect(pushed.commit!.json().error.code).toBe('digest_mismatch');
      expect(existsSync(hub.ctx.blobs.uploadPath(pushed.id!))).toBe(false);
      expect((await hub.app.inject({ url: '/api/v1/bentos/digests/versions/v1', headers: as(hub.adminToken) })).statusCode).toBe(404);

      const other = await makeBentoArchive(work, 'digests', 'v2');
      const mismatch = await pushThroughApi(hub.app, hub.adminToken, 'digests', 'v3', other);
      expect(mismatch.commit!.json().error.code).toBe('manifest_invalid');

      const huge = await makeBentoArchive(work, 'huge', 'v1', { manifest: { name: 'huge', version: 'v1', description: 'x'.repeat(1_100_000) } });
      const tooLarge = await pushThroughApi(hub.app, hub.adminToken, 'huge', 'v1', huge);
      expect(tooLarge.commit!.statusCode).toBe(413);
      expect(tooLarge.commit!.json().error.code).toBe('manifest_too_large');

      expect((await pushThroughApi(hub.app, hub.adminToken, 'digests', 'v2', other)).commit!.statusCode).toBe(200);
      const changed = await makeBentoArchive(work, 'digests', 'v2', { padding: 5 });
      const clash = await pushThroughApi(hub.app, hub.adminToken, 'digests', 'v2', changed);
      expect(clash.start.statusCode).toBe(409);
      expect(clash.start.json().error.code).toBe('version_exists');
    });

    it('rejects names with `..`, `/`, control characters or too long, and chunks past the announced size', async () => {
      const archive = await makeBentoArchive(work, 'names', 'v1');
      const payload = { version: 'v1', digest: archive.digest, size: archive.bytes.length };
      // a bare `..` segment is resolved away by URL parsing before routing: no route, nothing created
      const dots = await hub.app.inject({ method: 'POST', url: '/api/v1/bentos/../uploads', headers: as(hub.adminToken), payload });
      expect(dots.statusCode).toBe(404);
      expect((await hub.app.inject({ method: 'POST', url: '/api/v1/bentos/%2E%2E/uploads', headers: as(hub.adminToken), payload })).statusCode).toBe(404);
      for (const name of ['a..b', 'a%2Fb', 'a%01b', 'a%0Ab', 'Upper', `${'a'.repeat(200)}`, '-dash']) {
        const response = await hub.app.inject({ method: 'POST', url: `/api/v1/bentos/${name}/uploads`, headers: as(hub.adminToken), payload });
        expect(response.statusCode, name).toBe(400);
        expect(response.json().error.code, name).toBe('invalid_name');
      }
      for (const version of ['../x', 'a/b', 'x\u0000', '']) {
        const response = await hub.app.inject({ method: 'POST', url: '/api/v1/bentos/names/uploads', headers: as(hub.adminToken), payload: { ...payload, version } });
        expect(response.json().error.code, JSON.stringify(version)).toBe('invalid_name');
      }
      const start = await hub.app.inject({ method: 'POST', url: '/api/v1/bentos/names/uploads', headers: as(hub.adminToken), payload });
      const tooMuch = await hub.app.inject({ method: 'PATCH', url: `/api/v1/uploads/${start.json().id}`, headers: { ...as(hub.adminToken), 'content-type': 'application/octet-stream', 'upload-offset': '0' }, payload: Buffer.concat([archive.bytes, Buffer.alloc(10)]) });
      expect(tooMuch.statusCode).toBe(413);
      const bigJson = await hub.app.inject({ method: 'POST', url: '/api/v1/bentos/names/uploads', headers: as(hub.adminToken), payload: { ...payload, labels: { a: 'x'.repeat(2 * 1024 * 1024) } } });
      expect(bigJson.statusCode).toBe(413);
      expect(bigJson.json().error.code).toBe('body_too_large');
      const traversal = await hub.app.inject({ url: '/api/v1/bentos/names/versions/..%2F..%2Fetc', headers: as(hub.adminToken) });
      expect(traversal.json().error.code).toBe('invalid_name');
    });

    it('publishes exactly one version when two clients push the same tag at once', async () => {
      const archive = await makeBentoArchive(work, 'race', 'v1', { padding: 200_000 });
      const [a, b] = await Promise.all([pushThroughApi(hub.app, hub.adminToken, 'race', 'v1', archive, 16_384), pushThroughApi(hub.app, hub.adminToken, 'race', 'v1', archive, 16_384)]);
      for (const push of [a, b]) {
        const ok = push.start.json().status === 'exists' || push.commit?.statusCode === 200 || push.commit?.statusCode === 404;
        expect(ok, JSON.stringify([push.start.json(), push.commit?.json()])).toBe(true);
      }
      const versions = (await hub.app.inject({ url: '/api/v1/bentos/race/versions', headers: as(hub.adminToken) })).json();
      expect(versions.total).toBe(1);
      expect(versions.items[0].digest).toBe(archive.digest);
      const blob = await hub.app.inject({ url: '/api/v1/bentos/race/versions/v1/blob', headers: as(hub.adminToken) });
      expect(blob.rawPayload.equals(archive.bytes)).toBe(true);
    });

    it('checks scopes: read vs write, per repository pattern, admin-only tokens and audit', async () => {
      const reader = await hub.token(['read:iris']);
      const writer = await hub.token(['write:bento/scoped*']);
      const archive = await makeBentoArchive(work, 'scoped_a', 'v1');
      const denied = await pushThroughApi(hub.app, reader, 'scoped_a', 'v1', archive);
      expect(denied.start.statusCode).toBe(403);
      expect(denied.start.json().error.code).toBe('forbidden');
      expect((await pushThroughApi(hub.app, writer, 'scoped_a', 'v1', archive)).commit!.statusCode).toBe(200);
      expect((await hub.app.inject({ url: '/api/v1/bentos/scoped_a/versions', headers: as(reader) })).statusCode).toBe(403);
      expect((await hub.app.inject({ url: '/api/v1/bentos/iris/versions', headers: as(reader) })).statusCode).toBe(200);
      const listed = (await hub.app.inject({ url: '/api/v1/bentos', headers: as(reader) })).json().items.map((r: { name: string }) => r.name);
      expect(listed).toEqual(['iris']);
      expect((await hub.app.inject({ url: '/api/v1/tokens', headers: as(writer) })).statusCode).toBe(403);
      expect((await hub.app.inject({ url: '/api/v1/audit', headers: as(reader) })).statusCode).toBe(403);

      const created = await hub.app.inject({ method: 'POST', url: '/api/v1/tokens', headers: as(hub.adminToken), payload: { name: 'ci', scopes: ['write:*'], expires: '1d' } });
      expect(created.statusCode).toBe(201);
      const { token, id } = created.json();
      expect((await hub.app.inject({ url: '/api/v1/whoami', headers: as(token) })).json()).toMatchObject({ name: 'ci', scopes: ['write:*'] });
      const listedTokens = JSON.stringify((await hub.app.inject({ url: '/api/v1/tokens', headers: as(hub.adminToken) })).json());
      expect(listedTokens).toContain('"name":"ci"');
      expect(listedTokens).not.toContain(token.slice('bch_000000000000_'.length)); // the secret (base64url may itself hold `_`)
      expect((await hub.app.inject({ method: 'DELETE', url: `/api/v1/tokens/${id}`, headers: as(hub.adminToken) })).statusCode).toBe(204);
      expect((await hub.app.inject({ url: '/api/v1/whoami', headers: as(token) })).json().error.code).toBe('token_invalid');
      const audit = (await hub.app.inject({ url: '/api/v1/audit', headers: as(hub.adminToken) })).json().items.map((a: { action: string; target: string }) => `${a.action} ${a.target}`);
      expect(audit).toEqual(expect.arrayContaining(['push bento/scoped_a:v1', `token.create token/${id}`, `token.revoke token/${id}`, 'pull bento/iris:v1']));
    });

    it('answers 400 bad_request to an audit query with a limit outside 1…1000 or a before that is not a whole number', async () => {
      for (const q of ['limit=-1', 'limit=0', 'limit=1001', 'limit=abc', 'before=abc', 'before=-3', 'before=1.5']) {
        const response = await hub.app.inject({ url: `/api/v1/audit?${q}`, headers: as(hub.adminToken) });
        expect(response.statusCode, q).toBe(400);
        expect(response.json().error.code, q).toBe('bad_request');
      }
      const ok = await hub.app.inject({ url: '/api/v1/audit?limit=1', headers: as(hub.adminToken) });
      expect(ok.statusCode).toBe(200);
      expect(ok.json().items.length).toBeLessThanOrEqual(1);
    });

    it('moves aliases with history, searches by name and label, deletes a version and frees its blob', async () => {
      const auth = as(hub.adminToken);
      const one = await makeBentoArchive(work, 'aliased', 'v1');
      const two = await makeBentoArchive(work, 'aliased', 'v2', { padding: 2000 });
      await pushThroughApi(hub.app, hub.adminToken, 'aliased', 'v1', one);
      await pushThroughApi(hub.app, hub.adminToken, 'aliased', 'v2', two);
      const moved = await hub.app.inject({ method: 'PUT', url: '/api/v1/bentos/aliased/aliases/production', headers: auth, payload: { version: 'v1' } });
      expect(moved.json()).toEqual({ alias: 'production', version: 'v1' });
      await hub.app.inject({ method: 'PUT', url: '/api/v1/bentos/aliased/aliases/production', headers: auth, payload: { version: 'v2' } });
      expect((await hub.app.inject({ url: '/api/v1/bentos/aliased/versions/production', headers: auth })).json().version).toBe('v2');
      const aliases = (await hub.app.inject({ url: '/api/v1/bentos/aliased/aliases', headers: auth })).json();
      expect(aliases.aliases).toEqual(expect.arrayContaining([expect.objectContaining({ alias: 'production', version: 'v2' }), expect.objectContaining({ alias: 'latest', version: 'v2' })]));
      expect(aliases.history.filter((h: { alias: string }) => h.alias === 'production').map((h: { version: string }) => h.version)).toEqual(['v2', 'v1']);

      const search = (q: string) => hub.app.inject({ url: `/api/v1/bentos?${q}`, headers: auth }).then((r) => r.json().items.map((i: { name: string }) => i.name));
      expect(await search('q=alias')).toEqual(['aliased']);
      expect(await search('label=team%3Dml&q=ali')).toEqual(['aliased']);
      expect(await search('label=team%3Dnobody')).toEqual([]);
      expect((await hub.app.inject({ url: '/api/v1/bentos/iris/versions?label=stage%3Ddev', headers: auth })).json().items).toHaveLength(1);
      // `total` counts the versions the label filters match, not every version of the repository
      const manifest = (version: string, team: string) => ({ name: 'counted', version, labels: { team }, apis: [], models: [] });
      for (const [version, team] of [['v1', 'ml'], ['v2', 'ops'], ['v3', 'ops']]) {
        await pushThroughApi(hub.app, hub.adminToken, 'counted', version, await makeBentoArchive(work, 'counted', version, { manifest: manifest(version, team) }));
      }
      const versionsOf = (q: string) => hub.app.inject({ url: `/api/v1/bentos/counted/versions?${q}`, headers: auth }).then((r) => r.json());
      expect(await versionsOf('')).toMatchObject({ total: 3 });
      expect(await versionsOf('label=team%3Dops&limit=1')).toMatchObject({ items: [expect.objectContaining({ version: 'v3' })], total: 2 });
      expect(await versionsOf('label=team%3Dml')).toMatchObject({ items: [expect.objectContaining({ version: 'v1' })], total: 1 });
      expect(await versionsOf('label=team%3Dnobody')).toEqual({ items: [], total: 0 });

      const blobPath = hub.ctx.blobs.blobPath(two.digest);
      expect(existsSync(blobPath)).toBe(true);
      const deleted = await hub.app.inject({ method: 'DELETE', url: '/api/v1/bentos/aliased/versions/v2', headers: auth });
      expect(deleted.json()).toEqual({ deleted: 'v2', freedBytes: two.bytes.length });
      expect(existsSync(blobPath)).toBe(false);
      expect(existsSync(hub.ctx.blobs.blobPath(one.digest))).toBe(true);
      expect((await hub.app.inject({ url: '/api/v1/bentos/aliased/versions/latest', headers: auth })).json().version).toBe('v1');
      expect((await hub.app.inject({ url: '/api/v1/bentos/aliased/versions/production', headers: auth })).statusCode).toBe(404);
    });

    it('serves the Swagger UI files from a cache of one read each, and nothing else under /ui/static/swagger', async () => {
      const ui = buildHubApp(hub.ctx, { registerUi });
      try {
        const first = await ui.inject({ url: '/ui/static/swagger/swagger-ui-bundle.js' });
        expect(first.statusCode).toBe(200);
        expect(first.headers['content-type']).toContain('application/javascript');
        const second = await ui.inject({ url: '/ui/static/swagger/swagger-ui-bundle.js' });
        expect(second.rawPayload.equals(first.rawPayload)).toBe(true);
        expect((await ui.inject({ url: '/ui/static/swagger/swagger-ui.css' })).headers['content-type']).toContain('text/css');
        for (const file of ['constructor', '__proto__', 'package.json']) {
          expect((await ui.inject({ url: `/ui/static/swagger/${file}` })).statusCode, file).toBe(404);
        }
      } finally {
        await ui.close();
      }
    });

    it('lets anonymous readers in only on a --public-read hub, and never lets them write', async () => {
      const open = await openHubFixture({ databaseUrl: pg?.url, publicRead: true });
      try {
        expect((await open.app.inject({ url: '/api/v1/bentos' })).statusCode).toBe(200);
        const write = await open.app.inject({ method: 'POST', url: '/api/v1/bentos/x/uploads', payload: {} });
        expect(write.statusCode).toBe(401);
        expect((await open.app.inject({ url: '/api/v1/tokens' })).statusCode).toBe(403);
      } finally {
        await open.close();
      }
    });
  });
}
