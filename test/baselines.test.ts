import { describe, expect, it } from 'vitest';
import {
  defaultBaselines,
  drift,
  mean,
  movingAverage,
  naive,
  seasonalNaive,
} from '../src/baselines/index.js';
import { expectSeqcastError as thrown } from './helpers/errors.js';
import { needs } from './helpers/shared-data.js';
import { mae, rmse, verdict } from '../src/metrics/index.js';

//          y_0 y_1 y_2 y_3 y_4 y_5
const Y = [1, 3, 2, 6, 4, 8];
const TRAIN = Y.slice(0, 4);

describe('baselines on a hand example, rows = origins, columns = steps h', () => {
  it('naive().predict(series, origins, horizon) repeats y_{t−1} for every step', () => {
    expect(Array.from(naive().fit(TRAIN).predict(Y, [2, 6], 3))).toEqual([3, 3, 3, 8, 8, 8]);
  });

  it('seasonalNaive(m).predict(series, origins, horizon) repeats the last season: y_{t−m+((h−1) mod m)}', () => {
    const p = seasonalNaive(2).fit(TRAIN).predict(Y, [2, 4, 6], 3);
    // t=2: y_0, y_1, y_0;  t=4: y_2, y_3, y_2;  t=6: y_4, y_5, y_4
    expect(Array.from(p)).toEqual([1, 3, 1, 2, 6, 2, 4, 8, 4]);
    expect(Array.from(seasonalNaive(3).predict(Y, [6], 4))).toEqual([6, 4, 8, 6]);
  });

  it('drift().predict(series, origins, horizon) extends the line from y_0 through y_{t−1}: y_{t−1} + h·(y_{t−1} − y_0)/(t − 1)', () => {
    const p = drift().fit(TRAIN).predict(Y, [2, 6], 2);
    // t=2: 3 + h·2;  t=6: 8 + h·7/5
    expect(p[0]).toBe(5);
    expect(p[1]).toBe(7);
    expect(p[2]).toBeCloseTo(9.4, 14);
    expect(p[3]).toBeCloseTo(10.8, 14);
  });

  it('mean().fit(train).predict(series, origins, horizon) forecasts the training mean, not the mean up to t', () => {
    const p = mean().fit(TRAIN).predict(Y, [4, 6], 2);
    expect(Array.from(p)).toEqual([3, 3, 3, 3]);
  });

  it('movingAverage(k).predict(series, origins, horizon) gives the mean of y_{t−k} .. y_{t−1} for every step', () => {
    const p = movingAverage(3).fit(TRAIN).predict(Y, [3, 6], 2);
    expect(Array.from(p)).toEqual([2, 2, 6, 6]);
  });

  it('seasonalNaive(1) and movingAverage(1) give the naive forecasts', () => {
    const origins = [1, 2, 3, 4, 5, 6];
    const expected = Array.from(naive().predict(Y, origins, 3));
    expect(Array.from(seasonalNaive(1).predict(Y, origins, 3))).toEqual(expected);
    expect(Array.from(movingAverage(1).predict(Y, origins, 3))).toEqual(expected);
  });

  it('predict(series, origins, horizon) forecasts past the end from the origin t = series.length', () => {
    expect(Array.from(naive().predict(Y, [6], 2))).toEqual([8, 8]);
    expect(naive().predict(Y, [], 2).length).toBe(0);
  });

  it('baselines read only the history before each origin', () => {
    const changedFuture = [1, 3, 2, 6, 400, 800];
    for (const b of [naive(), seasonalNaive(2), drift(), movingAverage(2)]) {
      expect(Array.from(b.predict(changedFuture, [2, 3, 4], 3))).toEqual(
        Array.from(b.predict(Y, [2, 3, 4], 3)),
      );
    }
  });

  it('the factories name their baselines as a report prints them', () => {
    expect([naive(), seasonalNaive(12), drift(), mean(), movingAverage(3)].map((b) => b.name)).toEqual([
      'naive',
      'seasonalNaive(12)',
      'drift',
      'mean',
      'movingAverage(3)',
    ]);
  });

  it('defaultBaselines(m) gives naive, seasonalNaive(m) when m ≥ 2, drift and mean', () => {
    expect(defaultBaselines().map((b) => b.name)).toEqual(['naive', 'drift', 'mean']);
    expect(defaultBaselines(1).map((b) => b.name)).toEqual(['naive', 'drift', 'mean']);
    expect(defaultBaselines(12).map((b) => b.name)).toEqual(['naive', 'seasonalNaive(12)', 'drift', 'mean']);
  });
});

