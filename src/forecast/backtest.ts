/**
 * Walk-forward backtests. At each cutoff c the model knows rows [start, c) and forecasts rows
 * [c, c + horizon); the next cutoff is c + stride. Expanding: start stays at 0. Sliding: the training part
 * keeps the size of the first one. The model is refitted every `refitEvery` folds (1 = every fold); in
 * between, the last fitted forecaster forecasts from the newer data. The baselines follow the same
 * schedule: fitted on the training part of a refit fold, then run through the newer data as fitted.
 * AutoETS chooses its model (by AICc) on the first fold's training part; later refits re-estimate that
 * model's parameters on their own training part (choosing among 18 models at every fold would cost more
 * than the network).
 *
 * Every fold is a full horizon long: a cutoff whose fold would run past the data is not made, and the rows
 * left after the last fold are counted in `unscoredRows` (with `partialLastFold: true`, one shorter last
 * fold scores them, and its length is stated). Scores, for the model and every baseline:
 *
 *     at horizon h:  the h-th forecast of every fold that has one
 *     overall:       every forecast point of every fold pooled
 *     MASE:          mean over the points of |error| / scale, the scale being the in-sample seasonal-naive
 *                    MAE of that fold's training part (so a point is scaled by what its model knew)
 */
import { SeqcastError } from '../errors.js';
import type { AutoEtsBaseline } from '../baselines/auto-ets.js';
import { autoETS } from '../baselines/auto-ets.js';
import type { Baseline } from '../baselines/baselines.js';
import type { EtsSpec } from '../baselines/ets.js';
import { maskedNaiveScale, mae, rmse } from '../metrics/metrics.js';
import type { BaselineComparison } from '../metrics/verdict.js';
import { compareToBaselines } from '../metrics/verdict.js';
import type { Series } from '../series/series.js';
import type { ForecastConfig } from './config.js';
import type { BaselineFactory, HorizonLoss } from './evaluation.js';
import { horizonSentence } from './evaluation.js';
import { canPredict, forecastBaselines } from './baseline-set.js';
import type { FitForecasterOptions } from './forecaster.js';
import { Forecaster } from './forecaster.js';
import { seasonalPeriodOf } from './pipeline.js';
import type { BacktestIntervals, FoldCalibration } from './backtest-intervals.js';
import { ObservedResiduals, calibrateFold, foldBands, pooledIntervals } from './backtest-intervals.js';
import type { Band } from './intervals.js';
import { checkLevels } from './intervals.js';

export interface BacktestOptions {
  /** Rows forecast at each cutoff. Default 1. */
  readonly horizon?: number;
  /** Rows between cutoffs. Default: the horizon. */
  readonly stride?: number;
  /** Rows known at the first cutoff. Default: floor(0.8 · length). */
  readonly initialTrain?: number;
  /** Default 'expanding'. */
  readonly mode?: 'expanding' | 'sliding';
  /** Refit the model every k folds. Default 1. */
  readonly refitEvery?: number;
  /** Stop after this many folds. */
  readonly maxFolds?: number;
  /** Score the rows after the last full fold with one shorter fold. Default false. */
  readonly partialLastFold?: boolean;
  /**
   * Prediction-interval levels, e.g. [0.8, 0.95]: each refit also calibrates conformal intervals on the tail
   * of its training rows (backtest-intervals.ts, one more fit per refit), and the result reports coverage
   * and the interval score. Default none.
   */
  readonly intervals?: readonly number[];
}

/** Row ranges are [start, end). */
export interface Fold {
  readonly index: number;
  readonly cutoff: number;
  readonly train: { readonly start: number; readonly end: number };
  readonly test: { readonly start: number; readonly end: number };
}

/**
 * The folds of a walk-forward backtest over `length` rows; their boundaries are what the tests assert. A
 * fold is `horizon` rows long; the last may be shorter only with `partialLastFold`.
 */
export function* walkForwardFolds(length: number, options: BacktestOptions = {}): Generator<Fold> {
  const horizon = int('horizon', options.horizon ?? 1, 1);
  const stride = int('stride', options.stride ?? horizon, 1);
  const initial = int('initialTrain', options.initialTrain ?? Math.floor(0.8 * length), 2);
  const mode = options.mode ?? 'expanding';
  if (mode !== 'expanding' && mode !== 'sliding') {
    throw new SeqcastError(
      'config',
      `backtest: mode must be 'expanding' or 'sliding' (got ${JSON.stringify(mode)})`,
    );
  }
  if (initial >= length) {
    throw new SeqcastError(
      'config',
      `backtest: initialTrain ${initial} leaves no row to forecast in a series of ${length}`,
    );
  }
  const partial = options.partialLastFold ?? false;
  if (!partial && initial + horizon > length) {
    throw new SeqcastError(
      'config',
      `backtest: initialTrain ${initial} leaves ${length - initial} row${length - initial === 1 ? '' : 's'}, ` +
        `fewer than one fold of horizon ${horizon}; give a smaller initialTrain or horizon (or partialLastFold)`,
    );
  }
  const maxFolds = options.maxFolds ?? Infinity;
  for (let k = 0, cutoff = initial; cutoff < length && k < maxFolds; k++, cutoff += stride) {
    if (!partial && cutoff + horizon > length) break;
    yield {
      index: k,
      cutoff,
      train: { start: mode === 'sliding' ? cutoff - initial : 0, end: cutoff },
      test: { start: cutoff, end: Math.min(cutoff + horizon, length) },
    };
  }
}

