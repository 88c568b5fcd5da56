/**
 * Label-map output for classifiers. Each input row becomes
 * `{ "label": "setosa", "probabilities": { "setosa": 0.97, "versicolor": 0.02, "virginica": 0.01 } }`, or with
 * `top_k` `{ "label": "setosa", "top_k": [{ "label": "setosa", "probability": 0.97 }, …] }` (best first, ties in
 * class order). The probability output is the float output whose last dim equals the number of labels; the label
 * output is an integer output with one value per row. Either may be missing: the label is then the argmax, or
 * probabilities are left out.
 *
 * The JSON text is written straight from the typed arrays, with each label's JSON spelled once per API: building
 * row objects for JSON.stringify was the largest part of a tiny classifier's answer (profiled).
 */
import type { TensorValue } from '../contract.js';
import { toShortestFloat32 } from './tensor-json.js';

export interface LabelWriter {
  /** The JSON array of labelled rows, or undefined when the outputs carry neither probabilities nor class indices. */
  write(outputs: Record<string, TensorValue>): string | undefined;
}

export function createLabelWriter(labels: readonly string[], topK?: number): LabelWriter {
  const quoted = labels.map((label) => JSON.stringify(label));
  const labelJson = (index: number): string => quoted[index] ?? JSON.stringify(String(index));
  const k = topK === undefined ? undefined : Math.min(topK, labels.length);
  return {
    write(outputs) {
      const { probabilities, indices } = pickOutputs(outputs, labels.length);
      if (!probabilities && !indices) return undefined;
      const rows = (probabilities ?? indices)!.dims[0] ?? 1;
      const width = labels.length;
      const shorten = probabilities?.dtype === 'float32';
      const scores = probabilities?.data as ArrayLike<number> | undefined;
      let json = '[';
      for (let row = 0; row < rows; row++) {
        const start = row * width;
        const index = indices ? Number(indices.data[row]) : argmax(scores!, start, width);
        json += `${row === 0 ? '' : ','}{"label":${labelJson(index)}`;
        if (scores && k === undefined) {
          json += ',"probabilities":{';
          for (let i = 0; i < width; i++) json += `${i === 0 ? '' : ','}${quoted[i]}:${number(scores[start + i]!, shorten)}`;
          json += '}';
        } else if (scores) {
          json += ',"top_k":[';
          const ranked = rank(scores, start, width).slice(0, k);
          ranked.forEach((i, n) => (json += `${n === 0 ? '' : ','}{"label":${quoted[i]},"probability":${number(scores[start + i]!, shorten)}}`));
          json += ']';
        }
        json += '}';
      }
      return `${json}]`;
    },
  };
}

function pickOutputs(outputs: Record<string, TensorValue>, width: number): { probabilities?: TensorValue; indices?: TensorValue } {
  const entries = Object.entries(outputs);
  const probabilities = pick(
    entries.filter(([, t]) => t.dtype.startsWith('float') && t.dims.length >= 1 && t.dims.at(-1) === width),
    /prob|score|softmax/i,
  );
  const indices = pick(
    entries.filter(([, t]) => (t.dtype === 'int64' || t.dtype === 'int32') && (t.dims.length === 1 || (t.dims.length === 2 && t.dims[1] === 1))),
    /label|class|argmax|pred/i,
  );
  return { probabilities, indices };
}

function pick(candidates: [string, TensorValue][], preferred: RegExp): TensorValue | undefined {
  return (candidates.find(([name]) => preferred.test(name)) ?? candidates[0])?.[1];
}

function argmax(values: ArrayLike<number>, start: number, width: number): number {
  let best = 0;
  for (let i = 1; i < width; i++) if (values[start + i]! > values[start + best]!) best = i;
  return best;
}

/** Class indices of one row, most probable first; ties keep class order. */
function rank(values: ArrayLike<number>, start: number, width: number): number[] {
  return Array.from({ length: width }, (_, i) => i).sort((a, b) => values[start + b]! - values[start + a]! || a - b);
}

/** A score as JSON: float32 at its own precision (0.97, not 0.9700000286102295); NaN and ±Infinity as null. */
function number(value: number, shorten: boolean): string {
  if (!Number.isFinite(value)) return 'null';
  return String(shorten ? toShortestFloat32(value) : value);
}
