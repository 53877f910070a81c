import { describe, expect, it } from 'vitest';
import type { TransformName } from '../src/series/index.js';
import { Series, TRANSFORM_NAMES, getTransform, pctChange, readCsv } from '../src/series/index.js';
import { needs } from './helpers/shared-data.js';

// The S&P 500 file is not bundled: read from the shared data folder when it is there.
const shared = needs('data/sp500_monthly.csv');
const sp500 = shared.available
  ? readCsv(shared.text('data/sp500_monthly.csv'), { source: 'sp500_monthly.csv' })
  : null;
/** The level series the round trips are checked on: a made-up one, and the S&P 500 when present. */
const LEVEL_SERIES = (): Float64Array[] =>
  sp500 === null ? [Float64Array.from(LEVELS)] : [Float64Array.from(LEVELS), sp500.column('price')];

/** Largest |a − b| / max(1, |b|). */
function relativeError(a: Float64Array, b: Float64Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

// Positive levels with rises, falls, a repeat and a wide range.
const LEVELS = new Float64Array([3.5, 4, 2.25, 2.25, 10, 0.125, 7.75, 1000, 999.5, 1e-3]);

describe('getTransform(name)', () => {
  it('getTransform(name).forward gives the documented values on a hand example', () => {
    const y = new Float64Array([100, 110, 99]);
    expect(Array.from(getTransform('none').forward(y))).toEqual([100, 110, 99]);
    expect(Array.from(getTransform('log').forward(y))).toEqual([Math.log(100), Math.log(110), Math.log(99)]);
    expect(Array.from(getTransform('diff').forward(y))).toEqual([10, -11]);
    expect(Array.from(getTransform('logDiff').forward(y))).toEqual([
      Math.log(110) - Math.log(100),
      Math.log(99) - Math.log(110),
    ]);
    const pct = getTransform('pctChange').forward(y);
    expect(pct[0]).toBeCloseTo(0.1, 15);
    expect(pct[1]).toBeCloseTo(-0.1, 15);
  });

  it.each(TRANSFORM_NAMES)("'%s': lag and length of forward", (name) => {
    const t = getTransform(name);
    expect(t.name).toBe(name);
    expect(t.lag).toBe(name === 'none' || name === 'log' ? 0 : 1);
    expect(t.forward(LEVELS).length).toBe(LEVELS.length - t.lag);
  });

  it.each(TRANSFORM_NAMES)("'%s': inverseEach(forward(x), actual previous levels) = x to 1e-12", (name) => {
    const t = getTransform(name);
    for (const levels of LEVEL_SERIES()) {
      const z = t.forward(levels);
      const previous = levels.subarray(0, levels.length - t.lag);
      expect(relativeError(t.inverseEach(z, previous), levels.subarray(t.lag))).toBeLessThanOrEqual(1e-12);
    }
  });

  it.each(TRANSFORM_NAMES)("'%s': inversePath(forward(x), first level) = x to 1e-12", (name) => {
    const t = getTransform(name);
    for (const levels of LEVEL_SERIES()) {
      const z = t.forward(levels);
      expect(relativeError(t.inversePath(z, levels[0]), levels.subarray(t.lag))).toBeLessThanOrEqual(1e-12);
    }
  });

  it('inversePath is cumulative and inverseEach is not: they differ once a forecast step is wrong', () => {
    const diff = getTransform('diff');
    const z = new Float64Array([1, 1, 1]);
    expect(Array.from(diff.inversePath(z, 10))).toEqual([11, 12, 13]);
    expect(Array.from(diff.inverseEach(z, new Float64Array([10, 20, 30])))).toEqual([11, 21, 31]);
    const pct = getTransform('pctChange');
    expect(Array.from(pct.inversePath(new Float64Array([0.5, -0.5]), 100))).toEqual([150, 75]);
    const logDiff = getTransform('logDiff');
    const path = logDiff.inversePath(new Float64Array([Math.log(2), Math.log(3)]), 5);
    expect(path[0]).toBeCloseTo(10, 12);
    expect(path[1]).toBeCloseTo(30, 12);
  });

  it.each(['log', 'logDiff', 'pctChange'] as TransformName[])(
    "'%s' needs positive levels and names the first offending row and value",
    (name) => {
      expect(() => getTransform(name).forward(new Float64Array([3, 2, 0, -1]))).toThrow(
        new RegExp(
          `^'${name}' transform: needs positive levels, but row 2 is 0; use 'diff' for a series that reaches zero or below$`,
        ),
      );
    },
  );

  it('transforms reject missing values, short input, mismatched lengths and unknown names', () => {
    expect(() => getTransform('diff').forward(new Float64Array([1, NaN, 3]))).toThrow(
      /^'diff' transform: row 1 is NaN; fill missing values first \(series\.fillMissing/,
    );
    expect(() => getTransform('diff').forward(new Float64Array([1]))).toThrow(
      /needs at least 2 levels \(got 1\)/,
    );
    expect(() => getTransform('none').forward(new Float64Array([]))).toThrow(
      /needs at least 1 level \(got 0\)/,
    );
    expect(() => getTransform('diff').forward([1, 2] as never)).toThrow(/levels must be a Float64Array/);
    expect(() => getTransform('diff').inverseEach(new Float64Array(2), new Float64Array(3))).toThrow(
      /inverseEach\(\) needs one previous level per value of z \(z has 2, previousLevels 3\)/,
    );
    expect(() => getTransform('log').inverseEach(new Float64Array([Infinity]), new Float64Array(0))).toThrow(
      /'log' transform: inverseEach\(\): z\[0\] is Infinity/,
    );
    expect(() => getTransform('diff').inversePath(new Float64Array(1), NaN)).toThrow(
      /needs a finite lastLevel \(got NaN\)/,
    );
    expect(() => getTransform('boxCox' as never)).toThrow(
      /^getTransform\(\): unknown transform "boxCox"; use one of 'none', 'log', 'diff', 'logDiff', 'pctChange'$/,
    );
  });
});

describe('pctChange(series, column)', () => {
  it('pctChange(series, column) starts at the second row and keeps the column name and frequency', () => {
    const s = Series.fromColumns({
      index: ['2020-01-01', '2020-02-01', '2020-03-01'],
      columns: { p: [100, 125, 100] },
    });
    const c = pctChange(s, 'p');
    expect(c.labels()).toEqual(['2020-02-01', '2020-03-01']);
    expect(c.names).toEqual(['p']);
    expect(c.column('p')[0]).toBe(0.25);
    expect(c.column('p')[1]).toBeCloseTo(-0.2, 15);
    expect(c.frequency).toEqual({ unit: 'month', step: 1 });
  });

  it.skipIf(sp500 === null)(
    `pctChange(sp500, price) has a small positive mean (long-run drift)${shared.note}`,
    () => {
      const z = pctChange(sp500!, 'price').column('price');
      const mean = z.reduce((a, b) => a + b, 0) / z.length;
      expect(z.length).toBe(1865);
      expect(mean).toBeCloseTo(0.0048067637, 9);
    },
  );

  it('pctChange names the date of a missing or non-positive value', () => {
    const s = Series.fromColumns({
      index: ['2020-01-01', '2020-02-01'],
      columns: { p: [1, null], q: [1, -2] },
    });
    expect(() => pctChange(s, 'p')).toThrow(
      /^pctChange\(\): column 'p': the value at 2020-02-01 is NaN; fill missing values first/,
    );
    expect(() => pctChange(s, 'q')).toThrow(
      /column 'q': needs positive levels, but the value at 2020-02-01 is -2; use 'diff'/,
    );
    expect(() => pctChange(s, 'r')).toThrow(/no column "r"; available: p, q/);
  });
});
