import { describe, expect, it } from 'vitest';
import {
  bands,
  checkLevels,
  conformalHalfWidths,
  conformalQuantile,
  conformalRank,
  intervalQuality,
  intervalScore,
  minimumResiduals,
  scaledResiduals,
} from '../src/forecast/intervals.js';

/** A seeded uniform generator (mulberry32) and Gaussian draws (Box–Muller). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
function gauss(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

describe('the conformal quantile (by hand)', () => {
  it('conformalRank(n, level) is ⌈(n + 1)·level⌉', () => {
    expect(conformalRank(9, 0.8)).toBe(8); // 10 · 0.8 = 8
    expect(conformalRank(29, 0.8)).toBe(24); // 30 · 0.8 = 24 (not 25 from floating-point noise)
    expect(conformalRank(10, 0.8)).toBe(9); // 8.8 → 9
    expect(conformalRank(19, 0.95)).toBe(19);
    expect(conformalRank(18, 0.95)).toBe(19); // > n: no finite quantile
  });

  it('conformalQuantile(residuals, level) is the k-th smallest |residual|, +∞ when k > n', () => {
    // |e| sorted: 1 2 3 4 5 6 7 8 9; n = 9, level 0.8 → k = 8 → 8
    const e = [-3, 1, 9, -2, 5, -8, 4, 7, -6];
    expect(conformalQuantile(e, 0.8)).toBe(8);
    // level 0.5 → k = ⌈5⌉ = 5 → 5
    expect(conformalQuantile(e, 0.5)).toBe(5);
    // level 0.95 → k = ⌈9.5⌉ = 10 > 9 → ∞
    expect(conformalQuantile(e, 0.95)).toBe(Number.POSITIVE_INFINITY);
    // NaN left out: n = 3, level 0.5 → k = 2 → 2
    expect(conformalQuantile([NaN, -1, 2, NaN, 3], 0.5)).toBe(2);
  });

  it('minimumResiduals(level) is the smallest n with a finite quantile', () => {
    expect(minimumResiduals(0.8)).toBe(4); // ⌈5 · 0.8⌉ = 4 ≤ 4; n = 3: ⌈3.2⌉ = 4 > 3
    expect(minimumResiduals(0.95)).toBe(19);
    expect(minimumResiduals(0.9)).toBe(9);
  });

  it('conformalHalfWidths() takes each horizon (column) on its own', () => {
    // rows: origins; columns: h = 1, 2
    const r = [1, -10, 2, 20, -3, 30, 4, -40];
    expect(conformalHalfWidths(r, 2, 0.5)).toEqual([3, 30]); // n = 4, k = ⌈2.5⌉ = 3
  });

  it('checkLevels() refuses a level outside (0, 1) and repeats', () => {
    expect(checkLevels([0.95, 0.8])).toEqual([0.8, 0.95]);
    expect(() => checkLevels([80])).toThrow(/in \(0, 1\), e\.g\. 0\.8 for 80 % \(got 80\)/);
    expect(() => checkLevels([0.8, 0.8])).toThrow(/repeat/);
  });
});

describe('the interval score (Gneiting & Raftery 2007, by hand)', () => {
  it('intervalScore(l, u, y, level) is the width plus 2/α times the miss', () => {
    // level 0.8: α = 0.2, 2/α = 10
    expect(intervalScore(1, 3, 2, 0.8)).toBeCloseTo(2, 12); // inside: width only
    expect(intervalScore(1, 3, 0.5, 0.8)).toBeCloseTo(2 + 10 * 0.5, 12);
    expect(intervalScore(1, 3, 4, 0.8)).toBeCloseTo(2 + 10 * 1, 12);
    // level 0.95: 2/α = 40
    expect(intervalScore(-1, 1, 1.25, 0.95)).toBeCloseTo(2 + 40 * 0.25, 12);
  });

  it('intervalQuality() counts the ends as inside and averages the scores', () => {
    const q = intervalQuality([0, 0, 0, 0], [1, 1, 1, 1], [0, 1, 2, 0.5], 0.8);
    expect(q.points).toBe(4);
    expect(q.coverage).toBe(0.75);
    expect(q.intervalScore).toBeCloseTo((1 + 1 + (1 + 10) + 1) / 4, 12);
    expect(q.meanWidth).toBe(1);
  });

  it('bands() on the log scale multiply by e^(±q̂)', () => {
    const [b] = bands([100, 200], 1, [0.8], [[Math.log(2)]], 'log');
    expect(Array.from(b.lower)).toEqual([50, 100]);
    expect(b.upper[0]).toBeCloseTo(200, 10);
    expect(b.upper[1]).toBeCloseTo(400, 10);
    expect(Array.from(scaledResiduals([4], [2], 'log'))).toEqual([Math.log(2)]);
  });
});

describe('conformal coverage on AR(1) series with Gaussian noise (known truth)', () => {
  // y_t = φ y_{t−1} + σ ε_t; the one-step forecast φ y_{t−1} errs by σ ε_t, so the true 80 % and 95 %
  // half-widths are 1.2816 σ and 1.9600 σ
  const phi = 0.7;
  const sigma = 2;
  const run = (calibration: number, level: number) => {
    let covered = 0;
    let total = 0;
    let widths = 0;
    const series = 400;
    for (let s = 0; s < series; s++) {
      const u = rng(1000 + s);
      let y = 0;
      const step = (): { forecast: number; actual: number } => {
        const forecast = phi * y;
        y = forecast + sigma * gauss(u);
        return { forecast, actual: y };
      };
      for (let i = 0; i < 50; i++) step(); // burn in
      const res: number[] = [];
      for (let i = 0; i < calibration; i++) {
        const p = step();
        res.push(p.actual - p.forecast);
      }
      const q = conformalQuantile(res, level);
      widths += q;
      for (let i = 0; i < 20; i++) {
        const p = step();
        total += 1;
        if (Math.abs(p.actual - p.forecast) <= q) covered += 1;
      }
    }
    return { coverage: covered / total, halfWidth: widths / series };
  };

  it('80 % intervals from 50 residuals cover 80 ± 2 % over 400 series, half-width ≈ 1.28 σ', () => {
    const r = run(50, 0.8);
    expect(Math.abs(r.coverage - 0.8)).toBeLessThan(0.02);
    expect(r.halfWidth / sigma).toBeGreaterThan(1.2);
    expect(r.halfWidth / sigma).toBeLessThan(1.42);
  });

  it('95 % intervals from 50 residuals cover 95 ± 2 % over 400 series, half-width ≈ 1.96 σ', () => {
    const r = run(50, 0.95);
    expect(Math.abs(r.coverage - 0.95)).toBeLessThan(0.02);
    expect(r.halfWidth / sigma).toBeGreaterThan(1.85);
    expect(r.halfWidth / sigma).toBeLessThan(2.3);
  });
});
