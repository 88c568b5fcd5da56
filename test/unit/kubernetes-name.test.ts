import { describe, expect, it } from 'vitest';
import { toKubernetesName, toLabelValue } from '../../compiler/deploy/kubernetes-name.js';

const RFC1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

describe('toKubernetesName', () => {
  it.each([
    ['iris_classifier', 'iris-classifier'],
    ['fraud.detector_v2', 'fraud-detector-v2'],
    ['_private', 'private'],
    ['2fast', 'bento-2fast'],
    ['a__b..c', 'a-b-c'],
  ])('%s → %s', (name, expected) => {
    expect(toKubernetesName(name)).toBe(expected);
  });

  it('cuts long names to 63 characters and keeps two long names apart', () => {
    const a = toKubernetesName(`${'x'.repeat(70)}_a`);
    const b = toKubernetesName(`${'x'.repeat(70)}_b`);
    expect(a).toHaveLength(63);
    expect(a).toMatch(RFC1035);
    expect(a).not.toBe(b);
  });
});

describe('toLabelValue', () => {
  it('keeps a version as is and trims what a label value cannot hold', () => {
    expect(toLabelValue('vjcsdw3krxcglpim')).toBe('vjcsdw3krxcglpim');
    expect(toLabelValue('-a b+c-')).toBe('a-b-c');
    expect(toLabelValue('y'.repeat(80))).toHaveLength(63);
  });
});
