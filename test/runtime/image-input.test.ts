/** The image input through `app.inject()`: decoding, preprocessing into the model's layout, body forms, and refusals. */
import type { FastifyInstance } from 'fastify';
import { PNG } from 'pngjs';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiSpec, ImageInputSpec, ModelSpec, RuntimeConfig, TensorValue } from '../../runtime-template/contract.js';
import { buildApp } from '../../runtime-template/http/build-app.js';
import { createMetrics } from '../../runtime-template/metrics/create-metrics.js';
import { buildMultipart } from '../support/multipart-body.js';
import { createFakePool } from './support/fake-pool.js';
import { createIrisConfig } from './support/iris-config.js';

const apps: FastifyInstance[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

function imageSpec(overrides: Partial<ImageInputSpec> = {}): ImageInputSpec {
  return { type: 'image', color: 'grayscale', width: 4, height: 3, layout: 'nchw', dtype: 'float32', scale: 1 / 255, invert: false, maxPixels: 10_000, ...overrides };
}

/** An app whose fake model echoes its input tensor back as the output `image`. */
function createImageApp(input: ImageInputSpec, bodyLimitBytes = 64 * 1024) {
  const shape = input.layout === 'nchw' ? ['batch', input.color === 'rgb' ? 3 : 1, input.height, input.width] : ['batch', input.height, input.width, 3];
  const model: ModelSpec = { name: 'vision', file: 'vision.onnx', sha256: 'test', inputs: [{ name: 'pixels', dtype: input.dtype, shape }], outputs: [] };
  const api: ApiSpec = { name: 'predict', route: '/predict', model: 'vision', input, output: { type: 'ndarray' }, batch: { enabled: false, maxBatchSize: 8, maxLatencyMs: 1000 } };
  const config: RuntimeConfig = { ...createIrisConfig({ apis: [api], bodyLimitBytes }), models: [model] };
  const pool = createFakePool({ run: (_model, feeds) => ({ image: feeds.pixels! }) });
  const app = buildApp(config, pool, { bentoDir: '/nonexistent', metrics: createMetrics({ defaultMetrics: false }) });
  apps.push(app);
  return { app, pool };
}

/** A grayscale PNG whose pixel (x, y) is `value(x, y)`, encoded by pngjs (independently of the server's decoder). */
function grayPng(width: number, height: number, value: (x: number, y: number) => number): Buffer {
  const png = new PNG({ width, height });
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      png.data[i] = png.data[i + 1] = png.data[i + 2] = value(x, y);
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png, { colorType: 0 });
}

const ramp = (x: number, y: number) => (y * 4 + x) * 20;
const RAMP_PNG = grayPng(4, 3, ramp);
const rampValues = (transform = (v: number) => v / 255) => Array.from({ length: 12 }, (_, i) => Math.fround(transform(i * 20)));

async function post(app: FastifyInstance, payload: Buffer | string, contentType: string) {
  const response = await app.inject({ method: 'POST', url: '/predict', headers: { 'content-type': contentType }, payload });
  return { status: response.statusCode, json: response.json() as any };
}

