import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { backtest, walkForwardFolds } from '../src/forecast/backtest.js';
import { contextOf, resolveConfig } from '../src/forecast/config.js';
import type { BaselineFactory } from '../src/forecast/evaluation.js';
import { scoreEvaluation } from '../src/forecast/evaluation.js';
import { defaultBaselines } from '../src/baselines/baselines.js';
import type { FittedPipeline } from '../src/forecast/prepare.js';
import { prepareInput, testWindows } from '../src/forecast/prepare.js';
import { selectEts } from '../src/baselines/ets-fit.js';
import { etsName } from '../src/baselines/ets.js';
import { readCsv } from '../src/series/csv.js';
import { Series } from '../src/series/series.js';
import { getTransform } from '../src/series/transforms.js';

// y_0 … y_9; the training part is rows 0..5, the test origins t = 6..9
const Y = [1, 2, 4, 7, 11, 16, 22, 29, 37, 46];
const series = Series.fromColumns({ index: Y.map((_, t) => t), columns: { v: Y } });

/** Scores hand-chosen model paths (transform none, no scaler, so the model's outputs are its forecasts). */
function scored(paths: number[][], baselines?: BaselineFactory) {
  const config = resolveConfig(
    { window: 2, horizon: 2, transform: 'none', scaler: 'none', seasonalPeriod: 2, trainFraction: 0.6 },
    contextOf(series),
  );
  const pipeline: FittedPipeline = {
    config,
    columns: ['v'],
    transform: getTransform('none'),
    scaler: null,
    knownScale: null,
  };
  const input = prepareInput(series, pipeline);
  const test = testWindows(input, pipeline, '5');
  expect(test.testStart).toBe(6);
  return scoreEvaluation(pipeline, input, test, Float64Array.from(paths.flat()), 0, baselines);
}

const rms = (errors: number[]): number => Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length);

describe('scores at every horizon (hand-computed)', () => {
  // the model's 2-step paths from origins t = 6, 7, 8, 9 (origin 9's second step lies past the data)
  const e = scored([
    [20, 26],
    [30, 35],
    [36, 50],
    [45, 99],
  ]);

  it('the origins scored are those whose whole path lies in the data: t = 6, 7, 8', () => {
    expect(e.origins).toEqual({ scored: 3, masked: 0 });
    expect(e.horizons.map((h) => [h.horizon, h.points])).toEqual([
      [1, 3],
      [2, 3],
    ]);
    // the one-step forecasts cover every test row, origin 9 included
    expect(e.labels).toEqual(['6', '7', '8', '9']);
    expect(Array.from(e.forecast)).toEqual([20, 30, 36, 45]);
  });

  it("the model's RMSE at h = 1, h = 2 and overall", () => {
    // h = 1: 20 − 22, 30 − 29, 36 − 37; h = 2: 26 − 29, 35 − 37, 50 − 46
    expect(e.horizons[0].model.rmse).toBeCloseTo(rms([-2, 1, -1]), 12);
    expect(e.horizons[1].model.rmse).toBeCloseTo(rms([-3, -2, 4]), 12);
    expect(e.metrics.model.rmse).toBeCloseTo(rms([-2, 1, -1, -3, -2, 4]), 12);
    // MASE: MAE / the training part's seasonal-naive MAE (m = 2): |4−1|, |7−2|, |11−4|, |16−7| → 6
    expect(e.horizons[0].model.mase).toBeCloseTo(4 / 3 / 6, 12);
    expect(e.metrics.model.mase).toBeCloseTo(13 / 6 / 6, 12);
  });

  it('naive, seasonal naive (one season before the target), drift and mean at the same horizons', () => {
    const b1 = e.horizons[0].baselines;
    const b2 = e.horizons[1].baselines;
    // naive repeats y_{t−1}: 16, 22, 29
    expect(b1['naive'].rmse).toBeCloseTo(rms([16 - 22, 22 - 29, 29 - 37]), 12);
    expect(b2['naive'].rmse).toBeCloseTo(rms([16 - 29, 22 - 37, 29 - 46]), 12);
    // seasonal naive (m = 2): the target t + h − 1 gets y_{t + h − 1 − 2}, known at the origin for h ≤ 2
    expect(b1['seasonalNaive(2)'].rmse).toBeCloseTo(rms([11 - 22, 16 - 29, 22 - 37]), 12);
    expect(b2['seasonalNaive(2)'].rmse).toBeCloseTo(rms([16 - 29, 22 - 37, 29 - 46]), 12);
    // drift: y_{t−1} + h (y_{t−1} − y_0)/(t − 1): slopes 3, 3.5, 4
    expect(b1['drift'].rmse).toBeCloseTo(rms([19 - 22, 25.5 - 29, 33 - 37]), 12);
    expect(b2['drift'].rmse).toBeCloseTo(rms([22 - 29, 29 - 37, 37 - 46]), 12);
    // mean of the training part, 41/6, at every horizon
    expect(b2['mean'].rmse).toBeCloseTo(rms([29, 37, 46].map((a) => 41 / 6 - a)), 12);
    // overall = every horizon pooled
    expect(e.metrics.baselines['naive'].rmse).toBeCloseTo(
      rms([16 - 22, 22 - 29, 29 - 37, 16 - 29, 22 - 37, 29 - 46]),
      12,
    );
  });

  it('the verdict uses the overall score; beating the best baseline at every horizon is said so', () => {
    expect(e.losses).toEqual([]);
    expect(e.verdict).toMatch(/^beats naive by/);
    expect(e.comparison.summary).toMatch(/at every horizon 1–2 it beats the best baseline there$/);
  });

  it('a model that loses at horizon 2 is told so, naming the baseline that wins there', () => {
    const worse = scored([
      [20, 26],
      [30, 35],
      [36, 60],
      [45, 99],
    ]);
    // h = 2: errors −3, −2, 14 → RMSE 8.35 > drift's 8.04
    expect(worse.horizons[1].model.rmse).toBeCloseTo(rms([-3, -2, 14]), 12);
    expect(worse.losses).toEqual([
      { horizon: 2, baseline: 'drift', modelRmse: rms([-3, -2, 14]), baselineRmse: rms([-7, -8, -9]) },
    ]);
    expect(worse.comparison.summary).toMatch(/it loses at horizon 2 of 1–2 \(to drift at 2\)$/);
  });
});