describe('baselines check their arguments, naming the argument, the value and the fix', () => {
  it('seasonalNaive(m), movingAverage(k) and defaultBaselines(m) need integers ≥ 1', () => {
    thrown(
      () => seasonalNaive(0),
      'config',
      /seasonalNaive\(\): m must be an integer ≥ 1, the season length .*\(got 0\)/,
    );
    thrown(() => seasonalNaive(1.5), 'config', /\(got 1\.5\)/);
    thrown(() => movingAverage(0), 'config', /movingAverage\(\): k must be an integer ≥ 1.*\(got 0\)/);
    thrown(
      () => defaultBaselines(-1),
      'config',
      /defaultBaselines\(\): m must be an integer ≥ 1.*\(got -1\)/,
    );
  });

  it('predict(series, origins, horizon) rejects origins outside 1..series.length and a horizon below 1', () => {
    thrown(
      () => naive().predict(Y, [3, 0], 1),
      'config',
      /naive\.predict\(\): origins\[1\] must be an integer in 1\.\.6 \(the series length\) \(got 0\)/,
    );
    thrown(
      () => naive().predict(Y, [7], 1),
      'config',
      /origins\[0\] must be an integer in 1\.\.6 .*\(got 7\)/,
    );
    thrown(() => naive().predict(Y, [2.5], 1), 'config', /\(got 2\.5\)/);
    thrown(
      () => naive().predict(Y, [3], 0),
      'config',
      /naive\.predict\(\): horizon must be an integer ≥ 1, the number of steps .*\(got 0\)/,
    );
  });

  it('predict(series, origins, horizon) names an origin with too little history for the baseline', () => {
    thrown(
      () => seasonalNaive(4).predict(Y, [5, 3], 1),
      'config',
      /seasonalNaive\(4\)\.predict\(\): origins\[1\] = 3 leaves 3 past values, but seasonalNaive\(4\) needs t ≥ 4 .*start the origins at 4 or later/,
    );
    thrown(
      () => drift().predict(Y, [1], 1),
      'config',
      /drift\.predict\(\): origins\[0\] = 1 leaves 1 past value, but drift needs t ≥ 2/,
    );
    thrown(() => movingAverage(3).predict(Y, [2], 1), 'config', /movingAverage\(3\) needs t ≥ 3/);
  });

  it('mean().predict(series, origins, horizon) before fit(train) says to call fit first', () => {
    thrown(() => mean().predict(Y, [3], 1), 'state', /mean\.predict\(\): call fit\(train\) first/);
  });

  it('fit(train) and predict(series, …) reject empty or non-finite values, naming the index', () => {
    thrown(() => naive().fit([]), 'shape', /naive\.fit\(\): train is empty/);
    thrown(() => mean().fit([1, -Infinity]), 'non-finite', /mean\.fit\(\): train\[1\] is -Infinity/);
    thrown(() => mean().fit([NaN, NaN]), 'non-finite', /mean\.fit\(\): every value of train is missing/);
    thrown(
      () => drift().predict([1, 2, Infinity, 4], [4], 1),
      'non-finite',
      /drift\.predict\(\): series\[2\] is Infinity/,
    );
  });
});

const SP500 = 'data/sp500_monthly.csv';
const CASE = 'conformance/workflow_sp500_917pt_w12.json';
const shared = needs(SP500, CASE);

describe.skipIf(!shared.available)(
  `the naive baseline on the reference tutorial series (S&P 500 monthly, 1950-01 .. 2026-05)${shared.note}`,
  () => {
    const load = () => {
      const rows = shared
        .text(SP500)
        .trim()
        .split('\n')
        .slice(1)
        .map((line) => line.split(','));
      const series = rows
        .filter(([date]) => date >= '1950-01-01' && date <= '2026-05-01')
        .map(([, price]) => Number(price));
      const reference = JSON.parse(shared.text(CASE)) as {
        expected: { splitIndex: number; naive: { predictions: number[]; rmse: number; mae: number } };
      };
      return { series, reference };
    };

    it('naive().predict(series, origins 733..916, 1) scores RMSE 126.0 and MAE 86.0, as the conformance case', () => {
      const { series, reference } = load();
      expect(series.length).toBe(917);
      const split = Math.floor(0.8 * series.length);
      expect(split).toBe(733);
      expect(split).toBe(reference.expected.splitIndex);

      const origins = Array.from({ length: series.length - split }, (_, i) => split + i);
      const forecast = naive().fit(series.slice(0, split)).predict(series, origins, 1);
      const actual = series.slice(split);
      // y_{t−1} exactly; the reference went through the min-max scaler and back, so it agrees to rounding only
      expect(Array.from(forecast)).toEqual(origins.map((t) => series[t - 1]));
      const expected = reference.expected.naive.predictions;
      const worst = Math.max(...expected.map((e, i) => Math.abs(forecast[i] - e)));
      expect(worst).toBeLessThanOrEqual(1e-12 * Math.max(...expected.map(Math.abs)));

      const r = rmse(actual, forecast);
      const m = mae(actual, forecast);
      expect(r.toFixed(1)).toBe('126.0');
      expect(m.toFixed(1)).toBe('86.0');
      expect(Math.abs(r - reference.expected.naive.rmse)).toBeLessThanOrEqual(
        1e-9 * reference.expected.naive.rmse,
      );
      expect(Math.abs(m - reference.expected.naive.mae)).toBeLessThanOrEqual(
        1e-9 * reference.expected.naive.mae,
      );

      // The tutorial's SimpleRNN scores RMSE 1007.8 on the same points.
      expect(verdict(1007.8, r)).toBe('8.0× worse than naive on RMSE');
    });
  },
);
