import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ForecastConfig } from '../src/index.js';
import {
  backtest,
  extrapolationWarning,
  Forecaster,
  readCsv,
  Series,
  walkForwardFolds,
} from '../src/index.js';
import { loadForecaster, saveForecaster } from '../src/node.js';
import { needs } from './helpers/shared-data.js';

const DATA = join(import.meta.dirname, '..', 'datasets');
// The S&P 500 files are not bundled: read from the shared data folder; these suites skip without it.
const shared = needs('data/sp500_monthly.csv', 'data/sp500_monthly_full.csv');
const sp500 = shared.available
  ? readCsv(shared.text('data/sp500_monthly.csv'), { source: 'sp500_monthly.csv' }).slice({
      from: '1950-01-01',
      to: '2026-05-01',
    })
  : (null as never);
const quick: ForecastConfig = { window: 12, model: { units: 4 }, training: { epochs: 1, seed: 3 } };

describe.skipIf(!shared.available)(`Forecaster.evaluate${shared.note}`, () => {
  it('Forecaster.evaluate scores the 184 rows after the 733-row training part, the same rows for every transform', async () => {
    for (const transform of ['none', 'logDiff', 'diff'] as const) {
      const f = await Forecaster.fit(sp500, {
        ...quick,
        transform,
        scaler: transform === 'none' ? 'minMax' : 'standard',
      });
      const e = f.evaluate(sp500);
      expect(e.labels).toHaveLength(184);
      expect(e.labels[0]).toBe('2011-02-01');
      expect(e.labels.at(-1)).toBe('2026-05-01');
      expect(e.metrics.baselines.naive.rmse).toBeCloseTo(126.0121381342941, 9);
      expect(e.metrics.baselines.naive.mae).toBeCloseTo(85.95674891304351, 9);
    }
  });

  it('Forecaster.evaluate of a model that predicts "no change" reproduces the naive forecast exactly', async () => {
    for (const transform of ['logDiff', 'diff'] as const) {
      const f = await Forecaster.fit(sp500, { ...quick, transform, scaler: 'standard' });
      const { mean, std } = f.state().scaler as {
        readonly mean: readonly number[];
        readonly std: readonly number[];
      };
      // zero weights, and a Dense bias equal to the scaled value of "no change" (z = 0)
      f.model.setWeights(
        f.model.getWeights().map((w) => ({
          ...w,
          data: w.name === 'dense/bias' ? [-mean[0] / std[0]] : new Array(w.data.length).fill(0),
        })),
      );
      const e = f.evaluate(sp500);
      // equal up to the float32 rounding of that bias (relative 1e-9)
      e.forecast.forEach((v, i) => expect(Math.abs(v / e.baselineForecasts.naive[i] - 1)).toBeLessThan(1e-8));
      expect(e.metrics.model.rmse / e.metrics.baselines.naive.rmse).toBeCloseTo(1, 7);
      expect(e.verdict).toBe('ties naive on RMSE');
    }
  });

  it('Forecaster.fit never lets rows after the split reach the scaler or the weights', async () => {
    const price = Float64Array.from(sp500.column('price'));
    for (let i = 733; i < price.length; i++) price[i] *= 3; // rewrite the whole test part
    const other = Series.fromColumns({ index: sp500.labels(), columns: { price } });
    const config: ForecastConfig = {
      ...quick,
      transform: 'none',
      scaler: 'minMax',
      training: { epochs: 2, seed: 5 },
    };
    const a = await Forecaster.fit(sp500, config);
    const b = await Forecaster.fit(other, config);
    expect(b.state().scaler).toEqual(a.state().scaler);
    expect(b.model.params).toEqual(a.model.params);
  });

  it("Forecaster.evaluate warns that the tutorial's pipeline extrapolates (test data reach 4.86 on the 0–1 scale)", async () => {
    const f = await Forecaster.fit(sp500, { ...quick, transform: 'none', scaler: 'minMax' });
    const e = f.evaluate(sp500);
    const w = e.warnings.find((x) => x.kind === 'extrapolation');
    expect(w?.message).toMatch(
      /reach 4\.86 while the training data span 0\.00 \.\. 1\.00.*transform 'logDiff' or 'diff'/,
    );
  });
});

