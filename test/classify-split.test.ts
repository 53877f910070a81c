// stratifiedSplit: the invariants of a seeded stratified shuffle split (issue 17).
import { describe, expect, it } from 'vitest';
import { stratifiedSplit } from '../src/classify/split.js';

const labels = Int32Array.from({ length: 203 }, (_, i) => (i < 120 ? 0 : i < 190 ? 1 : 2));

describe('stratifiedSplit(labels, options)', () => {
  it('gives each class round(fraction · n_c) test and validation samples, the rest to train', () => {
    const s = stratifiedSplit(labels, { testFraction: 0.2, validationFraction: 0.1, seed: 3 });
    const count = (idx: Int32Array, c: number): number =>
      Array.from(idx).filter((i) => labels[i] === c).length;
    for (const [c, n] of [
      [0, 120],
      [1, 70],
      [2, 13],
    ]) {
      expect(count(s.test, c)).toBe(Math.round(0.2 * n));
      expect(count(s.validation, c)).toBe(Math.round(0.1 * n));
      expect(count(s.train, c)).toBe(n - Math.round(0.2 * n) - Math.round(0.1 * n));
    }
  });

  it('gives disjoint parts that cover every sample once', () => {
    const s = stratifiedSplit(labels, { testFraction: 0.25, validationFraction: 0.15, seed: 9 });
    const all = [...s.train, ...s.validation, ...s.test].sort((a, b) => a - b);
    expect(all).toEqual(Array.from({ length: labels.length }, (_, i) => i));
  });

  it('is reproducible with a seed, and another seed deals other samples', () => {
    const a = stratifiedSplit(labels, { seed: 5 });
    const b = stratifiedSplit(labels, { seed: 5 });
    const c = stratifiedSplit(labels, { seed: 6 });
    expect(Array.from(a.test)).toEqual(Array.from(b.test));
    expect(Array.from(a.train)).toEqual(Array.from(b.train));
    expect(Array.from(c.test)).not.toEqual(Array.from(a.test));
    expect(a.validation.length).toBe(0);
  });

  it('interleaves the classes of a sorted file in every part', () => {
    const s = stratifiedSplit(labels, { seed: 1 });
    const firstTen = Array.from(s.train.subarray(0, 40)).map((i) => labels[i]);
    expect(new Set(firstTen).size).toBeGreaterThan(1);
  });

  it('refuses a class too small to train on and fractions that leave nothing, in one line', () => {
    expect(() => stratifiedSplit([0, 0, 0, 1], { testFraction: 0.6, validationFraction: 0.4 })).toThrow(
      /testFraction \+ validationFraction must be < 1/,
    );
    expect(() => stratifiedSplit([0, 0, 0, 0, 1, 1], { testFraction: 0.3, validationFraction: 0.3 })).toThrow(
      /class 1 has 2 samples, which leaves none to train on after 1 for testing and 1 for validation/,
    );
    expect(() => stratifiedSplit([0, 1.5])).toThrow(/labels\[1\] is 1.5; class indices are integers ≥ 0/);
    expect(() => stratifiedSplit([0, 1], { testFraction: 1 })).toThrow(/testFraction must be in \[0, 1\)/);
  });
});
