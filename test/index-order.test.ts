// Rows are placed in time by their index values, never by comparing labels as text (issue 15).
import { describe, expect, it } from 'vitest';
import { Forecaster, Series, splitIndexAtLabel } from '../src/index.js';

const wave = (start: number, n: number): Series =>
  Series.fromColumns({
    index: Array.from({ length: n }, (_, i) => start + i),
    columns: { y: Array.from({ length: n }, (_, i) => 10 + Math.sin(i / 5) + i / 100) },
  });
const quick = {
  window: 12,
  transform: 'none',
  model: { kind: 'simpleRNN', units: 4 },
  training: { epochs: 1, seed: 1 },
} as const;

describe('integer indices', () => {
  it('a series indexed 50..1049 is split at row 800 and scored on its last 200 rows only', async () => {
    const s = wave(50, 1000);
    const f = await Forecaster.fit(s, quick);
    expect(f.fitInfo?.testFrom).toBe('850');
    const e = f.evaluate(s);
    expect(e.labels).toHaveLength(200);
    expect(e.labels[0]).toBe('850');
    expect(e.labels.at(-1)).toBe('1049');
  });

  it('an index 0..199 and Unix epoch seconds train and score', async () => {
    for (const start of [0, 1_700_000_000]) {
      const s = wave(start, 200);
      const e = (await Forecaster.fit(s, quick)).evaluate(s);
      expect(e.labels).toHaveLength(40);
      expect(e.labels[0]).toBe(String(start + 160));
      expect(e.forecast.every(Number.isFinite)).toBe(true);
    }
  });

  it('a split date on an integer index is a number, compared as one', async () => {
    const s = wave(50, 1000);
    const f = await Forecaster.fit(s, { ...quick, splitDate: '900' });
    expect(f.fitInfo?.testFrom).toBe('900');
    expect(f.evaluate(s).labels).toHaveLength(150);
    expect(s.rowsBefore('900')).toBe(850);
    expect(s.rowsThrough(899)).toBe(850);
    expect(() => s.rowsBefore('x9', 'split')).toThrow(
      /split: value must be an integer for this integer index/,
    );
  });

  it('splitIndexAtLabel compares integer labels as numbers and dates by time', () => {
    expect(splitIndexAtLabel(['50', '86', '850', '851'], '850')).toBe(2);
    expect(splitIndexAtLabel(['9', '10', '11'], '10')).toBe(1);
    expect(splitIndexAtLabel(['2020-01-01', '2020-02-01T00:00:00Z', '2020-03-01'], '2020-02-01')).toBe(1);
  });
});

describe('non-finite forecasts are refused, never printed', () => {
  it('a model whose output overflows gets one clear error from forecast() and evaluate()', async () => {
    const s = wave(0, 200);
    const f = await Forecaster.fit(s, { ...quick, transform: 'logDiff' });
    const weights = f.model.getWeights();
    const withBias = (v: number): typeof weights =>
      weights.map((w, i) =>
        i < weights.length - 1 ? w : { ...w, data: new Float32Array(w.data.length).fill(v) },
      );
    f.model.setWeights(withBias(1e30));
    expect(() => f.forecast(s, 3)).toThrow(
      /^forecast\(\): the model forecasts Infinity for 200 \(one of 3\); its weights produce non-finite values/,
    );
    expect(() => f.evaluate(s)).toThrow(/^evaluate\(\): the model forecasts Infinity for 160 \(one of 40\)/);
  });
});

describe('what cannot be scored is said, the rest is scored', () => {
  it('a constant series is trained and scored; MASE is n/a with a warning, the verdict names the exact baseline', async () => {
    const s = Series.fromColumns({
      index: Array.from({ length: 80 }, (_, i) => i),
      columns: { y: Array(80).fill(5) },
    });
    const f = await Forecaster.fit(s, { ...quick, transform: 'none' });
    const e = f.evaluate(s);
    expect(e.metrics.model.mase).toBeNull();
    expect(e.metrics.baselines.naive.rmse).toBe(0);
    expect(e.warnings.map((w) => w.kind)).toContain('unscored');
    expect(e.comparison.summary).toMatch(
      /naive(, which is exact on this test part \(RMSE 0\)| on RMSE \(both exact\))/,
    );
    expect(e.comparison.skillVersusNaive).toBeNull();
  });
});