describe.skipIf(!shared.available)(`Forecaster.forecast${shared.note}`, () => {
  it('Forecaster.forecast(series, 3) with a horizon-3 model is direct; 5 steps of a horizon-1 model are recursive', async () => {
    const direct = await Forecaster.fit(sp500, { ...quick, horizon: 3 });
    const d = direct.forecast(sp500, 3);
    expect(d.method).toBe('direct');
    expect(d.labels).toEqual(['2026-06-01', '2026-07-01', '2026-08-01']);
    const one = await Forecaster.fit(sp500, quick);
    const r = one.forecast(sp500, 5);
    expect(r.method).toBe('recursive');
    expect(r.values).toHaveLength(5);
    for (const v of r.values) expect(v).toBeGreaterThan(1000); // log-differences keep levels positive and near the last value
  });

  it('Forecaster.forecast beyond the horizon with extra input columns says why it cannot', async () => {
    const full = readCsv(shared.text('data/sp500_monthly_full.csv'), {
      columns: ['price', 'cpi'],
      missing: 'drop',
    }).slice({
      from: '1950-01-01',
      to: '2020-12-01',
    });
    const f = await Forecaster.fit(full, { ...quick, target: 'price', features: ['cpi'] });
    expect(() => f.forecast(full, 2)).toThrow(
      /^forecast\(\): 2 steps exceed the model's trained horizon of 1, and recursion is impossible: the past-only feature 'cpi' has no future values to feed back; forecast at most 1 step/,
    );
  });

  it('saveForecaster / loadForecaster keep the transform, scaler and model: the same forecast and scores', async () => {
    const f = await Forecaster.fit(sp500, { ...quick, transform: 'logDiff', horizon: 2 });
    const dir = join(mkdtempSync(join(tmpdir(), 'seqcast-fc-')), 'model');
    await saveForecaster(f, dir);
    const g = await loadForecaster(dir);
    expect(g.config).toEqual(f.config);
    expect(Array.from(g.forecast(sp500, 2).values)).toEqual(Array.from(f.forecast(sp500, 2).values));
    expect(g.evaluate(sp500).metrics).toEqual(f.evaluate(sp500).metrics);
    await expect(saveForecaster(f, dir)).rejects.toThrow(/already holds a model; pass \{ overwrite: true \}/);
  });

  it('Forecaster.fit defaults to log-differences for positive data and to differences for data that reaches 0', async () => {
    expect((await Forecaster.fit(sp500, quick)).config.transform).toBe('logDiff');
    const sunspots = readCsv(readFileSync(join(DATA, 'sunspots_monthly.csv'), 'utf8')).slice({
      from: '1900-01-01',
    });
    expect((await Forecaster.fit(sunspots, quick)).config.transform).toBe('diff');
    await expect(Forecaster.fit(sunspots, { ...quick, transform: 'logDiff' })).rejects.toThrow(
      /needs positive levels/,
    );
  });

  it('Forecaster.fit(…, { gradientFlow: true }) records gradient flow through the window after the first epoch and at the end', async () => {
    const f = await Forecaster.fit(
      sp500,
      { ...quick, training: { epochs: 3, seed: 3 } },
      { gradientFlow: true },
    );
    const flows = f.fitInfo!.gradientFlow;
    expect(flows.map((x) => x.label)).toEqual(['after epoch 1', 'after epoch 3']);
    expect(flows[0].layers[0].gradH).toHaveLength(12);
    expect(flows[1].layers[0].gradH.every((v) => v > 0)).toBe(true);
  });

  it('extrapolationWarning ignores test data a little outside the training range and flags data far outside', () => {
    expect(extrapolationWarning([0, 1], [0.1, 1.2], 'none')).toBeNull();
    expect(extrapolationWarning([0, 1], [0.1, 1.5], 'none')?.message).toMatch(
      /reach 1\.50 while the training data span 0\.0+ \.\. 1\.00/,
    );
  });

  it('Forecaster.fit reports the split and the window shapes in fitInfo', async () => {
    const f = await Forecaster.fit(sp500, { ...quick, transform: 'none', scaler: 'minMax' });
    expect(f.fitInfo).toMatchObject({
      trainRows: 733,
      testRows: 184,
      trainFrom: '1950-01-01',
      trainTo: '2011-01-01',
      testFrom: '2011-02-01',
    });
    expect(f.fitInfo?.trainX).toEqual([721, 12, 1]);
    expect(f.fitInfo?.testX).toEqual([184, 12, 1]);
  });

  it('Forecaster.evaluate on data without the columns it was trained on names both', async () => {
    const f = await Forecaster.fit(sp500, quick);
    const other = Series.fromColumns({ index: sp500.labels(), columns: { close: sp500.column('price') } });
    expect(() => f.evaluate(other)).toThrow(
      "the model was trained on the columns 'price', but the data lacks 'price' (it has 'close'); give data with the same columns",
    );
  });

  it('Forecaster.fit rejects an unknown option and an unknown target, naming the columns', async () => {
    await expect(Forecaster.fit(sp500, { windw: 3 } as never)).rejects.toThrow(
      /forecaster: unknown option 'windw'/,
    );
    await expect(Forecaster.fit(sp500, { target: 'close' })).rejects.toThrow(
      /target 'close' is not a column; the columns are 'price'/,
    );
  });
});

