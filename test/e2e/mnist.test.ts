import { Validator } from '@seriousme/openapi-schema-validator';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainMnist, writeDigits } from '../../samples/mnist/train.js';
import { repoRoot, runCli, serveBento, type RunningServer } from '../support/cli.js';
import { makeTempDir } from '../support/iris-project.js';
import { buildMultipart } from '../support/multipart-body.js';

interface Row {
  label: string;
  probabilities: Record<string, number>;
}

/**
 * The MNIST image journey through the real CLI: train as `npm run sample:mnist` does, build, serve, and send each
 * held-out digit PNG as base64 JSON, as a multipart upload and as a raw image/png body.
 */
describe('mnist sample: image input end to end', () => {
  const home = makeTempDir('home');
  const project = makeTempDir('mnist');
  let server: RunningServer;
  let session: ort.InferenceSession;
  let digits: { file: string; label: number }[];

  beforeAll(async () => {
    // The sample's own training (~15 s, deterministic): the quicker test run misreads one of these ten digits.
    const trained = trainMnist();
    writeFileSync(join(project, 'mnist.onnx'), trained.modelBytes);
    writeFileSync(join(project, 'bentofile.yaml'), readFileSync(join(repoRoot, 'samples/mnist/bentofile.yaml')));
    writeDigits(join(project, 'digits'), trained.split.test, 10);
    digits = JSON.parse(readFileSync(join(project, 'digits/labels.json'), 'utf8'));
    session = await ort.InferenceSession.create(trained.modelBytes);
    const built = runCli(['build', join(project, 'bentofile.yaml')], { home });
    expect(built.status, built.stderr).toBe(0);
    server = await serveBento('mnist_classifier:latest', { home });
  }, 120_000);

  afterAll(async () => {
    await session?.release();
    if (server && server.child.exitCode === null) await server.stop();
  });

  /** What the model says for the PNG, preprocessed independently of the server: pngjs decode, pixel / 255. */
  async function predictDirectly(png: Buffer): Promise<Float32Array> {
    const image = PNG.sync.read(png);
    const pixels = Float32Array.from({ length: 28 * 28 }, (_, i) => image.data[i * 4]! / 255);
    const out = await session.run({ image: new ort.Tensor('float32', pixels, [1, 1, 28, 28]) });
    return out.probabilities!.data as Float32Array;
  }

  async function send(png: Buffer, form: 'b64' | 'multipart' | 'raw'): Promise<Response> {
    if (form === 'b64') {
      return fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: [{ b64: png.toString('base64') }] }) });
    }
    if (form === 'multipart') {
      const { body, contentType } = buildMultipart([{ name: 'image', data: png, filename: 'digit.png', contentType: 'image/png' }]);
      return fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': contentType }, body });
    }
    return fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
  }

  for (const form of ['b64', 'multipart', 'raw'] as const) {
    it(`reads every test digit sent as ${form}, equal to the label and to a direct onnxruntime call`, async () => {
      for (const digit of digits) {
        const png = readFileSync(join(project, 'digits', digit.file));
        const response = await send(png, form);
        expect(response.status, digit.file).toBe(200);
        const [row] = (await response.json()) as Row[];
        expect(row!.label, digit.file).toBe(String(digit.label));
        const direct = await predictDirectly(png);
        expect(Object.values(row!.probabilities).map(Math.fround), digit.file).toEqual(Array.from(direct));
      }
    });
  }

  it('answers several base64 images in one request, one row each', async () => {
    const pngs = digits.slice(0, 4).map((d) => readFileSync(join(project, 'digits', d.file)).toString('base64'));
    const response = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ instances: pngs.map((b64) => ({ b64 })) }) });
    const rows = (await response.json()) as Row[];
    expect(rows.map((r) => r.label)).toEqual(digits.slice(0, 4).map((d) => String(d.label)));
  });

  it('refuses an undecodable image with 400 invalid_image and keeps serving', async () => {
    const bad = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: 'not a png' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_image');
    const png = readFileSync(join(project, 'digits', digits[0]!.file));
    expect((await send(png, 'raw')).status).toBe(200);
  });

  it('publishes the image forms in a valid OpenAPI 3.1 spec', async () => {
    const spec = (await (await fetch(`${server.url}/openapi.json`)).json()) as any;
    expect((await new Validator().validate(spec)).errors).toBeUndefined();
    const content = spec.paths['/predict'].post.requestBody.content;
    expect(Object.keys(content)).toEqual(['application/json', 'multipart/form-data', 'image/png', 'image/jpeg']);
    expect(content['multipart/form-data'].schema.properties.image.format).toBe('binary');
    expect(content['application/json'].example.instances[0].b64).toMatch(/^iVBORw0KGgo/);
  });

  it('runs one digit with `bentoc run --input @digit.png`, no server', () => {
    const digit = digits[3]!;
    const result = runCli(['run', 'mnist_classifier:latest', 'predict', '--input', `@${join(project, 'digits', digit.file)}`], { home });
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)[0].label).toBe(String(digit.label));
  });

  it('exits 0 on SIGTERM', async () => {
    expect(await server.stop()).toBe(0);
  });
});
