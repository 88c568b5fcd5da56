// Trains a 784→128→10 MLP on real MNIST digits (the `mnist` package) in plain TypeScript and exports it:
// input `image` float32 [batch, 1, 28, 28] in [0, 1], white digit on black →
// `probabilities` float32 [batch, 10], `label` int64 [batch]. Also writes a few held-out digits as PNGs.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import {
  createFloatTensor,
  createGraphBuilder,
  describeTensor,
  encodeModel,
  isMainModule,
  saveModel,
} from '../lib/onnx-builder.js';
import { createRng } from '../lib/random.js';

export const SIDE = 28;
const PIXELS = SIDE * SIDE;
const CLASSES = 10;

/** The part of the untyped `mnist` package we use: `range(a, b)` is inclusive and clamps `b`. */
interface MnistDigit {
  length: number;
  range(start: number, end: number): number[][];
}

/** One digit, stored sparsely: MNIST is ~80% black, and skipping zeros makes training ~5× faster. */
export interface Sample {
  pixels: Float32Array;
  label: number;
  nzIndex: Int32Array;
  nzValue: Float32Array;
}

export interface MnistSplit {
  train: Sample[];
  test: Sample[];
}

export interface MnistTrainingOptions {
  seed?: number;
  /** Passes over the training rows. @default 12 */
  epochs?: number;
  /** Cap on training rows per digit (the package has ~860–1,130 per digit). @default all but the held-out */
  trainPerDigit?: number;
  /** Rows per digit held out for testing: the last ones of each digit. @default 100 */
  testPerDigit?: number;
  hidden?: number;
}

export interface MnistTrainingResult {
  modelBytes: Uint8Array;
  testAccuracy: number;
  split: MnistSplit;
}

function toSample(pixels: number[], label: number): Sample {
  const nz = pixels.flatMap((v, i) => (v > 0 ? [i] : []));
  return {
    pixels: Float32Array.from(pixels),
    label,
    nzIndex: Int32Array.from(nz),
    nzValue: Float32Array.from(nz, (i) => pixels[i]!),
  };
}

// Fixed index ranges per digit (not mnist.set(), which shuffles with Math.random), so runs are reproducible.
export function loadMnistSplit(trainPerDigit = Infinity, testPerDigit = 100): MnistSplit {
  const digits = createRequire(import.meta.url)('mnist') as MnistDigit[];
  const split: MnistSplit = { train: [], test: [] };
  for (let d = 0; d < CLASSES; d++) {
    const n = digits[d]!.length;
    const testStart = n - testPerDigit;
    const trainEnd = Math.min(testStart, trainPerDigit);
    split.train.push(...digits[d]!.range(0, trainEnd - 1).map((p) => toSample(p, d)));
    split.test.push(...digits[d]!.range(testStart, n - 1).map((p) => toSample(p, d)));
  }
  return split;
}

interface Mlp {
  hidden: number;
  w1: Float64Array; // [784][hidden]: input-major, so a sparse input touches whole rows
  b1: Float64Array;
  w2: Float64Array; // [hidden][10]
  b2: Float64Array;
}

function initMlp(hidden: number, seed: number): Mlp {
  const rng = createRng(seed);
  const he = (fanIn: number, n: number) => Float64Array.from({ length: n }, () => rng.normal() * Math.sqrt(2 / fanIn));
  return {
    hidden,
    w1: he(PIXELS, PIXELS * hidden),
    b1: new Float64Array(hidden),
    w2: he(hidden, hidden * CLASSES),
    b2: new Float64Array(CLASSES),
  };
}

/** Fills `h` (post-ReLU) and returns softmax probabilities. */
function forward(m: Mlp, s: Sample, h: Float64Array): Float64Array {
  const H = m.hidden;
  h.set(m.b1);
  for (let k = 0; k < s.nzIndex.length; k++) {
    const row = s.nzIndex[k]! * H;
    const v = s.nzValue[k]!;
    for (let j = 0; j < H; j++) h[j]! += v * m.w1[row + j]!;
  }
  for (let j = 0; j < H; j++) if (h[j]! < 0) h[j] = 0;
  const z = Float64Array.from(m.b2);
  for (let j = 0; j < H; j++) {
    const hj = h[j]!;
    if (hj === 0) continue;
    for (let c = 0; c < CLASSES; c++) z[c]! += hj * m.w2[j * CLASSES + c]!;
  }
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let sum = 0;
  for (let c = 0; c < CLASSES; c++) sum += z[c] = Math.exp(z[c]! - max);
  for (let c = 0; c < CLASSES; c++) z[c]! /= sum;
  return z;
}

function predict(m: Mlp, s: Sample, h: Float64Array): number {
  const p = forward(m, s, h);
  return p.indexOf(Math.max(...p));
}

