import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../../hub/auth/tokens.js';
import type { HubContext } from '../../hub/context.js';
import { buildHubApp } from '../../hub/http/build-hub-app.js';
import { openHub } from '../../hub/open-hub.js';
import { registerUi } from '../../hub/ui/register-ui.js';
import { hasChromium, launchChromium } from '../support/browser.js';
import { declareSkipOrFail } from '../support/prerequisites.js';
import { makeBentoArchive, pushThroughApi } from '../hub/support/hub-fixture.js';

/** The hub's web UI in a real headless Chromium against a real hub on a free port. */
const skipReason = hasChromium() ? undefined : 'no Chromium at /usr/bin/chromium (apt-get install chromium)';
declareSkipOrFail('hub UI e2e', skipReason);

describe.skipIf(skipReason !== undefined)('hub web UI in Chromium', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'bentoc-hub-ui-'));
  let ctx: HubContext;
  let app: ReturnType<typeof buildHubApp>;
  let url: string;
  let admin: string;
  let browser: Browser;

  beforeAll(async () => {
    ctx = await openHub({ dataDir });
    app = buildHubApp(ctx, { registerUi });
    url = (await app.listen({ port: 0, host: '127.0.0.1' })).replace('localhost', '127.0.0.1');
    admin = (await createToken(ctx.db, { name: 'admin', scopes: [], admin: true, expiresAt: null, createdBy: 'test' })).token;
    for (const [name, version] of [['iris_classifier', 'v1'], ['iris_classifier', 'v2'], ['mnist_classifier', 'v1']] as const) {
      const archive = await makeBentoArchive(dataDir, name, version);
      expect((await pushThroughApi(app, admin, name, version, archive)).commit?.statusCode).toBe(200);
    }
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await ctx?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in with a token, finds a bento, reads its API, creates and revokes a token, deletes a version', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/`);
    expect(page.url()).toContain('/ui/login');
    await page.fill('#token', 'bch_000000000000_wrongwrongwrongwrongwrongwrongwrongwrongwro');
    await page.click('button[type=submit]');
    await expect.poll(() => page.textContent('.error')).toContain('unknown or was revoked');
    await page.fill('#token', admin);
    await page.click('button[type=submit]');
    await page.waitForURL('**/ui/bentos');
    const cookie = (await context.cookies()).find((c) => c.name === 'bentoc_hub_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict' });

    await page.fill('input[name=q]', 'iris');
    await page.click('form.toolbar button');
    await page.waitForURL('**/ui/bentos?q=iris*');
    expect(await page.locator('table a').allTextContents()).toEqual(['iris_classifier']);
    await page.click('text=iris_classifier');
    await page.click('text=v2');
    await page.waitForURL('**/ui/bentos/iris_classifier/v2');
    expect(await page.locator('table').first().textContent()).toContain('POST /predict');
    expect(await page.textContent('body')).toContain('bentoc pull iris_classifier:v2');
    expect(await page.textContent('pre:below(h2:text("Dockerfile"))')).toContain('FROM node:20');
    await page.click('text=Open the OpenAPI spec in Swagger UI');
    await page.waitForSelector('.swagger-ui .info .title');
    expect(await page.textContent('.swagger-ui .info .title')).toContain('iris_classifier');

    await page.goto(`${url}/ui/tokens`);
    await page.fill('input[name=name]', 'made-in-ui');
    await page.fill('input[name=scopes]', 'read:*');
    await page.click('text=Create token');
    const token = (await page.textContent('#new-token'))!.trim();
    const whoami = () => fetch(`${url}/api/v1/whoami`, { headers: { authorization: `Bearer ${token}` } });
    expect(await (await whoami()).json()).toMatchObject({ name: 'made-in-ui', scopes: ['read:*'] });
    await page.click('button[aria-label="Revoke made-in-ui"]');
    await page.waitForURL('**/ui/tokens');
    expect(await page.textContent('body')).toContain('revoked');
    expect((await whoami()).status).toBe(401);

    await page.goto(`${url}/ui/bentos/mnist_classifier/v1`);
    page.once('dialog', (dialog) => dialog.accept());
    await page.click('button:text("Delete mnist_classifier:v1")');
    await page.waitForURL('**/ui/bentos/mnist_classifier');
    expect((await fetch(`${url}/api/v1/bentos/mnist_classifier/versions/v1`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(404);

    await page.goto(`${url}/ui/audit`);
    expect(await page.textContent('table')).toContain('token.revoke');
    expect(await page.textContent('table')).toContain('bento/mnist_classifier:v1');
    await context.close();
  });

  it('refuses a form posted without the session’s CSRF token or from another origin', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${url}/ui/login`);
    await page.fill('#token', admin);
    await page.click('button[type=submit]');
    await page.waitForURL('**/ui/bentos');
    const cookie = (await context.cookies()).find((c) => c.name === 'bentoc_hub_session')!;
    const post = (headers: Record<string, string>, body: string) =>
      fetch(`${url}/ui/tokens`, { method: 'POST', redirect: 'manual', headers: { cookie: `${cookie.name}=${cookie.value}`, 'content-type': 'application/x-www-form-urlencoded', ...headers }, body });
    const noCsrf = await post({}, 'name=evil&scopes=write:*');
    expect(noCsrf.status).toBe(403);
    expect(((await noCsrf.json()) as { error: { code: string } }).error.code).toBe('csrf_failed');
    const csrf = await page.goto(`${url}/ui/tokens`).then(() => page.getAttribute('input[name=_csrf]', 'value'));
    const crossSite = await post({ origin: 'http://evil.example' }, `name=evil&scopes=write:*&_csrf=${csrf}`);
    expect(crossSite.status).toBe(403);
    const tokens = await fetch(`${url}/api/v1/tokens`, { headers: { authorization: `Bearer ${admin}` } }).then((r) => r.json() as Promise<{ items: { name: string }[] }>);
    expect(tokens.items.map((t) => t.name)).not.toContain('evil');
    await context.close();
  });
});