/** RMSE, MAE and MASE of a set of forecast points (MASE null when a scale is 0). */
export interface BacktestScore {
  readonly rmse: number;
  readonly mae: number;
  readonly mase: number | null;
}

export interface FoldResult extends Fold {
  readonly cutoffLabel: string;
  readonly labels: readonly string[];
  readonly actual: Float64Array;
  readonly forecast: Float64Array;
  readonly naive: Float64Array;
  /** Every baseline's forecasts of the fold, by full name ('seasonalNaive(12)'). */
  readonly baselines: Readonly<Record<string, Float64Array>>;
  readonly refitted: boolean;
  readonly rmse: number;
  readonly naiveRmse: number;
  /** MASE's scale for this fold: the in-sample seasonal-naive MAE of its training part. */
  readonly scale: number;
  /** With `intervals`: the bands around `forecast`, one per level (absent when too short to calibrate). */
  readonly bands?: readonly Band[];
}

export interface BacktestResult {
  readonly folds: readonly FoldResult[];
  readonly overall: {
    readonly model: BacktestScore;
    readonly naive: BacktestScore;
    readonly baselines: Readonly<Record<string, BacktestScore>>;
  };
  /** The scores at each horizon 1 … H, pooled over the folds that reach it. */
  readonly byHorizon: readonly {
    readonly horizon: number;
    readonly points: number;
    readonly model: BacktestScore;
    readonly baselines: Readonly<Record<string, BacktestScore>>;
  }[];
  /** Overall RMSE against naive and the best baseline; the summary adds the horizons the model loses at. */
  readonly comparison: BaselineComparison;
  /** Overall, against naive: "beats naive by 5.1 % RMSE". */
  readonly verdict: string;
  /** The last fold: its rows, and whether it is a full horizon long. */
  readonly lastFold: {
    readonly from: string;
    readonly to: string;
    readonly rows: number;
    readonly full: boolean;
  };
  /** Rows after the last fold that no fold forecasts. */
  readonly unscoredRows: number;
  /** The horizons at which the model's RMSE is above the best baseline's there. */
  readonly losses: readonly HorizonLoss[];
  /** What the last refit's baselines are, where their names do not say it (autoETS: its model). */
  readonly baselineModels: Readonly<Record<string, string>>;
  /** The season length used by seasonal naive and MASE. */
  readonly seasonalPeriod: number;
  /** With `intervals`: coverage and interval score per level, overall and per horizon. */
  readonly intervals?: BacktestIntervals;
}

