import { describe, expect, it, vi } from 'vitest';
import type { ForecastConfig } from '../src/index.js';
import { backtest, Forecaster, Series } from '../src/index.js';
import { calendarValues, futureValues } from '../src/forecast/covariates.js';
import { prepare } from '../src/forecast/prepare.js';
import { seriesFromParts } from '../src/series/series.js';

const DAY = 86_400_000;
const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const days = (from: string, n: number): string[] =>
  Array.from({ length: n }, (_, i) => iso(Date.parse(from) + i * DAY));

/** A daily series: y and a known-future indicator k alternating 0, 1 (mean 0.5, sd 0.5: scaled ∓1). */
function daily(n = 20, from = '2024-01-01'): Series {
  const y = Array.from({ length: n }, (_, t) => 10 + t + 3 * (t % 2));
  const k = Array.from({ length: n }, (_, t) => t % 2);
  return Series.fromColumns({ index: days(from, n), columns: { y, k } });
}

const tiny: ForecastConfig = {
  window: 3,
  transform: 'none',
  scaler: 'none',
  trainFraction: 0.8,
  model: { units: 3 },
  training: { epochs: 1, seed: 5 },
};

describe('calendar encodings', () => {
  it('calendarValues(dates, features) encodes each feature as (sin 2πp/P, cos 2πp/P)', () => {
    // 2024-01-01 is a Monday (p = 0), 2024-01-07 a Sunday (p = 6); 2024-12-31 is day 365 of the leap year 2024
    const index = ['2024-01-01', '2024-01-07', '2024-12-31'].map((d) => Date.parse(d));
    const v = calendarValues(index, ['dayOfWeek', 'month', 'quarter', 'dayOfYear', 'dayOfMonth']);
    const at = (row: number, j: number): [number, number] => [v[row * 10 + 2 * j], v[row * 10 + 2 * j + 1]];
    const angle = (p: number, P: number): [number, number] => [
      Math.sin((2 * Math.PI * p) / P),
      Math.cos((2 * Math.PI * p) / P),
    ];
    expect(at(0, 0)).toEqual([0, 1]);
    expect(at(1, 0)).toEqual(angle(6, 7));
    expect(at(2, 0)).toEqual(angle(1, 7)); // a Tuesday
    expect(at(2, 1)).toEqual(angle(11, 12)); // December: next to January (p = 0) on the circle
    expect(at(2, 1)[0]).toBeCloseTo(-0.5, 12);
    expect(at(2, 2)).toEqual(angle(3, 4));
    expect(at(2, 3)).toEqual(angle(365, 366));
    expect(at(2, 4)).toEqual(angle(30, 31));
    expect(at(0, 4)).toEqual([0, 1]);
  });

  it('a calendar feature that makes no sense for the frequency is refused in one line', async () => {
    const monthly = Series.fromColumns({
      index: Array.from(
        { length: 30 },
        (_, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`,
      ),
      columns: { v: Array.from({ length: 30 }, (_, i) => 1 + i) },
    });
    await expect(Forecaster.fit(monthly, { ...tiny, calendar: ['dayOfWeek'] })).rejects.toThrow(
      /^forecaster: calendar feature 'dayOfWeek' makes no sense for monthly data .*; for monthly data use 'month', 'quarter'$/,
    );
    const steps = Series.fromColumns({
      index: [1, 2, 3, 4, 5, 6, 7, 8],
      columns: { v: [1, 2, 3, 4, 5, 6, 7, 8] },
    });
    await expect(Forecaster.fit(steps, { ...tiny, calendar: ['month'] })).rejects.toThrow(
      /calendar features \(month\) need dates, but this series has an integer index/,
    );
    await expect(Forecaster.fit(daily(), { ...tiny, calendar: ['weekday' as never] })).rejects.toThrow(
      /'weekday' is not a calendar feature; the calendar features are 'dayOfWeek', /,
    );
    const weekly = Series.fromColumns({
      index: Array.from({ length: 30 }, (_, i) =>
        new Date(Date.parse('2024-01-01') + 7 * i * DAY).toISOString().slice(0, 10),
      ),
      columns: { v: Array.from({ length: 30 }, (_, i) => 1 + i) },
    });
    await expect(Forecaster.fit(weekly, { ...tiny, calendar: ['dayOfWeek'] })).rejects.toThrow(
      /calendar feature 'dayOfWeek' makes no sense for weekly data/,
    );
    const fortnightly = Series.fromColumns({
      index: Array.from({ length: 30 }, (_, i) =>
        new Date(Date.parse('2024-01-01') + 14 * i * DAY).toISOString().slice(0, 10),
      ),
      columns: { v: Array.from({ length: 30 }, (_, i) => 1 + i) },
    });
    expect(fortnightly.frequency).toEqual({ unit: 'week', step: 2 });
    await expect(
      Forecaster.fit(fortnightly, { ...tiny, calendar: ['dayOfYear', 'month'] }),
    ).resolves.toBeDefined();
    const yearly = Series.fromColumns({
      index: Array.from({ length: 30 }, (_, i) => `${1990 + i}-03-01`),
      columns: { v: Array.from({ length: 30 }, (_, i) => 1 + i) },
    });
    await expect(Forecaster.fit(yearly, { ...tiny, calendar: ['month'] })).rejects.toThrow(
      /calendar feature 'month' makes no sense for yearly data .*; yearly data has no calendar feature; drop calendar$/,
    );
    // a step that is a whole cycle leaves a feature constant: refused too
    const index = Float64Array.from({ length: 30 }, (_, i) => Date.parse('2024-01-01') + 7 * i * DAY);
    const sevenDays = seriesFromParts({
      kind: 'date',
      index,
      names: ['v'],
      columns: [Float64Array.from(index, (_, i) => 1 + i)],
      frequency: { unit: 'day', step: 7 },
    });
    await expect(Forecaster.fit(sevenDays, { ...tiny, calendar: ['dayOfWeek'] })).rejects.toThrow(
      /^forecaster: calendar feature 'dayOfWeek' is the same on every row of this every 7 days series, so it carries nothing; drop it from calendar$/,
    );
    await expect(Forecaster.fit(daily(), { ...tiny, knownFuture: ['y'] })).rejects.toThrow(
      /'y' is named twice; a column is a target, a \(past-only\) feature or a known-future column, once/,
    );
  });
});

describe('known-future covariates: alignment by hand', () => {
  it('prepare(): input row t is [y_t | k(t+1) … k(t+H)], k standardised on the training rows', () => {
    const s = daily(20);
    const p = prepare(s, { ...tiny, horizon: 2, knownFuture: ['k'] });
    // 16 training rows of k = 0, 1, 0, 1, …: mean 0.5, sd 0.5, so k scales to −1 / +1
    expect(p.knownScale).toEqual({ mean: [0.5], std: [0.5] });
    const I = 1 + 2;
    const y = s.column('y');
    const k = s.column('k');
    for (let t = 0; t < 20; t++) {
      expect(p.inputs[t * I]).toBe(y[t]);
      for (let h = 1; h <= 2; h++) {
        const want = t + h < 20 ? 2 * k[t + h] - 1 : Number.NaN; // no covariate row after the data
        expect(p.inputs[t * I + h]).toBe(want);
      }
    }
    // training window i: rows i … i + 2, targets y at i + 3, i + 4; its last row carries k at exactly those
    const w = p.train;
    expect(w.x.shape).toEqual([16 - 3 - 2 + 1, 3, I]);
    for (let i = 0; i < w.x.shape[0]; i++) {
      const last = (i * 3 + 2) * I;
      expect(w.x.data[last + 1]).toBe(2 * k[i + 3] - 1);
      expect(w.x.data[last + 2]).toBe(2 * k[i + 4] - 1);
      expect(w.y.data[i * 2]).toBe(y[i + 3]);
      // no window reads a covariate of a date after its own last target (nor of the test part)
      expect(i + 4).toBeLessThan(16);
    }
  });

  it('with logDiff the input row of level row t (change row t − 1) still carries k(t + 1) … k(t + H)', () => {
    const s = daily(20);
    const p = prepare(s, { ...tiny, transform: 'logDiff', horizon: 1, knownFuture: ['k'] });
    const k = s.column('k');
    // change row r belongs to level row r + 1: its covariate is k(r + 2)
    for (let r = 0; r < 18; r++) expect(p.inputs[r * 2 + 1]).toBe(2 * k[r + 2] - 1);
    expect(p.inputs[18 * 2 + 1]).toBeNaN();
  });

  it('forecast(): the window read for date d carries the supplied value of d at the step that forecasts d', async () => {
    const s = daily(20);
    const f = await Forecaster.fit(s, { ...tiny, horizon: 2, knownFuture: ['k'], calendar: ['dayOfWeek'] });
    const future = Series.fromColumns({
      index: days('2024-01-21', 4),
      columns: { k: [7, 9, 11, 13] }, // scaled: (v − 0.5) / 0.5 = 13, 17, 21, 25
    });
    const seen: Float32Array[] = [];
    const predict = f.model.predict.bind(f.model);
    const spy = vi.spyOn(f.model, 'predict').mockImplementation((x) => {
      seen.push(Float32Array.from((x as { data: Float32Array }).data));
      return predict(x);
    });
    // 3 steps with horizon 2: two calls, which read the covariates of the 4 dates 2024-01-21 .. 01-24
    const r = f.forecast(s, 3, { future });
    spy.mockRestore();
    expect(r.method).toBe('recursive');
    expect(r.trainedHorizon).toBe(2);
    expect(r.labels).toEqual(['2024-01-21', '2024-01-22', '2024-01-23']);
    expect(seen).toHaveLength(2);
    const I = 1 + 2 * 3; // y | (sin, cos, k) of t + 1 | of t + 2
    const dow = (d: string): [number, number] => {
      const p = (new Date(d).getUTCDay() + 6) % 7;
      return [Math.fround(Math.sin((2 * Math.PI * p) / 7)), Math.fround(Math.cos((2 * Math.PI * p) / 7))];
    };
    const lastRow = (x: Float32Array): number[] => Array.from(x.subarray(2 * I, 3 * I));
    // call 1: the window ends at 2024-01-20; its last row carries 01-21 and 01-22
    expect(lastRow(seen[0]).slice(1)).toEqual([...dow('2024-01-21'), 13, ...dow('2024-01-22'), 17]);
    // call 2: two forecasts fed back; the window ends at 01-22 (a forecast) and carries 01-23 and 01-24
    expect(lastRow(seen[1]).slice(1)).toEqual([...dow('2024-01-23'), 21, ...dow('2024-01-24'), 25]);
    // and the fed-back rows: 01-21's row carries 01-22, 01-23
    expect(Array.from(seen[1].subarray(I + 1, 2 * I))).toEqual([
      ...dow('2024-01-22'),
      17,
      ...dow('2024-01-23'),
      21,
    ]);
  });

  it('forecast() with horizon 1: the value of date d changes the forecast of d, never one before it', async () => {
    const s = daily(20);
    const f = await Forecaster.fit(s, { ...tiny, horizon: 1, knownFuture: ['k'] });
    const fut = (v3: number): Series =>
      Series.fromColumns({ index: days('2024-01-21', 4), columns: { k: [1, 0, v3, 0] } });
    const a = f.forecast(s, 4, { future: fut(1) });
    const b = f.forecast(s, 4, { future: fut(-5) });
    expect(Array.from(b.values.subarray(0, 2))).toEqual(Array.from(a.values.subarray(0, 2)));
    expect(b.values[2]).not.toBe(a.values[2]);
  });

  it('a saved forecaster with known-future columns keeps their scale and forecasts the same', async () => {
    const s = daily(20);
    const f = await Forecaster.fit(s, { ...tiny, knownFuture: ['k'] });
    const state = JSON.parse(JSON.stringify(f.state()));
    expect(state.knownScale).toEqual({ mean: [0.5], std: [0.5] });
    const again = Forecaster.fromState(f.model, state);
    const future = Series.fromColumns({ index: days('2024-01-21', 2), columns: { k: [1, 0] } });
    expect(again.forecast(s, 2, { future }).values).toEqual(f.forecast(s, 2, { future }).values);
    const without = { ...state };
    delete without.knownScale;
    expect(() => Forecaster.fromState(f.model, without)).toThrow(/no knownScale is saved/);
  });

  it('a forecaster without covariates saves no knownScale and reads the C columns alone', async () => {
    const s = daily(20);
    const f = await Forecaster.fit(s, tiny);
    expect('knownScale' in f.state()).toBe(false);
    expect(f.model.inputShape).toEqual([3, 1]);
    const p = prepare(s, tiny);
    expect(p.inputs).toBe(p.scaled); // the very array: nothing added
  });
});

describe('known-future covariates: coverage of the horizon', () => {
  const s = daily(20);
  const cols = ['k'];
  const file = (index: string[], k: (number | null)[]): Series =>
    Series.fromColumns({ index, columns: { k }, source: 'next.csv' });

  it('futureValues() takes the rows after the last date, skipping the history a file may repeat', () => {
    const f = file([...days('2024-01-19', 2), ...days('2024-01-21', 3)], [0, 1, 5, 6, 7]);
    const r = futureValues(s, f, cols, 3, 'why');
    expect(Array.from(r.values[0])).toEqual([5, 6, 7]);
    expect(Array.from(r.index, iso)).toEqual(days('2024-01-21', 3));
  });

  it('a missing date names the file, the date, what it found and the fix', () => {
    const f = file(['2024-01-21', '2024-01-23'], [1, 2]);
    expect(() => futureValues(s, f, cols, 2, 'each forecast reads 2 steps')).toThrow(
      /^next\.csv: the date 2024-01-22 \(step 2 of the 2 the forecast reads: each forecast reads 2 steps\) is missing — row 3 \(2024-01-23\) is dated 2024-01-23; the dates must continue the series after 2024-01-20 at its frequency; give next\.csv a row for each of the 2 dates 2024-01-21 \.\. 2024-01-22 with every column \(k\) filled$/,
    );
    expect(() => futureValues(s, file(['2024-01-21'], [1]), cols, 3, 'w')).toThrow(
      /the date 2024-01-22 .* is missing — it ends at 2024-01-21/,
    );
    expect(() => futureValues(s, file(['2024-01-22', '2024-01-23'], [1, 2]), cols, 2, 'w')).toThrow(
      /the date 2024-01-21 \(step 1 .* row 2 \(2024-01-22\) is dated 2024-01-22/,
    );
  });

  it('a missing value names the file, row and column', () => {
    const f = file(days('2024-01-21', 3), [1, null, 3]);
    expect(() => futureValues(s, f, cols, 3, 'w')).toThrow(
      /^next\.csv: row 3 \(2024-01-22\), column 'k' has no value; a known-future covariate must be known for every forecast date; give next\.csv a row for each of the 3 dates/,
    );
  });

  it('a missing column, or no future data at all, is one line with the fix', async () => {
    const other = Series.fromColumns({
      index: days('2024-01-21', 2),
      columns: { q: [1, 2] },
      source: 'next.csv',
    });
    expect(() => futureValues(s, other, cols, 2, 'w')).toThrow(
      /^next\.csv: it has no column 'k' \(it has 'q'\)/,
    );
    const f = await Forecaster.fit(s, { ...tiny, horizon: 2, knownFuture: ['k'] });
    expect(() => f.forecast(s, 3)).toThrow(
      /^forecast\(\): the model reads the known-future column 'k' of the 4 dates after 2024-01-20 \(2 forecasts of 2 steps, each reading the covariates of its 2 steps\), but no future values were given; pass them \(--future FILE, or \{ future \} in the API\)/,
    );
    expect(() => f.forecast(s, 1, { future: file(['2024-01-21'], [1]) })).toThrow(
      /the date 2024-01-22 \(step 2 of the 2 the forecast reads: each forecast reads the covariates of all 2 steps of the trained horizon\)/,
    );
  });
});

describe('forecasting beyond the trained horizon', () => {
  it('recursion() says whether and why; calendar features allow recursion without future data', async () => {
    const s = daily(20);
    const cal = await Forecaster.fit(s, { ...tiny, calendar: ['dayOfWeek', 'dayOfMonth'] });
    expect(cal.recursion()).toEqual({
      horizon: 1,
      allowed: true,
      reason:
        'steps 1–1 are direct; later steps are recursive (each forecast fed back as an input row), with the calendar features of the future dates',
    });
    const r = cal.forecast(s, 5);
    expect(r.method).toBe('recursive');
    expect(r.values.every(Number.isFinite)).toBe(true);
    const past = await Forecaster.fit(s, { ...tiny, features: ['k'] });
    expect(past.recursion().allowed).toBe(false);
    expect(past.forecast(s, 1).method).toBe('direct');
    expect(() => past.forecast(s, 2)).toThrow(
      /^forecast\(\): 2 steps exceed the model's trained horizon of 1, and recursion is impossible: the past-only feature 'k' has no future values to feed back; forecast at most 1 step, or train with horizon 2 \(or give k as knownFuture columns if their future values are known\)$/,
    );
  });

  it('forecast(series, steps, target) still takes the target as its third argument', async () => {
    const s = daily(20);
    const f = await Forecaster.fit(s, tiny);
    expect(f.forecast(s, 2, 'y').values).toEqual(f.forecast(s, 2, { target: 'y' }).values);
    expect(() => f.forecast(s, 2, { futur: s } as never)).toThrow(/unknown option 'futur'/);
  });
});

describe('backtest with covariates', () => {
  it('backtest() reads the known-future values after each cutoff from the series itself', async () => {
    const s = daily(40);
    const r = await backtest(
      s,
      { ...tiny, trainFraction: undefined, knownFuture: ['k'], calendar: ['dayOfWeek'] },
      {
        horizon: 2,
        initialTrain: 30,
      },
    );
    expect(r.folds.map((f) => f.cutoffLabel)).toEqual([
      '2024-01-31',
      '2024-02-02',
      '2024-02-04',
      '2024-02-06',
      '2024-02-08',
    ]);
    expect(r.folds.every((f) => f.forecast.every(Number.isFinite))).toBe(true);
  });
});

describe('inputWindow with covariates', () => {
  it('the window a forecast reads is complete with calendar features (known ahead), refused with known-future columns', async () => {
    const s = daily(20);
    const cal = await Forecaster.fit(s, { ...tiny, horizon: 2, calendar: ['dayOfWeek'] });
    const w = cal.inputWindow(s);
    expect(w.x.shape).toEqual([1, 3, 1 + 2 * 2]);
    expect(w.x.data.every(Number.isFinite)).toBe(true);
    expect(w.labels).toEqual(['2024-01-18', '2024-01-19', '2024-01-20']);
    // the last row carries the calendar of 2024-01-21 (a Sunday) and 01-22 (a Monday)
    expect(Array.from(w.x.data.subarray(2 * 5 + 1))).toEqual(
      [Math.sin((2 * Math.PI * 6) / 7), Math.cos((2 * Math.PI * 6) / 7), 0, 1].map(Math.fround),
    );
    const known = await Forecaster.fit(s, { ...tiny, knownFuture: ['k'] });
    expect(() => known.inputWindow(s)).toThrow(
      /^window -1 reads a missing value: a masked gap, or the known-future columns \(k\) after the data's last row, which only forecast\(\) is given; choose an earlier window$/,
    );
    expect(known.inputWindow(s, -2).x.data.every(Number.isFinite)).toBe(true);
  });
});