describe('a baseline that cannot be fitted', () => {
  it('is left out of every table, with a warning naming it and why', () => {
    const broken = {
      name: 'broken',
      fit(): never {
        throw new Error('broken.fit(): no model fits');
      },
      predict: () => new Float64Array(0),
    };
    const e = scored(
      [
        [20, 26],
        [30, 35],
        [36, 50],
        [45, 99],
      ],
      (m) => [...defaultBaselines(m), broken],
    );
    expect(Object.keys(e.metrics.baselines)).toEqual(['naive', 'seasonalNaive(2)', 'drift', 'mean']);
    expect(e.warnings.map((w) => w.message)).toContain(
      'left out of the baselines because they could not be fitted: broken (broken.fit(): no model fits)',
    );
  });
});

describe('walk-forward folds are a full horizon long', () => {
  it('walkForwardFolds(11, { horizon: 3 }) stops before a fold would run past the data', () => {
    const folds = [...walkForwardFolds(11, { initialTrain: 4, horizon: 3 })];
    expect(folds.map((f) => [f.test.start, f.test.end])).toEqual([
      [4, 7],
      [7, 10],
    ]);
    // with partialLastFold the row left over is scored by a shorter fold
    const partial = [...walkForwardFolds(11, { initialTrain: 4, horizon: 3, partialLastFold: true })];
    expect(partial.map((f) => [f.test.start, f.test.end])).toEqual([
      [4, 7],
      [7, 10],
      [10, 11],
    ]);
    expect(() => [...walkForwardFolds(5, { initialTrain: 4, horizon: 3 })]).toThrow(
      /initialTrain 4 leaves 1 row, fewer than one fold of horizon 3/,
    );
  });

  it('backtest(): every baseline at every horizon, with MASE; on a straight line naive errs by h exactly', async () => {
    // y_t = 3 t: naive's h-step error is 3h in every fold; drift is exact; MASE's scale (m = 1) is 3
    const line = Series.fromColumns({
      index: Array.from({ length: 40 }, (_, t) => t),
      columns: { v: Array.from({ length: 40 }, (_, t) => 3 * t + 30) },
    });
    const r = await backtest(
      line,
      { window: 4, model: { units: 2 }, training: { epochs: 1 } },
      { initialTrain: 30, horizon: 3, stride: 3 },
    );
    expect(r.folds.map((f) => f.cutoff)).toEqual([30, 33, 36]);
    expect(r.lastFold).toEqual({ from: '36', to: '38', rows: 3, full: true });
    expect(r.unscoredRows).toBe(1);
    expect(Object.keys(r.overall.baselines)).toEqual(['naive', 'drift', 'mean', 'autoETS']);
    for (const h of [1, 2, 3]) {
      const s = r.byHorizon[h - 1];
      expect(s.points).toBe(3);
      expect(s.baselines['naive'].rmse).toBeCloseTo(3 * h, 10);
      expect(s.baselines['naive'].mase).toBeCloseTo(h, 10);
      expect(s.baselines['drift'].rmse).toBeCloseTo(0, 10);
      // the model's per-horizon RMSE is its fold forecasts' h-th errors, pooled
      const errors = r.folds.map((f) => f.forecast[h - 1] - f.actual[h - 1]);
      expect(s.model.rmse).toBeCloseTo(rms(errors), 10);
    }
    expect(r.overall.baselines['naive'].rmse).toBeCloseTo(rms([3, 6, 9, 3, 6, 9, 3, 6, 9]), 10);
    expect(r.overall.naive).toEqual(r.overall.baselines['naive']);
    expect(r.comparison.summary).toMatch(/drift, which is exact/);
  });
});