describe('image input: the tensor the model gets', () => {
  it('decodes a base64 PNG into [1, 1, H, W] floats scaled by 1/255', async () => {
    const { app, pool } = createImageApp(imageSpec());
    const response = await post(app, JSON.stringify({ instances: [{ b64: RAMP_PNG.toString('base64') }] }), 'application/json');
    expect(response.status).toBe(200);
    const tensor = pool.calls[0]!.pixels as TensorValue;
    expect(tensor.dims).toEqual([1, 1, 3, 4]);
    expect(Array.from(tensor.data as Float32Array)).toEqual(rampValues());
  });

  it('applies invert, mean and std, and stacks several instances as rows', async () => {
    const { app, pool } = createImageApp(imageSpec({ invert: true, mean: [0.5], std: [0.25] }));
    const b64 = RAMP_PNG.toString('base64');
    const response = await post(app, JSON.stringify({ instances: [{ b64 }, { b64: `data:image/png;base64,${b64}` }] }), 'application/json');
    expect(response.status).toBe(200);
    const tensor = pool.calls[0]!.pixels as TensorValue;
    expect(tensor.dims).toEqual([2, 1, 3, 4]);
    const expected = rampValues((v) => ((255 - v) / 255 - 0.5) / 0.25);
    expect(Array.from(tensor.data as Float32Array)).toEqual([...expected, ...expected]);
  });

  it('lays out RGB as NCHW or NHWC and resizes to the declared size', async () => {
    const red = await sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 255, g: 0, b: 51 } } }).png().toBuffer();
    const nchw = createImageApp(imageSpec({ color: 'rgb', dtype: 'uint8', scale: 1 }));
    expect((await post(nchw.app, red, 'image/png')).status).toBe(200);
    const planar = nchw.pool.calls[0]!.pixels as TensorValue;
    expect(planar.dims).toEqual([1, 3, 3, 4]);
    expect(Array.from(planar.data as Uint8Array)).toEqual([...Array(12).fill(255), ...Array(12).fill(0), ...Array(12).fill(51)]);

    const nhwc = createImageApp(imageSpec({ color: 'rgb', layout: 'nhwc', dtype: 'uint8', scale: 1 }));
    expect((await post(nhwc.app, red, 'image/png')).status).toBe(200);
    const interleaved = nhwc.pool.calls[0]!.pixels as TensorValue;
    expect(interleaved.dims).toEqual([1, 3, 4, 3]);
    expect(Array.from(interleaved.data as Uint8Array).slice(0, 6)).toEqual([255, 0, 51, 255, 0, 51]);
  });

  it('reads JPEG, raw bodies and multipart uploads (field `image`, or any file)', async () => {
    const { app, pool } = createImageApp(imageSpec());
    const jpeg = await sharp(RAMP_PNG).jpeg({ quality: 100 }).toBuffer();
    expect((await post(app, jpeg, 'image/jpeg')).status).toBe(200);
    // JPEG is lossy: close to the ramp, not equal.
    const decoded = Array.from(pool.calls[0]!.pixels!.data as Float32Array);
    decoded.forEach((value, i) => expect(Math.abs(value - rampValues()[i]!)).toBeLessThan(0.05));

    const named = buildMultipart([{ name: 'note', data: 'hello' }, { name: 'image', data: RAMP_PNG, filename: 'ramp.png', contentType: 'image/png' }]);
    expect((await post(app, named.body, named.contentType)).status).toBe(200);
    const other = buildMultipart([{ name: 'upload', data: RAMP_PNG, filename: 'ramp.png', contentType: 'image/png' }]);
    expect((await post(app, other.body, other.contentType)).status).toBe(200);
    expect(Array.from(pool.calls[1]!.pixels!.data as Float32Array)).toEqual(rampValues());
    expect(Array.from(pool.calls[2]!.pixels!.data as Float32Array)).toEqual(rampValues());
  });
});

describe('image input: refusals name the field and the server keeps serving', () => {
  const png = RAMP_PNG.toString('base64');
  const huge = grayPng(200, 100, () => 0);
  const form = buildMultipart([{ name: 'note', data: 'no file here' }]);
  const cases: [string, Buffer | string, string, number, string, string][] = [
    ['not an image', Buffer.from('hello, I am text'), 'image/png', 400, 'invalid_image', 'body: expected a PNG or JPEG image'],
    ['truncated PNG', RAMP_PNG.subarray(0, 40), 'image/png', 400, 'invalid_image', 'body'],
    ['empty raw body', Buffer.alloc(0), 'image/png', 400, 'empty_body', ''],
    ['b64 of text', JSON.stringify({ instances: [{ b64: Buffer.from('nope').toString('base64') }] }), 'application/json', 400, 'invalid_image', 'instances[0].b64'],
    ['not base64', JSON.stringify({ instances: [{ b64: '%%%not base64%%%' }] }), 'application/json', 400, 'invalid_input', 'instances[0].b64: expected base64 text'],
    ['bare string item', JSON.stringify({ instances: [png] }), 'application/json', 400, 'invalid_input', 'instances[0].b64: expected a base64 string'],
    ['no instances', JSON.stringify({ images: [] }), 'application/json', 400, 'invalid_input', 'body: expected {"instances"'],
    ['empty instances', JSON.stringify({ instances: [] }), 'application/json', 400, 'empty_input', 'instances'],
    ['array body', JSON.stringify([png]), 'application/json', 400, 'invalid_input', 'body'],
    ['form without files', form.body, form.contentType, 400, 'invalid_input', 'a file part named "image"'],
    ['too many pixels', huge, 'image/png', 413, 'image_too_large', 'more than 10000 pixels'],
    ['wrong content type', RAMP_PNG, 'text/plain', 415, 'unsupported_media_type', 'text/plain'],
  ];

  it.each(cases)('%s → %i %s', async (_name, payload, contentType, status, code, mention) => {
    const { app } = createImageApp(imageSpec());
    const response = await post(app, payload, contentType);
    expect(response.status).toBe(status);
    expect(response.json.error.code).toBe(code);
    expect(response.json.error.message).toContain(mention);
    expect((await post(app, RAMP_PNG, 'image/png')).status).toBe(200);
  });

  it('answers 413 for an upload over the body limit', async () => {
    const { app } = createImageApp(imageSpec(), 1024);
    const big = buildMultipart([{ name: 'image', data: Buffer.alloc(4096, 1), filename: 'big.png', contentType: 'image/png' }]);
    const response = await post(app, big.body, big.contentType);
    expect(response.status).toBe(413);
    expect(response.json.error.code).toBe('body_too_large');
  });
});
