import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeDigitPng, trainMnist } from '../../samples/mnist/train.js';
import { hasChromium, launchChromium } from '../support/browser.js';
import { runCli, serveBento, type RunningServer } from '../support/cli.js';
import { irisModelBytes, makeTempDir } from '../support/iris-project.js';
import { makeMultiInputModel } from '../support/multi-input-model.js';

/** Swagger UI's "Try it out" for every input type: the generated examples and upload forms really work in a browser. */
const needsBrowser = !hasChromium() && process.env.CI !== 'true';
if (needsBrowser) console.warn('swagger-ui-inputs.test: skipped, no Chromium at /usr/bin/chromium (apt-get install chromium)');

const BENTOFILE = `service: swagger_inputs
artifacts:
  - {name: mnist, path: ./mnist.onnx}
  - {name: multi, path: ./multi.onnx}
  - {name: iris, path: ./iris.onnx}
apis:
  - {name: digit, model: mnist, input: {type: image}, output: {type: json, labels: ["0","1","2","3","4","5","6","7","8","9"], top_k: 2}}
  - {name: combine, model: multi, input: {type: ndarray}, output: {type: json}}
  - {name: iris_table, model: iris, input: {type: dataframe, columns: [a, b, c, d]}, output: {type: json}}
  - {name: size, handler: ./service.ts#size, input: {type: file}, output: {type: json}}
`;

describe.skipIf(needsBrowser)('Swagger UI "Try it out" for each input type', () => {
  const home = makeTempDir('home');
  const project = makeTempDir('swagger-inputs');
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let digitPng: string;

  beforeAll(async () => {
    // A quick model: the UI check needs a working API, not accuracy.
    const trained = trainMnist({ trainPerDigit: 50, epochs: 1 });
    writeFileSync(join(project, 'mnist.onnx'), trained.modelBytes);
    digitPng = join(project, 'digit.png');
    writeFileSync(digitPng, encodeDigitPng(trained.split.test[0]!.pixels));
    writeFileSync(join(project, 'multi.onnx'), makeMultiInputModel());
    writeFileSync(join(project, 'iris.onnx'), irisModelBytes());
    writeFileSync(join(project, 'service.ts'), 'export const size = (file) => ({ bytes: file.data.length, mediaType: file.mediaType });\n');
    writeFileSync(join(project, 'bentofile.yaml'), BENTOFILE);
    const built = runCli(['build', join(project, 'bentofile.yaml')], { home });
    expect(built.status, built.stderr).toBe(0);
    server = await serveBento('swagger_inputs:latest', { home });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(`${server.url}/`);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function openOperation(id: string): Promise<Locator> {
    const operation = page.locator(`#operations-apis-${id}`);
    if (!(await operation.locator('.opblock-body').isVisible())) await operation.locator('.opblock-summary').click();
    const tryItOut = operation.getByRole('button', { name: 'Try it out' });
    if (await tryItOut.isVisible()) await tryItOut.click();
    return operation;
  }

  /** Runs the request; `curl` is the command Swagger UI shows, which names the Content-Type it really sent. */
  async function execute(operation: Locator): Promise<{ status: string; body: string; curl: string }> {
    const clear = operation.getByRole('button', { name: 'Clear' });
    if (await clear.isVisible()) await clear.click();
    await operation.getByRole('button', { name: 'Execute' }).click();
    const row = operation.locator('.live-responses-table tbody tr.response').first();
    await row.waitFor({ timeout: 15_000 });
    return {
      status: (await row.locator('.response-col_status').innerText()).trim(),
      body: await row.locator('.response-col_description pre').first().innerText(),
      curl: await operation.locator('.curl-command').innerText(),
    };
  }

  async function chooseMediaType(operation: Locator, mediaType: string): Promise<void> {
    await operation.locator('.opblock-section-request-body select').selectOption(mediaType);
  }

  it('image: the base64 example, a multipart upload and a raw image/png body', async () => {
    const operation = await openOperation('digit');
    const example = await execute(operation);
    expect(example.status).toBe('200');
    expect(example.curl).toContain('Content-Type: application/json');
    expect(JSON.parse(example.body)[0].top_k).toHaveLength(2);

    await chooseMediaType(operation, 'multipart/form-data');
    await operation.locator('input[type="file"]').setInputFiles(digitPng);
    const upload = await execute(operation);
    expect(upload.status, upload.body).toBe('200');
    expect(upload.curl).toContain('Content-Type: multipart/form-data');

    await chooseMediaType(operation, 'image/png');
    await operation.locator('input[type="file"]').setInputFiles(digitPng);
    const raw = await execute(operation);
    expect(raw.status, raw.body).toBe('200');
    expect(raw.curl).toContain('Content-Type: image/png');
    expect(JSON.parse(raw.body)[0].label).toBe(JSON.parse(upload.body)[0].label);
  });

  it('multi-input ndarray: the {"inputs": …} example', async () => {
    const result = await execute(await openOperation('combine'));
    expect(result.status, result.body).toBe('200');
    expect(JSON.parse(result.body).doubled).toEqual([[0, 0]]);
  });

  it('dataframe: the records example and the CSV example', async () => {
    const operation = await openOperation('iris_table');
    const records = await execute(operation);
    expect(records.status, records.body).toBe('200');
    await chooseMediaType(operation, 'text/csv');
    const csv = await execute(operation);
    expect(csv.status, csv.body).toBe('200');
    expect(csv.curl).toContain('Content-Type: text/csv');
    expect(JSON.parse(csv.body)).toEqual(JSON.parse(records.body));
  });

  it('file: a multipart upload', async () => {
    const operation = await openOperation('size');
    await operation.locator('input[type="file"]').setInputFiles(digitPng);
    const result = await execute(operation);
    expect(result.status, result.body).toBe('200');
    expect(JSON.parse(result.body)).toMatchObject({ bytes: expect.any(Number), mediaType: 'image/png' });
  });
});
