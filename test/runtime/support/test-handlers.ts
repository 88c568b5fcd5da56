/** Handlers bundled into the runtime test bento. */
import { existsSync, writeFileSync } from 'node:fs';
import type { HandlerContext, TensorValue } from '../../../runtime-template/contract.js';

const SPECIES = ['setosa', 'versicolor', 'virginica'];

/** json in: `{features: [4 numbers]}`; runs the iris model through the context. */
export async function classify(input: { features: number[] }, context: HandlerContext): Promise<{ species: string }> {
  const feeds: Record<string, TensorValue> = {
    input: { dtype: 'float32', dims: [1, 4], data: Float32Array.from(input.features) },
  };
  const outputs = await context.run('iris', feeds);
  return { species: SPECIES[Number(outputs.label!.data[0])]! };
}

/** Batched text API: receives every request's string at once and returns one answer each. */
export function shout(inputs: string[]): string[] {
  return inputs.map((text) => text.toUpperCase());
}

/** Holds the request for `ms` so tests can signal the server while it is in flight. */
export async function slow(input: { ms: number }): Promise<{ slept: number }> {
  await new Promise((resolve) => setTimeout(resolve, input.ms));
  return { slept: input.ms };
}

/** Rejects input itself with a 4xx, or fails like a bug. */
export function picky(input: { ok: boolean }): { ok: true } {
  if (input.ok) return { ok: true };
  throw Object.assign(new Error('ok must be true'), { statusCode: 422 });
}

/**
 * Writes the file `started`, then holds the request until the file `release` exists: a test decides when the
 * answer comes, so it can signal the server while the request is surely in flight, whatever the machine's load.
 */
export async function hold(input: { started: string; release: string }): Promise<{ released: true }> {
  writeFileSync(input.started, '');
  const giveUpAt = Date.now() + 60_000;
  while (!existsSync(input.release)) {
    if (Date.now() > giveUpAt) throw new Error(`hold: ${input.release} did not appear within 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return { released: true };
}
