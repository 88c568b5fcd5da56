import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, serveBento, type RunningServer } from '../support/cli.js';
import { makeTempDir } from '../support/iris-project.js';
import { makeStridedImageModel } from '../support/strided-image-model.js';

/**
 * A model with dynamic H×W that takes multiples of 32 only, served from a bentofile without width/height: each
 * image keeps its aspect ratio (scaled down past max_side), is padded to multiples of 32, and the reply's
 * `image-frames` header says where it went.
 */
describe('images of any size for a dynamic-size model', () => {
  const home = makeTempDir('home');
  const project = makeTempDir('project');
  let server: RunningServer;

  beforeAll(async () => {
    writeFileSync(join(project, 'strided.onnx'), makeStridedImageModel());
    writeFileSync(join(project, 'bentofile.yaml'), [
      'service: detector',
      'artifacts: [{name: det, path: ./strided.onnx}]',
      'apis:',
      '  - name: detect',
      '    model: det',
      '    input: {type: image, max_side: 128, multiple_of: 32}',
      '    output: {type: ndarray}',
    ].join('\n'));
    const built = runCli(['build', project], { home });
    expect(built.status, built.stderr).toBe(0);
    server = await serveBento('detector:latest', { home });
  });

  afterAll(async () => {
    if (server && server.child.exitCode === null) await server.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  });

  /** A gray PNG: every pixel 128, so the model's mask is the same inside the image and 0 in the padding. */
  async function png(width: number, height: number): Promise<Buffer> {
    return sharp({ create: { width, height, channels: 3, background: { r: 128, g: 128, b: 128 } } }).png().toBuffer();
  }

  async function detect(...images: Buffer[]) {
    const body = JSON.stringify({ instances: images.map((image) => ({ b64: image.toString('base64') })) });
    const response = await fetch(`${server.url}/detect`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await response.text();
    expect(response.status, text).toBe(200);
    return { frames: JSON.parse(response.headers.get('image-frames') ?? 'null'), mask: (JSON.parse(text) as { mask: number[][][][] }).mask };
  }

  it('keeps a small image at its size and pads it to multiples of 32', async () => {
    const { frames, mask } = await detect(await png(70, 50));
    expect(frames).toEqual([{ original: { width: 70, height: 50 }, scale: 1, scaled: { width: 70, height: 50 }, frame: { width: 96, height: 64 } }]);
    expect([mask.length, mask[0]!.length, mask[0]![0]!.length, mask[0]![0]![0]!.length]).toEqual([1, 1, 64, 96]);
    // Inside the image the value is 128/255, in the black padding 0 (plus each 32×32 cell's mean).
    expect(mask[0]![0]![10]![10]).toBeGreaterThan(mask[0]![0]![60]![90]!);
  });

  it('scales a large image down to max_side, keeping its aspect ratio', async () => {
    const { frames, mask } = await detect(await png(400, 300));
    expect(frames).toEqual([{ original: { width: 400, height: 300 }, scale: 0.32, scaled: { width: 128, height: 96 }, frame: { width: 128, height: 96 } }]);
    expect([mask[0]![0]!.length, mask[0]![0]![0]!.length]).toEqual([96, 128]);
  });

  it('puts the images of one request in one frame, the largest among them', async () => {
    const { frames, mask } = await detect(await png(40, 40), await png(100, 30));
    expect(frames.map((f: { frame: object }) => f.frame)).toEqual([{ width: 128, height: 64 }, { width: 128, height: 64 }]);
    expect(frames.map((f: { scaled: object }) => f.scaled)).toEqual([{ width: 40, height: 40 }, { width: 100, height: 30 }]);
    expect(mask).toHaveLength(2);
  });
});
