import { describe, expect, it } from 'vitest';
import { backtest } from '../src/forecast/backtest.js';
import { ACI_STEP, ObservedResiduals } from '../src/forecast/backtest-intervals.js';
import { conformalQuantile } from '../src/forecast/intervals.js';
import { Series } from '../src/series/series.js';

function monthly(values: readonly number[]): Series {
  const dates = values.map(
    (_, t) => `${2000 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01`,
  );
  return Series.fromColumns({ index: dates, columns: { y: values } });
}
const base = Array.from(
  { length: 110 },
  (_, t) => 50 + 10 * Math.sin((2 * Math.PI * t) / 12) + ((t * 37) % 11) / 3,
);
const config = {
  window: 6,
  transform: 'none' as const,
  training: { epochs: 2, seed: 3 },
  model: { units: 4 },
};
const options = { horizon: 2, initialTrain: 96, intervals: [0.8, 0.95], maxFolds: 3 };

describe('backtest(…, { intervals }) calibrates conformal intervals at each refit', () => {
  it('gives every fold its bands, and pools coverage and the interval score as counted by hand', async () => {
    const r = await backtest(monthly(base), config, options);
    expect(r.intervals!.levels).toEqual([0.8, 0.95]);
    let inside = 0;
    let points = 0;
    for (const f of r.folds) {
      expect(f.bands).toHaveLength(2);
      for (let i = 0; i < f.actual.length; i++) {
        points += 1;
        if (f.actual[i] >= f.bands![0].lower[i] && f.actual[i] <= f.bands![0].upper[i]) inside += 1;
        expect(f.bands![1].upper[i] - f.bands![1].lower[i]).toBeGreaterThanOrEqual(
          f.bands![0].upper[i] - f.bands![0].lower[i],
        );
      }
    }
    expect(r.intervals!.overall[0].points).toBe(points);
    expect(r.intervals!.overall[0].coverage).toBeCloseTo(inside / points, 12);
    expect(r.intervals!.byHorizon[0]).toHaveLength(2);
  });

  it('a fold’s bands read nothing after its cutoff', async () => {
    const a = await backtest(monthly(base), config, options);
    // rewrite every row after the first cutoff: the first fold's calibration must not change
    const changed = base.map((v, t) => (t >= 96 ? v * 5 : v));
    const b = await backtest(monthly(changed), config, options);
    const width = (r: typeof a) =>
      Array.from(r.folds[0].bands![0].upper, (u, i) => u - r.folds[0].bands![0].lower[i]);
    expect(width(b)).toEqual(width(a));
  });

  it('every fold reads nothing after its cutoff, the earlier folds’ residuals included', async () => {
    const long = { ...options, maxFolds: 6, refitEvery: 3 };
    const a = await backtest(monthly(base), config, long);
    for (const k of [1, 4]) {
      const cutoff = a.folds[k].test.start;
      const changed = base.map((v, t) => (t >= cutoff ? v * 5 + 7 : v));
      const b = await backtest(monthly(changed), config, long);
      expect(b.folds[k].bands![1].lower).toEqual(a.folds[k].bands![1].lower);
      expect(b.folds[k].bands![1].upper).toEqual(a.folds[k].bands![1].upper);
    }
  });

  // 19 calibration residuals for 2 horizons (row-major), absolute scale
  const scores = Float64Array.from({ length: 38 }, (_, i) => (i % 2 === 0 ? 1 + i / 100 : 2 + i / 100));
  const calibration = (halfWidths: number[][] = [[], []]) => ({
    levels: [0.8, 0.95],
    halfWidths,
    scale: 'absolute' as const,
    residuals: 19,
    scores,
  });
  const col = (h: number, extra: number[]) => [
    ...Array.from({ length: 19 }, (_, i) => scores[2 * i + h]),
    ...extra,
  ];

  it('ObservedResiduals joins a residual to its horizon’s calibration once its row is before the cutoff', () => {
    const c = calibration();
    const o = new ObservedResiduals();
    // rows 100 (h = 1, residual 10) and 101 (h = 2, −20), issued with bands wide enough to hold both
    o.add(
      100,
      [10, 10],
      [0, 30],
      calibration([
        [50, 50],
        [60, 60],
      ]),
    );
    // cutoff 100: neither is known yet, and no level has moved
    expect(o.update(c, 100).halfWidths[1]).toEqual([
      conformalQuantile(col(0, []), 0.95),
      conformalQuantile(col(1, []), 0.95),
    ]);
    // cutoff 101: row 100 is known (inside its bands: each level at h = 1 drops by γ·α), row 101 is not
    const u = o.update(c, 101);
    expect(u.halfWidths[0]).toEqual([
      conformalQuantile(col(0, [10]), 0.8 - ACI_STEP * 0.2),
      conformalQuantile(col(1, []), 0.8),
    ]);
    expect(u.halfWidths[1][0]).toBe(conformalQuantile(col(0, [10]), 0.95 - ACI_STEP * 0.05));
    expect(u.residuals).toBe(19);
    const w = o.update(c, 102);
    expect(w.halfWidths[0][1]).toBe(conformalQuantile(col(1, [-20]), 0.8 - ACI_STEP * 0.2));
    expect(w.residuals).toBe(20);
  });

  it('a miss raises the level of the next bands (adaptive conformal inference), up to the last finite quantile', () => {
    const o = new ObservedResiduals();
    o.add(100, [10], [0], calibration([[5], [8]])); // |10| is outside both issued bands
    const u = o.update(calibration(), 101);
    // 80 %: α 0.2 → 0.2 + γ(0.2 − 1); 95 %: the level would pass 20/21, the last finite rank of 20 residuals
    expect(u.halfWidths[0][0]).toBe(conformalQuantile(col(0, [10]), 0.8 + ACI_STEP * 0.8));
    expect(u.halfWidths[1][0]).toBe(conformalQuantile(col(0, [10]), 20 / 21));
    expect(Number.isFinite(u.halfWidths[1][0])).toBe(true);
    // wider than without the miss
    expect(u.halfWidths[0][0]).toBeGreaterThan(conformalQuantile(col(0, [10]), 0.8));
  });

  it('refuses a level outside (0, 1)', async () => {
    await expect(backtest(monthly(base), config, { ...options, intervals: [95] })).rejects.toThrow(
      /a level must be a number in \(0, 1\)/,
    );
  });
});