function trainMlp(m: Mlp, train: Sample[], epochs: number, seed: number): void {
  const H = m.hidden;
  const rng = createRng(seed + 1);
  const params = [m.w1, m.b1, m.w2, m.b2];
  const grads = params.map((p) => new Float64Array(p.length));
  const velocity = params.map((p) => new Float64Array(p.length));
  const [gw1, gb1, gw2, gb2] = grads as [Float64Array, Float64Array, Float64Array, Float64Array];
  const h = new Float64Array(H);
  const dh = new Float64Array(H);
  const batchSize = 32;
  const momentum = 0.9;
  const order = train.map((_, i) => i);

  for (let epoch = 0; epoch < epochs; epoch++) {
    // Step decay: large steps first, fine ones for the last passes.
    const lr = epoch < epochs * 0.6 ? 0.05 : epoch < epochs * 0.85 ? 0.01 : 0.002;
    rng.shuffle(order);
    for (let start = 0; start < order.length; start += batchSize) {
      const batch = order.slice(start, start + batchSize);
      for (const g of grads) g.fill(0);
      for (const i of batch) {
        const s = train[i]!;
        const p = forward(m, s, h);
        p[s.label]! -= 1; // dLoss/dz for softmax + cross-entropy
        for (let c = 0; c < CLASSES; c++) gb2[c]! += p[c]!;
        for (let j = 0; j < H; j++) {
          const hj = h[j]!;
          let d = 0;
          if (hj > 0) {
            for (let c = 0; c < CLASSES; c++) {
              gw2[j * CLASSES + c]! += hj * p[c]!;
              d += m.w2[j * CLASSES + c]! * p[c]!;
            }
          }
          dh[j] = d;
          gb1[j]! += d;
        }
        for (let k = 0; k < s.nzIndex.length; k++) {
          const row = s.nzIndex[k]! * H;
          const v = s.nzValue[k]!;
          for (let j = 0; j < H; j++) gw1[row + j]! += v * dh[j]!;
        }
      }
      const scale = lr / batch.length;
      for (let p = 0; p < params.length; p++) {
        const w = params[p]!;
        const g = grads[p]!;
        const v = velocity[p]!;
        for (let k = 0; k < w.length; k++) {
          v[k] = momentum * v[k]! - scale * g[k]!;
          w[k]! += v[k]!;
        }
      }
    }
  }
}

/** Weights are trained input-major; ONNX Gemm with transB=1 wants [out, in], like PyTorch's Linear. */
function transpose(w: Float64Array, rows: number, cols: number): Float64Array {
  const t = new Float64Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c]!;
  return t;
}

function exportMlp(m: Mlp): Uint8Array {
  const g = createGraphBuilder();
  const w1 = g.addInitializer(createFloatTensor('fc1.weight', [m.hidden, PIXELS], transpose(m.w1, PIXELS, m.hidden)));
  const b1 = g.addInitializer(createFloatTensor('fc1.bias', [m.hidden], m.b1));
  const w2 = g.addInitializer(createFloatTensor('fc2.weight', [CLASSES, m.hidden], transpose(m.w2, m.hidden, CLASSES)));
  const b2 = g.addInitializer(createFloatTensor('fc2.bias', [CLASSES], m.b2));
  const hidden = g.relu(g.gemm(g.flatten('image'), w1, b1));
  const probabilities = g.softmax(g.gemm(hidden, w2, b2), 'probabilities');
  g.argMax(probabilities, 'label');
  const model = g.buildModel({
    name: 'mnist_mlp',
    docString: `MLP 784→${m.hidden}→10 on MNIST; image: 28×28 grayscale in [0, 1], white digit on black`,
    inputs: [describeTensor('image', 'float32', ['batch', 1, SIDE, SIDE])],
    outputs: [
      describeTensor('probabilities', 'float32', ['batch', CLASSES]),
      describeTensor('label', 'int64', ['batch']),
    ],
  });
  return encodeModel(model);
}

export function trainMnist(options: MnistTrainingOptions = {}): MnistTrainingResult {
  const { seed = 1234, epochs = 12, trainPerDigit = Infinity, testPerDigit = 100, hidden = 128 } = options;
  const split = loadMnistSplit(trainPerDigit, testPerDigit);
  const mlp = initMlp(hidden, seed);
  trainMlp(mlp, split.train, epochs, seed);
  const h = new Float64Array(hidden);
  const correct = split.test.filter((s) => predict(mlp, s, h) === s.label).length;
  return { modelBytes: exportMlp(mlp), testAccuracy: correct / split.test.length, split };
}

/** An 8-bit grayscale PNG of one digit (0 = black background, 255 = white ink). */
export function encodeDigitPng(pixels: Float32Array): Buffer {
  const png = new PNG({ width: SIDE, height: SIDE, colorType: 0, inputColorType: 0, inputHasAlpha: false });
  png.data = Buffer.from(Array.from(pixels, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)));
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false });
}

/** Writes held-out digits as `<index>-<label>.png` (index into the test split) and `labels.json`. */
export function writeDigits(dir: string, test: Sample[], count: number): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Evenly spaced through the test split, which is ordered by digit, so every class appears.
  const step = Math.floor(test.length / count);
  const labels: { file: string; label: number }[] = [];
  for (let k = 0; k < count; k++) {
    const index = k * step + (k % step);
    const s = test[index]!;
    const file = `${index}-${s.label}.png`;
    writeFileSync(join(dir, file), encodeDigitPng(s.pixels));
    labels.push({ file, label: s.label });
  }
  writeFileSync(join(dir, 'labels.json'), `${JSON.stringify(labels, null, 2)}\n`);
}

if (isMainModule(import.meta.url)) {
  const started = performance.now();
  const result = trainMnist();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const path = fileURLToPath(new URL('./mnist.onnx', import.meta.url));
  const size = saveModel(path, result.modelBytes);
  writeDigits(fileURLToPath(new URL('./digits/', import.meta.url)), result.split.test, 10);
  const { train, test } = result.split;
  console.log(
    `mnist: trained on ${train.length} digits in ${seconds} s, held-out accuracy ${result.testAccuracy.toFixed(4)} ` +
      `(${Math.round(result.testAccuracy * test.length)}/${test.length}); wrote ${path} (${size} bytes) and digits/`,
  );
}
