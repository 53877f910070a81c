import { describe, expect, it } from 'vitest';
import { backtest } from '../src/forecast/backtest.js';
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

  it('refuses a level outside (0, 1)', async () => {
    await expect(backtest(monthly(base), config, { ...options, intervals: [95] })).rejects.toThrow(
      /a level must be a number in \(0, 1\)/,
    );
  });
});
