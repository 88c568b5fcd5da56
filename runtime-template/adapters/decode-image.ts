/**
 * Image bytes → the model's pixels with sharp (libvips). sharp decodes and resizes on libuv's thread pool, so a
 * large image never blocks the event loop. sharp is native: it stays outside the bundle, in the bento's
 * node_modules, and is loaded on first use so bentos without image APIs never need it.
 */
import type { ImageInputSpec, TensorValue } from '../contract.js';
import { errors } from '../errors.js';

type Sharp = typeof import('sharp').default;

/** Loads sharp once per adapter; a rejection is kept and answered as a 500 at each request. */
export function createSharpLoader(): () => Promise<Sharp> {
  let loading: Promise<Sharp> | undefined;
  return () => {
    loading ??= import('sharp').then(({ default: sharp }) => {
      // Inputs are seldom repeated: libvips' operation cache would only hold memory.
      sharp.cache(false);
      return sharp;
    });
    return loading;
  };
}

/** Where an image went in the model's frame: its own size, the scale applied, and the padded frame. */
export interface ImageFrame {
  original: { width: number; height: number };
  /** model pixels per original pixel (1 when the image kept its size) */
  scale: number;
  /** The image's size after scaling, before padding: boxes inside it map back by dividing by `scale`. */
  scaled: { width: number; height: number };
  frame: { width: number; height: number };
}

/**
 * The frame of an image for a model with dynamic H×W: scaled down (aspect kept) when its longer side passes
 * `maxSide`, then padded right and bottom to multiples of `multipleOf`.
 */
export function planFrame(width: number, height: number, dynamic: NonNullable<ImageInputSpec['dynamic']>): ImageFrame {
  const scale = Math.min(1, dynamic.maxSide / Math.max(width, height));
  const scaled = { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
  const pad = (side: number) => Math.ceil(side / dynamic.multipleOf) * dynamic.multipleOf;
  return { original: { width, height }, scale, scaled, frame: { width: pad(scaled.width), height: pad(scaled.height) } };
}

/** Reads an image's displayed size (after EXIF orientation) without decoding its pixels. */
export async function readImageSize(sharp: Sharp, bytes: Buffer, spec: ImageInputSpec, field: string): Promise<{ width: number; height: number }> {
  try {
    const meta = await sharp(bytes, { limitInputPixels: spec.maxPixels, failOn: 'error' }).metadata();
    const oriented = meta.autoOrient ?? meta;
    if (!oriented.width || !oriented.height) throw new Error('no size');
    if (oriented.width * oriented.height > spec.maxPixels) throw new Error('pixel limit');
    return { width: oriented.width, height: oriented.height };
  } catch (error) {
    throw toImageError(error, bytes, spec, field);
  }
}

/**
 * Decodes, orients, flattens alpha onto black, converts the color, resizes to W×H: interleaved HWC bytes. With a
 * `frame`, the image is resized to the frame's scaled size and padded with black to the given W×H instead.
 */
export async function decodePixels(sharp: Sharp, bytes: Buffer, spec: ImageInputSpec, field: string, frame?: { scaled: { width: number; height: number }; width: number; height: number }): Promise<Buffer> {
  const channels = spec.color === 'rgb' ? 3 : 1;
  try {
    let image = sharp(bytes, { limitInputPixels: spec.maxPixels, failOn: 'error', autoOrient: true }).flatten();
    image = spec.color === 'grayscale' ? image.greyscale() : image.toColourspace('srgb');
    if (frame) {
      const black = { r: 0, g: 0, b: 0, alpha: 1 };
      image = image
        .resize(frame.scaled.width, frame.scaled.height, { fit: 'fill' })
        .extend({ right: frame.width - frame.scaled.width, bottom: frame.height - frame.scaled.height, background: black });
    } else image = image.resize(spec.width, spec.height, { fit: 'fill' });
    const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
    return info.channels === channels ? data : selectChannels(data, info.channels, channels);
  } catch (error) {
    throw toImageError(error, bytes, spec, field);
  }
}

function toImageError(error: unknown, bytes: Buffer, spec: ImageInputSpec, field: string): Error {
  const message = (error as Error).message ?? String(error);
  if (/pixel limit/i.test(message)) return errors.imageTooLarge(field, spec.maxPixels);
  return errors.invalidImage(field, `${bytes.length} bytes that do not decode (${message.split('\n', 1)[0]})`);
}

/** Keeps the first `want` channels, or repeats a single one: sharp may leave an extra band in rare color spaces. */
function selectChannels(data: Buffer, have: number, want: number): Buffer {
  const pixels = data.length / have;
  const out = Buffer.alloc(pixels * want);
  for (let p = 0; p < pixels; p++) for (let c = 0; c < want; c++) out[p * want + c] = data[p * have + Math.min(c, have - 1)]!;
  return out;
}

/** Writes decoded images into one tensor in the model's layout, applying invert, scale, mean and std. */
export function toImageTensor(images: Buffer[], spec: ImageInputSpec, size: { width: number; height: number } = spec): TensorValue {
  const { width: w, height: h } = size;
  const channels = spec.color === 'rgb' ? 3 : 1;
  const perImage = w * h * channels;
  const dims = spec.layout === 'nchw' ? [images.length, channels, h, w] : spec.layout === 'nhwc' ? [images.length, h, w, channels] : [images.length, h, w];
  const data = spec.dtype === 'uint8' ? new Uint8Array(perImage * images.length)
    : spec.dtype === 'float64' ? new Float64Array(perImage * images.length) : new Float32Array(perImage * images.length);
  const raw = spec.dtype === 'uint8';
  images.forEach((pixels, n) => {
    const base = n * perImage;
    for (let c = 0; c < channels; c++) {
      const mean = spec.mean ? spec.mean[Math.min(c, spec.mean.length - 1)]! : 0;
      const std = spec.std ? spec.std[Math.min(c, spec.std.length - 1)]! : 1;
      for (let p = 0; p < w * h; p++) {
        const value = spec.invert ? 255 - pixels[p * channels + c]! : pixels[p * channels + c]!;
        const index = spec.layout === 'nchw' ? base + c * w * h + p : base + p * channels + c;
        data[index] = raw ? value : (value * spec.scale - mean) / std;
      }
    }
  });
  return { dtype: spec.dtype, dims, data };
}
