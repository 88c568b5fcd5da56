/**
 * Label-map output for classifiers. Each input row becomes
 * `{ "label": "setosa", "probabilities": { "setosa": 0.97, "versicolor": 0.02, "virginica": 0.01 } }`.
 * The probability output is the float output whose last dim equals the number of labels; the label output is an
 * integer output with one value per row. Either may be missing: the label is then the argmax, or probabilities
 * are left out.
 */
import type { TensorValue } from '../contract.js';
import { toShortestFloat32 } from './tensor-json.js';

export interface LabeledRow {
  label: string;
  probabilities?: Record<string, number>;
}

/** Returns one entry per row, or undefined when the outputs carry neither probabilities nor class indices. */
export function toLabeledRows(outputs: Record<string, TensorValue>, labels: readonly string[]): LabeledRow[] | undefined {
  const entries = Object.entries(outputs);
  const probabilities = pick(
    entries.filter(([, t]) => t.dtype.startsWith('float') && t.dims.length >= 1 && t.dims.at(-1) === labels.length),
    /prob|score|softmax/i,
  );
  const indices = pick(
    entries.filter(([, t]) => (t.dtype === 'int64' || t.dtype === 'int32') && (t.dims.length === 1 || (t.dims.length === 2 && t.dims[1] === 1))),
    /label|class|argmax|pred/i,
  );
  if (!probabilities && !indices) return undefined;
  const rows = (probabilities ?? indices)!.dims[0] ?? 1;
  const result: LabeledRow[] = [];
  for (let row = 0; row < rows; row++) {
    const scores = probabilities ? rowScores(probabilities, row, labels.length) : undefined;
    const index = indices ? Number(indices.data[row]) : argmax(scores!);
    const entry: LabeledRow = { label: labels[index] ?? String(index) };
    if (scores) entry.probabilities = Object.fromEntries(labels.map((name, i) => [name, roundScore(probabilities!, scores[i]!)]));
    result.push(entry);
  }
  return result;
}

function pick(candidates: [string, TensorValue][], preferred: RegExp): TensorValue | undefined {
  return (candidates.find(([name]) => preferred.test(name)) ?? candidates[0])?.[1];
}

function rowScores(tensor: TensorValue, row: number, width: number): number[] {
  const start = row * width;
  return Array.from(tensor.data.slice(start, start + width) as ArrayLike<number>);
}

function argmax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

function roundScore(tensor: TensorValue, value: number): number {
  return tensor.dtype === 'float32' ? toShortestFloat32(value) : value;
}

export interface TopKRow {
  label: string;
  top_k: { label: string; probability: number }[];
}

/** Keeps the k most probable classes of a labeled row, best first (ties keep class order). */
export function toTopK(row: LabeledRow, k: number): TopKRow | LabeledRow {
  if (!row.probabilities) return row;
  const ranked = Object.entries(row.probabilities)
    .map(([label, probability], index) => ({ label, probability, index }))
    .sort((a, b) => b.probability - a.probability || a.index - b.index)
    .slice(0, k)
    .map(({ label, probability }) => ({ label, probability }));
  return { label: row.label, top_k: ranked };
}
