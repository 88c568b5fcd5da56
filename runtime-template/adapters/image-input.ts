/**
 * `image` input: PNG/JPEG as TF-Serving-style base64 JSON (`{"instances": [{"b64": "..."}]}`), a multipart upload
 * (field `image`, or every file part), or a raw `image/*` body. Every image is one row of the model's tensor.
 */
import type { ImageInputSpec } from '../contract.js';
import { describeValue, errors } from '../errors.js';
import { createSharpLoader, decodePixels, planFrame, readImageSize, toImageTensor } from './decode-image.js';
import type { InputAdapter, ParsedInput } from './types.js';
import { readUploadedFiles } from './uploaded-files.js';

interface ImageSource {
  field: string;
  bytes: Buffer;
}

type Sharp = Awaited<ReturnType<ReturnType<typeof createSharpLoader>>>;

const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

export function createImageInput(spec: ImageInputSpec): InputAdapter {
  const loadSharp = createSharpLoader();
  // Started now, while the models load, so the first request does not pay for libvips (it could be shed for it).
  // A failure is kept by the loader and answered at each request.
  loadSharp().catch(() => undefined);
  return {
    mediaTypes: ['application/json', 'multipart/form-data', 'image/*', 'application/octet-stream'],
    async parse(body, mediaType) {
      const sources = await collectSources(body, mediaType);
      const sharp = await loadSharp();
      if (spec.dynamic) return parseAtOwnSize(sharp, sources, spec, spec.dynamic);
      const images = await Promise.all(sources.map((source) => decodePixels(sharp, source.bytes, spec, source.field)));
      return { value: toImageTensor(images, spec), rows: images.length };
    },
  };
}

/**
 * A model with dynamic H×W: each image keeps its aspect ratio (scaled down past `maxSide`), and the request's
 * images share one frame, the largest padded size among them. The reply's `image-frames` header says where each
 * image went, so boxes found in the frame map back to the original (divide by `scale`).
 */
async function parseAtOwnSize(sharp: Sharp, sources: ImageSource[], spec: ImageInputSpec, dynamic: NonNullable<ImageInputSpec['dynamic']>): Promise<ParsedInput> {
  const sizes = await Promise.all(sources.map((source) => readImageSize(sharp, source.bytes, spec, source.field)));
  const plans = sizes.map((size) => planFrame(size.width, size.height, dynamic));
  const frame = { width: Math.max(...plans.map((p) => p.frame.width)), height: Math.max(...plans.map((p) => p.frame.height)) };
  const images = await Promise.all(sources.map((source, i) => decodePixels(sharp, source.bytes, spec, source.field, { scaled: plans[i]!.scaled, ...frame })));
  const frames = plans.map((plan) => ({ ...plan, frame }));
  return { value: toImageTensor(images, spec, frame), rows: images.length, headers: { 'image-frames': JSON.stringify(frames) } };
}

async function collectSources(body: unknown, mediaType: string): Promise<ImageSource[]> {
  if (mediaType === 'multipart/form-data') {
    const files = await readUploadedFiles(body);
    const named = files.filter((file) => file.field === 'image' || file.field.startsWith('image['));
    const chosen = named.length > 0 ? named : files;
    if (chosen.length === 0) throw errors.invalidInput('body', 'a file part named "image"', 'a form without files');
    return chosen.map((file) => ({ field: file.field, bytes: file.data }));
  }
  if (Buffer.isBuffer(body)) {
    if (body.length === 0) throw errors.emptyBody();
    return [{ field: 'body', bytes: body }];
  }
  return fromJson(body);
}

/** `{"instances": [{"b64": ...}, ...]}`, or a single `{"b64": ...}`. */
function fromJson(body: unknown): ImageSource[] {
  const expected = '{"instances": [{"b64": "<base64 PNG or JPEG>"}]}';
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw errors.invalidInput('body', expected, describeValue(body));
  const record = body as Record<string, unknown>;
  if (typeof record.b64 === 'string') return [{ field: 'b64', bytes: decodeBase64(record.b64, 'b64') }];
  const key = 'instances' in record ? 'instances' : 'inputs' in record ? 'inputs' : undefined;
  if (!key) throw errors.invalidInput('body', expected, `an object with keys [${Object.keys(record).slice(0, 5).join(', ')}]`);
  const instances = record[key];
  if (!Array.isArray(instances)) throw errors.invalidInput(key, 'an array of {"b64": "..."} objects', describeValue(instances));
  if (instances.length === 0) throw errors.emptyInput(key);
  return instances.map((item, i) => {
    const field = `${key}[${i}]`;
    const b64 = item !== null && typeof item === 'object' ? (item as Record<string, unknown>).b64 : undefined;
    if (typeof b64 !== 'string') throw errors.invalidInput(`${field}.b64`, 'a base64 string', describeValue(b64 ?? item), 'wrap each image as {"b64": "..."}');
    return { field: `${field}.b64`, bytes: decodeBase64(b64, `${field}.b64`) };
  });
}

function decodeBase64(text: string, field: string): Buffer {
  // Swagger UI and browsers hand out data URLs; their prefix is not part of the image.
  const payload = text.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
  if (!BASE64.test(payload)) throw errors.invalidInput(field, 'base64 text', `a string with characters outside the base64 alphabet`);
  const bytes = Buffer.from(payload, 'base64');
  if (bytes.length === 0) throw errors.invalidImage(field, 'no bytes');
  return bytes;
}
