import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { hasChromium, launchChromium } from '../support/browser.js';
import { repoRoot, runCli, serveBento, type RunningServer } from '../support/cli.js';
import { makeProjectFrom, makeTempDir } from '../support/iris-project.js';

/** Swagger UI as a user sees it: the page renders in a real browser and "Try it out" gets a real prediction. */
const needsBrowser = !hasChromium() && process.env.CI !== 'true';
if (needsBrowser) console.warn('swagger-ui.test: skipped, no Chromium at /usr/bin/chromium (apt-get install chromium)');

describe.skipIf(needsBrowser)('Swagger UI in headless Chromium', () => {
  const home = makeTempDir('home');
  let server: RunningServer;
  let browser: Browser;

  beforeAll(async () => {
    const project = makeProjectFrom(join(repoRoot, 'samples/iris'));
    const built = runCli(['build', join(project, 'bentofile.yaml')], { home });
    expect(built.status, built.stderr).toBe(0);
    server = await serveBento('iris_classifier:latest', { home });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it('renders the API and answers "Try it out" with the example request', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const operation = page.locator('#operations-apis-predict');
    await operation.locator('.opblock-summary').click();
    // The page opens with "Try it out" already on (tryItOutEnabled), so Execute is there at once.
    const tryItOut = operation.getByRole('button', { name: 'Try it out' });
    if (await tryItOut.isVisible()) await tryItOut.click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const responseBody = page.locator('#operations-apis-predict .live-responses-table .response-col_description pre').first();
    await responseBody.waitFor({ timeout: 15_000 });
    const text = await responseBody.innerText();
    expect(JSON.parse(text).map((row: { label: string }) => row.label)).toEqual(['setosa', 'virginica']);
    await page.screenshot({ path: process.env.SWAGGER_SCREENSHOT ?? join(makeTempDir('screenshot'), 'swagger.png'), fullPage: true });
  });
});
