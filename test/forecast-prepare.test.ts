/** The forecasting pipeline's data side (prepare.ts) and what Forecaster.fit does only on request. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { resolveConfig, contextOf } from '../src/forecast/config.js';
import { prepare, prepareInput, testWindows } from '../src/forecast/prepare.js';
import * as flowModule from '../src/explain/gradient-flow.js';
import type { ForecastConfig } from '../src/index.js';
import { backtest, Forecaster, readCsv, Series } from '../src/index.js';

vi.mock('../src/explain/gradient-flow.js', async (importOriginal) => {
  const original = await importOriginal<typeof flowModule>();
  return { ...original, gradientFlow: vi.fn(original.gradientFlow) };
});

const DATA = join(import.meta.dirname, '..', 'datasets');
const air = readCsv(readFileSync(join(DATA, 'air_passengers_monthly.csv'), 'utf8'));
const quick: ForecastConfig = { window: 12, model: { units: 4 }, training: { epochs: 2, seed: 3 } };

describe('prepare(series, config)', () => {
  it('prepare(series, config) is pure: the same input gives the same output, and the series is untouched', () => {
    const before = Float64Array.from(air.column(air.names[0]));
    const a = prepare(air, quick);
    const b = prepare(air, quick);
    expect(Array.from(air.column(air.names[0]))).toEqual(Array.from(before));
    expect(b.config).toEqual(a.config);
    expect(Array.from(b.scaled)).toEqual(Array.from(a.scaled));
    expect(Array.from(b.train.x.data)).toEqual(Array.from(a.train.x.data));
    expect(Array.from(b.train.y.data)).toEqual(Array.from(a.train.y.data));
    expect(b.scaler?.state()).toEqual(a.scaler?.state());
    expect(b.splitLevel).toBe(a.splitLevel);
  });

  it('prepare(series, config) splits 80 % of the level rows and windows only the training part', () => {
    const p = prepare(air, quick);
    expect(air.length).toBe(144);
    expect(p.splitLevel).toBe(Math.floor(0.8 * 144)); // 115
    expect(p.config.transform).toBe('logDiff');
    expect(p.transform.lag).toBe(1);
    // 115 training level rows = 114 rows of changes; windows of 12 with a one-step target: 114 − 12 = 102
    expect(p.split.splitIndex).toBe(114);
    expect(p.train.x.shape).toEqual([102, 12, 1]);
    expect(p.train.y.shape).toEqual([102, 1]);
    expect(p.scaled.length).toBe(143);
  });

  it('prepare(series, config) fits the scaler on the training rows only: the test rows do not move it', () => {
    const p = prepare(air, quick);
    const values = Float64Array.from(air.column('passengers'));
    for (let i = p.splitLevel; i < values.length; i++) values[i] *= 10; // a wildly different test part
    const other = Series.fromColumns({ index: air.labels(), columns: { passengers: values } });
    const q = prepare(other, quick);
    expect(q.scaler!.state()).toEqual(p.scaler!.state());
    expect(Array.from(q.train.x.data)).toEqual(Array.from(p.train.x.data));
    // the scaled training rows have mean 0 and standard deviation 1
    const train = p.scaled.subarray(0, p.split.splitIndex);
    const mean = train.reduce((s, v) => s + v, 0) / train.length;
    const sd = Math.sqrt(train.reduce((s, v) => s + (v - mean) ** 2, 0) / train.length);
    expect(mean).toBeCloseTo(0, 12);
    expect(sd).toBeCloseTo(1, 12);
  });

  it('prepareInput and testWindows read new data as the fitted pipeline does: one window per row after training', () => {
    const p = prepare(air, quick);
    const input = prepareInput(air, p);
    expect(Array.from(input.scaled)).toEqual(Array.from(p.scaled));
    const test = testWindows(input, p, p.labels[p.splitLevel - 1]);
    expect(test.testStart).toBe(p.splitLevel);
    expect(test.rows).toBe(144 - 115);
    expect(test.x.shape).toEqual([29, 12, 1]);
  });

  it('prepare(series, { trainFraction, splitDate }) is an error that names both', () => {
    expect(() => prepare(air, { ...quick, trainFraction: 0.7, splitDate: '1958-01-01' })).toThrow(
      /give trainFraction \(0\.7\) or splitDate \('1958-01-01'\), not both/,
    );
    const p = prepare(air, { ...quick, splitDate: '1958-01-01' });
    expect(p.config.trainFraction).toBeNull();
    expect(p.labels[p.splitLevel]).toBe('1958-01-01');
  });

  it('resolveConfig decides the transform default once, from the modelled columns: logDiff when all are positive', () => {
    expect(resolveConfig({}, contextOf(air)).transform).toBe('logDiff');
    const withZero = Series.fromColumns({
      index: air.labels(),
      columns: { passengers: air.column('passengers'), z: new Float64Array(air.length) },
    });
    expect(resolveConfig({}, contextOf(withZero)).transform).toBe('logDiff');
    expect(resolveConfig({ features: ['z'] }, contextOf(withZero)).transform).toBe('diff');
    expect(resolveConfig({ transform: 'none', features: ['z'] }, contextOf(withZero)).transform).toBe('none');
  });
});

describe('gradient flow is sampled only on request', () => {
  it('Forecaster.fit without { gradientFlow: true } does no gradient-flow work and records none', async () => {
    const spy = vi.mocked(flowModule.gradientFlow);
    spy.mockClear();
    const f = await Forecaster.fit(air, quick);
    expect(spy).not.toHaveBeenCalled();
    expect(f.fitInfo!.gradientFlow).toEqual([]);
    const g = await Forecaster.fit(air, quick, { gradientFlow: true });
    expect(spy).toHaveBeenCalledTimes(2);
    expect(g.fitInfo!.gradientFlow.map((r) => r.label)).toEqual(['after epoch 1', 'after epoch 2']);
    // measuring does not change training
    expect(g.model.getWeights().map((w) => Array.from(w.data))).toEqual(
      f.model.getWeights().map((w) => Array.from(w.data)),
    );
  });

  it('Forecaster.fit rejects an unknown fit option, listing the valid ones', async () => {
    await expect(Forecaster.fit(air, quick, { gradientflow: true } as never)).rejects.toThrow(
      /unknown option 'gradientflow'; the options are callbacks, gradientFlow/,
    );
  });
});

describe('the split options', () => {
  it('Forecaster.fromState reads a state saved when trainFraction and splitDate could both be set: splitDate decides', async () => {
    const f = await Forecaster.fit(air, { ...quick, splitDate: '1958-01-01' });
    const old = { ...f.state(), config: { ...f.state().config, trainFraction: 0.8 } };
    const g = Forecaster.fromState(f.model, old);
    expect(g.config.trainFraction).toBeNull();
    expect(g.config.splitDate).toBe('1958-01-01');
    expect(g.evaluate(air).labels[0]).toBe('1958-01-01');
  });

  it('backtest(series, { trainFraction }) is an error: the folds decide where training ends', async () => {
    await expect(backtest(air, { ...quick, trainFraction: 0.7 }, { maxFolds: 1 })).rejects.toThrow(
      /backtest: the folds decide where each training part ends.*initialTrain/,
    );
  });
});
