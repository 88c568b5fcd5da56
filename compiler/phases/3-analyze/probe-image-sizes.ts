import { rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ApiSpec, ImageInputSpec, ModelSpec } from '../../../runtime-template/contract.js';
import type { DiagnosticBag } from '../../diagnostics/index.js';
import type { ResolvedApi } from '../2-validate/index.js';
import { isDynamic } from './shapes.js';

type Session = { run(feeds: Record<string, unknown>): Promise<unknown>; release(): Promise<void> };
type Ort = typeof import('onnxruntime-node');

/** Strides detectors commonly need, smallest first: what the hint suggests when a size fails. */
const CANDIDATE_MULTIPLES = [2, 4, 8, 16, 32, 64, 128];

/**
 * A model with dynamic H×W may still take only some sizes (a strided detector: multiples of 32), which its
 * signature does not say. So the build runs it once on a black image of the size it will be fed (or, for images
 * kept at their own size, a size of the declared multiple) and refuses the API when the model fails, instead of
 * every request failing with a 500.
 */
export async function probeImageSizes(resolved: ResolvedApi[], apis: ApiSpec[], models: Map<string, { spec: ModelSpec; bytes: Buffer }>, bag: DiagnosticBag): Promise<void> {
  const probes = apis.flatMap((api, i) => {
    const model = api.model ? models.get(api.model) : undefined;
    const tensor = model?.spec.inputs[0];
    if (api.input.type !== 'image' || !model || !tensor || !tensor.shape.slice(1).some(isDynamic)) return [];
    return [{ api, resolved: resolved[i]!, input: api.input, model }];
  });
  if (probes.length === 0) return;
  const ort = await import('onnxruntime-node');
  try {
    for (const { resolved: at, input, model } of probes) {
      // Fatal messages only: the failures probed for are expected, and reported as a diagnostic.
      const session = (await ort.InferenceSession.create(model.bytes, { logSeverityLevel: 4 })) as unknown as Session;
      try {
        const multiple = input.dynamic?.multipleOf ?? 1;
        const [height, width] = input.dynamic ? probeSides(multiple) : [input.height, input.width];
        const failure = await runOnce(ort, session, model.spec, input, width, height);
        if (failure === undefined) continue;
        const fits = await findMultiple(ort, session, model.spec, input);
        const what = input.dynamic ? `images padded to multiples of ${multiple} (it failed on ${width}×${height})` : `${width}×${height} images`;
        bag.add('input_signature_mismatch', `model \`${model.spec.name}\` cannot take ${what}: ${failure}`, {
          span: at.locate('input'),
          hint: fits === undefined
            ? 'check the sizes the model was exported for'
            : input.dynamic
              ? `it takes sides that are multiples of ${fits}: set \`multiple_of: ${fits}\``
              : `it takes sides that are multiples of ${fits}: e.g. \`width: ${roundTo(width, fits)}\`, \`height: ${roundTo(height, fits)}\`, or leave both out to keep each image's size (with \`multiple_of: ${fits}\`)`,
        });
      } finally {
        await session.release();
      }
    }
  } finally {
    // onnxruntime leaves an empty debug log per process that creates a session.
    const log = join(tmpdir(), `mat-debug-${process.pid}.log`);
    if ((await stat(log).catch(() => undefined))?.size === 0) await rm(log, { force: true });
  }
}

/** The model's error on a black W×H image, or undefined when it runs. */
async function runOnce(ort: Ort, session: Session, model: ModelSpec, input: ImageInputSpec, width: number, height: number): Promise<string | undefined> {
  const channels = input.color === 'rgb' ? 3 : 1;
  const dims = input.layout === 'nchw' ? [1, channels, height, width] : input.layout === 'nhwc' ? [1, height, width, channels] : [1, height, width];
  const size = dims.reduce((a, b) => a * b, 1);
  const data = input.dtype === 'uint8' ? new Uint8Array(size) : input.dtype === 'float64' ? new Float64Array(size) : new Float32Array(size);
  try {
    await session.run({ [model.inputs[0]!.name]: new ort.Tensor(input.dtype as 'float32', data as Float32Array, dims) });
    return undefined;
  } catch (error) {
    return describeOrtError((error as Error).message ?? String(error));
  }
}

/**
 * Sides of about 67 and 101 pixels (primes, so a model needing any larger multiple fails one of them), rounded
 * up to the multiple being checked: large enough for a model's stem, small enough to run in milliseconds.
 */
function probeSides(multiple: number): [number, number] {
  return [multiple * Math.ceil(67 / multiple), multiple * Math.ceil(101 / multiple)];
}

/** onnxruntime's message without its source paths and C++ signatures: the node and what went wrong. */
function describeOrtError(message: string): string {
  const line = message.split('\n', 1)[0]!;
  const node = /running (\w+) node\. Name:'([^']*)'/.exec(line);
  const detail = line.replace(/^.*Status Message: /, '').replace(/\/onnxruntime_src\/\S+\s*/g, '').replace(/(?:void\s+)?\S*onnxruntime::.*? was false\.\s*/, '');
  return `${node ? `node \`${node[2]}\` (${node[1]}): ` : ''}${detail}`.slice(0, 300);
}

async function findMultiple(ort: Ort, session: Session, model: ModelSpec, input: ImageInputSpec): Promise<number | undefined> {
  for (const multiple of CANDIDATE_MULTIPLES) {
    const [height, width] = probeSides(multiple);
    if ((await runOnce(ort, session, model, input, width, height)) === undefined) return multiple;
  }
  return undefined;
}

function roundTo(side: number, multiple: number): number {
  return Math.max(multiple, Math.round(side / multiple) * multiple);
}