export async function backtest(
  series: Series,
  config: ForecastConfig,
  options: BacktestOptions = {},
  fitOptions: FitForecasterOptions = {},
  baselines: BaselineFactory = forecastBaselines,
): Promise<BacktestResult> {
  const refitEvery = int('refitEvery', options.refitEvery ?? 1, 1);
  if (config.trainFraction !== undefined || (config.splitDate ?? null) !== null) {
    throw new SeqcastError(
      'config',
      'backtest: the folds decide where each training part ends, so the config takes no trainFraction or splitDate; set options.initialTrain instead',
    );
  }
  // Scored on the first target.
  const target =
    config.target === undefined
      ? series.names[0]
      : typeof config.target === 'string'
        ? config.target
        : config.target[0];
  const levels = series.column(target);
  if (levels.some(Number.isNaN)) {
    throw new SeqcastError(
      'non-finite',
      `backtest: '${target}' has missing values (masked gaps), and a fold's forecast needs its last window known; ` +
        `fill them (--missing interpolate | ffill, series.fillGaps('interpolate'))`,
    );
  }
  const m = config.seasonalPeriod ?? seasonalPeriodOf(series.frequency);
  const labels = series.labels();
  const levelsAsked = options.intervals === undefined ? null : checkLevels(options.intervals, 'backtest');
  let calibration: FoldCalibration | null = null;
  const observed = new ObservedResiduals();
  const folds: FoldResult[] = [];
  let forecaster: Forecaster | null = null;
  let fitted: Baseline[] = [];
  let fittedStart = 0;
  let etsSpec: EtsSpec | null = null; // AutoETS's choice on the first fold
  for (const fold of walkForwardFolds(series.length, options)) {
    const refit = forecaster === null || fold.index % refitEvery === 0;
    if (refit) {
      // Training sees rows [start, cutoff); the cutoff row is only the split point, never a training target.
      const part = series.slice({ from: labels[fold.train.start], to: labels[fold.cutoff] });
      forecaster = await Forecaster.fit(part, { ...config, splitDate: labels[fold.cutoff] }, fitOptions);
      const trainLevels = levels.subarray(fold.train.start, fold.cutoff);
      fitted = baselines(m)
        .filter((b) => canPredict(b, trainLevels.length, m))
        .map((b) => (b.name === 'autoETS' && etsSpec !== null ? autoETS(m, { spec: etsSpec }) : b));
      for (const b of fitted) b.fit(trainLevels);
      const ets = fitted.find((b): b is AutoEtsBaseline => b.name === 'autoETS' && 'fitted' in b);
      if (ets?.fitted != null) etsSpec = ets.fitted.spec;
      fittedStart = fold.train.start;
      if (levelsAsked !== null) {
        const before = series.slice({ from: labels[fold.train.start], to: labels[fold.cutoff - 1] });
        calibration = await calibrateFold(before, config, levelsAsked, options.horizon ?? 1, fitOptions);
      }
    }
    const known = series.slice({ from: labels[fold.train.start], to: labels[fold.cutoff - 1] });
    const steps = fold.test.end - fold.test.start;
    // known-future columns: their values after the cutoff are the series' own (known ahead, by definition)
    const future =
      (config.knownFuture ?? []).length > 0 ? { future: series.slice({ from: labels[fold.cutoff] }) } : {};
    const f = forecaster!.forecast(known, steps, future);
    const actual = levels.slice(fold.test.start, fold.test.end);
    const history = levels.subarray(fittedStart, fold.cutoff);
    const forecasts: Record<string, Float64Array> = {};
    for (const b of fitted) forecasts[b.name] = b.predict(history, [history.length], steps);
    const naive = forecasts['naive'];
    const used = calibration === null ? null : observed.update(calibration, fold.cutoff);
    folds.push({
      ...fold,
      cutoffLabel: labels[fold.cutoff],
      labels: labels.slice(fold.test.start, fold.test.end),
      actual,
      forecast: f.values,
      naive,
      baselines: forecasts,
      refitted: refit,
      rmse: rmse(actual, f.values),
      naiveRmse: rmse(actual, naive),
      scale: maskedNaiveScale(levels.subarray(fold.train.start, fold.cutoff), m),
      ...(used !== null ? { bands: foldBands(f.values, used) } : {}),
    });
    if (used !== null) observed.add(fold.test.start, actual, f.values, used);
  }
  const names = Object.keys(folds[0].baselines);
  const score = (pick: (r: FoldResult) => Float64Array, h?: number): BacktestScore => {
    const a: number[] = [];
    const f: number[] = [];
    let scaled = 0;
    let scaleKnown = true;
    for (const r of folds) {
      const values = pick(r);
      for (let j = 0; j < r.actual.length; j++) {
        if (h !== undefined && j !== h - 1) continue;
        a.push(r.actual[j]);
        f.push(values[j]);
        if (r.scale > 0) scaled += Math.abs(r.actual[j] - values[j]) / r.scale;
        else scaleKnown = false;
      }
    }
    return { rmse: rmse(a, f), mae: mae(a, f), mase: scaleKnown ? scaled / a.length : null };
  };
  const scoresOf = (h?: number) => ({
    model: score((r) => r.forecast, h),
    baselines: Object.fromEntries(names.map((n) => [n, score((r) => r.baselines[n], h)])),
  });
  const overall = scoresOf();
  const H = Math.max(...folds.map((r) => r.actual.length));
  const byHorizon = Array.from({ length: H }, (_, j) => ({
    horizon: j + 1,
    points: folds.filter((r) => r.actual.length > j).length,
    ...scoresOf(j + 1),
  }));
  const base = compareToBaselines(overall.model, overall.baselines);
  const losses: HorizonLoss[] = [];
  for (const s of byHorizon) {
    let best = names[0];
    for (const n of names) if (s.baselines[n].rmse < s.baselines[best].rmse) best = n;
    if (s.model.rmse > s.baselines[best].rmse) {
      losses.push({
        horizon: s.horizon,
        baseline: best,
        modelRmse: s.model.rmse,
        baselineRmse: s.baselines[best].rmse,
      });
    }
  }
  const comparison = H === 1 ? base : { ...base, summary: `${base.summary}; ${horizonSentence(H, losses)}` };
  const last = folds[folds.length - 1];
  return {
    folds,
    overall: { model: overall.model, naive: overall.baselines['naive'], baselines: overall.baselines },
    byHorizon,
    comparison,
    verdict: comparison.versusNaive,
    lastFold: {
      from: labels[last.test.start],
      to: labels[last.test.end - 1],
      rows: last.test.end - last.test.start,
      full: last.test.end - last.test.start === (options.horizon ?? 1),
    },
    unscoredRows: series.length - Math.max(...folds.map((r) => r.test.end)),
    losses,
    baselineModels: Object.fromEntries(
      fitted.filter((b) => b.describe !== undefined).map((b) => [b.name, b.describe!()]),
    ),
    seasonalPeriod: m,
    ...(levelsAsked !== null ? { intervals: pooledIntervals(folds, levelsAsked) } : {}),
  };
}

function int(what: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min)
    throw new SeqcastError('config', `backtest: ${what} must be an integer ≥ ${min} (got ${v})`);
  return v;
}
