/** Which thread a model's calls run on: the main thread when timed cheaper than a worker hop and never a stall. */
import { describe, expect, it } from 'vitest';
import { isInlineWorthy } from '../../../runtime-template/model/inline-policy.js';

describe('inline placement', () => {
  it('moves a model whose lower-quartile one-row call is under the break-even, shrugging off preempted calls', () => {
    expect(isInlineWorthy([0.02, 0.03, 0.02, 0.9, 0.02], [0.3], 0.05)).toBe(true);
    expect(isInlineWorthy([0.06, 0.07, 0.02, 0.08, 0.09, 0.07, 0.06, 0.08], [0.3], 0.05)).toBe(false);
  });

  it('keeps a model in the workers when a large batch would stall the event loop, or when it could not be timed', () => {
    expect(isInlineWorthy([0.02, 0.02, 0.02], [1.5, 1.6, 1.4], 0.05)).toBe(false);
    expect(isInlineWorthy([0.02, 0.02, 0.02], [0.5, 3, 4], 0.05)).toBe(true);
    expect(isInlineWorthy([], [0.1], 0.05)).toBe(false);
    expect(isInlineWorthy([0.01], [], 0.05)).toBe(false);
  });
});
