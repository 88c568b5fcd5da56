import type { Dim } from '../../../runtime-template/contract.js';

/** A dimension the model leaves open: named (`batch`) or -1. */
export const isDynamic = (d: Dim) => typeof d === 'string' || d === -1;

export function shapesCompatible(declared: Dim[], model: Dim[]): boolean {
  if (declared.length !== model.length) return false;
  return declared.every((d, i) => isDynamic(d) || isDynamic(model[i]!) || d === model[i]);
}

export function formatShape(shape: Dim[]): string {
  return `[${shape.join(', ')}]`;
}
