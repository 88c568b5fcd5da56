/**
 * Seeded randomness for everything that must replay exactly: model weights and data splits (byte-identical
 * models), load schedules (benchmarks) and property tests.
 */

/** A seeded PRNG (mulberry32): uniform in [0, 1), plus standard normals by Box–Muller. */
export interface Rng {
  uniform(): number;
  normal(): number;
  /** Fisher–Yates shuffle in place. */
  shuffle<T>(items: T[]): T[];
}

export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    uniform,
    normal() {
      // 1 - u keeps log() away from 0.
      const u = 1 - uniform();
      const v = uniform();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    shuffle(items) {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(uniform() * (i + 1));
        [items[i], items[j]] = [items[j]!, items[i]!];
      }
      return items;
    },
  };
}

/** Uniform numbers in [0, 1) from a seed, for callers that need nothing else. */
export function createRandom(seed: number): () => number {
  return createRng(seed).uniform;
}