describe('AutoETS in a backtest', () => {
  it('chooses its model on the first fold and re-estimates that model at every later refit', async () => {
    const air = readCsv(
      readFileSync(join(import.meta.dirname, '..', 'datasets', 'air_passengers_monthly.csv'), 'utf8'),
    );
    const r = await backtest(
      air,
      { window: 12, model: { units: 2 }, training: { epochs: 1 } },
      { initialTrain: 110, horizon: 3, maxFolds: 3 },
    );
    const first = selectEts(air.column('passengers').subarray(0, 110), 12);
    expect(r.baselineModels['autoETS']).toMatch(
      new RegExp(`^${etsName(first.spec).replace(/[()]/g, '\\$&')} `),
    );
    expect(r.folds.every((f) => f.baselines['autoETS'].length === 3)).toBe(true);
  });
});

describe('--horizon in the CLI', () => {
  const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
  const run = (args: string[]) =>
    spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });

  it('seqcast train --horizon 3 --json keeps metrics.model/baselines (overall) and adds every horizon beside them', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'seqcast-h-')), 'r');
    const r = run(['train', 'air-passengers', '--horizon', '3', '--epochs', '2', '--json', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(Object.keys(doc.metrics)).toEqual(['model', 'baselines', 'byHorizon']);
    expect(Object.keys(doc.metrics.baselines)).toEqual(
      expect.arrayContaining(['naive', 'seasonalNaive', 'drift', 'mean']),
    );
    expect(doc.metrics.byHorizon.map((h: { horizon: number }) => h.horizon)).toEqual([1, 2, 3]);
    // overall RMSE² is the mean of the per-horizon RMSE² (the same origins at every horizon)
    const squares = doc.metrics.byHorizon.map((h: { model: { rmse: number } }) => h.model.rmse ** 2);
    expect(doc.metrics.model.rmse).toBeCloseTo(Math.sqrt((squares[0] + squares[1] + squares[2]) / 3), 9);
    const naive = doc.metrics.byHorizon.map(
      (h: { baselines: { naive: { rmse: number } } }) => h.baselines.naive.rmse ** 2,
    );
    expect(doc.metrics.baselines.naive.rmse).toBeCloseTo(Math.sqrt((naive[0] + naive[1] + naive[2]) / 3), 9);
    expect(doc.comparison).toMatch(
      /(at every horizon 1–3 it beats the best baseline there|it loses at horizons? [\d, ]+ of 1–3)/,
    );
  });

  it('seqcast backtest --horizon 2 prints every baseline with MASE, the per-horizon table and the last fold', () => {
    const r = run([
      'backtest',
      'air-passengers',
      '--horizon',
      '2',
      '--folds',
      '3',
      '--epochs',
      '1',
      '--every',
      '5',
    ]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(
      /3 folds of 2 rows; the last covers 1959-06-01 \.\. 1959-07-01 \(2 rows\); the last 17 rows are not scored \(--folds \/ maxFolds \(3\) stops before them\)/,
    );
    expect(r.stdout).toMatch(/seasonalNaive\(12\) +RMSE +[\d.]+ +MAE +[\d.]+ +MASE [\d.]+/);
    expect(r.stdout).toMatch(/RMSE at h +model +naive +seasonalNaive\(12\) +drift +mean +autoETS/);
    expect(r.stdout).toMatch(
      /^autoETS: ETS\([AM],(N|A|Ad),[NAM]\) .*\(the model chosen on the first fold\)$/m,
    );
  });
});