describe('several targets', () => {
  const seatbelts = readCsv(readFileSync(join(DATA, 'uk_seatbelts_monthly.csv'), 'utf8'));

  it('Forecaster with target [drivers, front] predicts both: each is evaluated against its own baselines', async () => {
    const f = await Forecaster.fit(seatbelts, { ...quick, target: ['drivers', 'front'], horizon: 2 });
    expect(f.model.outputShape).toEqual([4]); // 2 steps × 2 targets
    const drivers = f.evaluate(seatbelts);
    const front = f.evaluate(seatbelts, 'front');
    const col = (name: string): Float64Array => seatbelts.column(name);
    const first = seatbelts.labels().indexOf(front.labels[0]);
    expect(Array.from(front.actual)).toEqual(Array.from(col('front').slice(first)));
    expect(Array.from(drivers.actual)).toEqual(Array.from(col('drivers').slice(first)));
    expect(front.metrics.baselines.naive.rmse).not.toBe(drivers.metrics.baselines.naive.rmse);
    expect(front.byHorizon.map((b) => b.step)).toEqual([1, 2]);
  });

  it('Forecaster.forecast(series, 5, target) feeds all targets back when every input is a target', async () => {
    const f = await Forecaster.fit(seatbelts, { ...quick, target: ['drivers', 'front'] });
    const r = f.forecast(seatbelts, 5, 'front');
    expect(r.method).toBe('recursive');
    expect(r.labels).toEqual(['1985-01-01', '1985-02-01', '1985-03-01', '1985-04-01', '1985-05-01']);
    expect(() => f.forecast(seatbelts, 2, 'rear')).toThrow(
      /'rear' is not a target of this forecaster; its targets are 'drivers', 'front'/,
    );
  });
});

describe('walk-forward backtests', () => {
  it('walkForwardFolds(10, …) yields { cutoff, train, test } with expanding and sliding origins', () => {
    const expanding = [...walkForwardFolds(10, { initialTrain: 6, horizon: 2 })];
    expect(expanding.map((f) => [f.cutoff, f.train.start, f.train.end, f.test.start, f.test.end])).toEqual([
      [6, 0, 6, 6, 8],
      [8, 0, 8, 8, 10],
    ]);
    const sliding = [...walkForwardFolds(10, { initialTrain: 6, horizon: 1, stride: 2, mode: 'sliding' })];
    expect(sliding.map((f) => [f.train.start, f.train.end, f.test.end])).toEqual([
      [0, 6, 7],
      [2, 8, 9],
    ]);
    expect(() => [...walkForwardFolds(10, { initialTrain: 10 })]).toThrow(/leaves no row to forecast/);
  });

  it('backtest(series, config, { refitEvery: 2 }) refits on every other fold and scores every fold beside naive', async () => {
    const air = readCsv(readFileSync(join(DATA, 'air_passengers_monthly.csv'), 'utf8'));
    const r = await backtest(
      air,
      { window: 12, model: { units: 4 }, training: { epochs: 1, seed: 1 } },
      { horizon: 3, initialTrain: 120, refitEvery: 2, maxFolds: 4 },
    );
    expect(r.folds.map((f) => f.cutoffLabel)).toEqual([
      '1959-01-01',
      '1959-04-01',
      '1959-07-01',
      '1959-10-01',
    ]);
    expect(r.folds.map((f) => f.refitted)).toEqual([true, false, true, false]);
    for (const f of r.folds) {
      expect(f.forecast).toHaveLength(3);
      expect(Array.from(f.actual)).toEqual(
        Array.from(air.column(air.names[0]).slice(f.test.start, f.test.end)),
      );
    }
    expect(r.verdict).toMatch(/naive/);
  });
});
