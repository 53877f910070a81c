/**
 * Walk-forward backtests. At each cutoff c the model knows rows [start, c) and forecasts rows
 * [c, c + horizon); the next cutoff is c + stride. Expanding: start stays at 0. Sliding: the training part
 * keeps the size of the first one. The model is refitted every `refitEvery` folds (1 = every fold); in
 * between, the last fitted forecaster forecasts from the newer data.
 *
 * Each fold is scored with the naive path (the last known value repeated) beside it, and all forecast
 * points are pooled into overall scores.
 */
import { SeqcastError } from '../errors.js';
import { mae, rmse } from '../metrics/metrics.js';
import { verdict } from '../metrics/verdict.js';
import type { Series } from '../series/series.js';
import type { ForecastConfig } from './config.js';
import type { FitForecasterOptions } from './forecaster.js';
import { Forecaster } from './forecaster.js';

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
}

/** Row ranges are [start, end). */
export interface Fold {
  readonly index: number;
  readonly cutoff: number;
  readonly train: { readonly start: number; readonly end: number };
  readonly test: { readonly start: number; readonly end: number };
}

/** The folds of a walk-forward backtest over `length` rows; their boundaries are what the tests assert. */
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
  const maxFolds = options.maxFolds ?? Infinity;
  for (let k = 0, cutoff = initial; cutoff < length && k < maxFolds; k++, cutoff += stride) {
    yield {
      index: k,
      cutoff,
      train: { start: mode === 'sliding' ? cutoff - initial : 0, end: cutoff },
      test: { start: cutoff, end: Math.min(cutoff + horizon, length) },
    };
  }
}

export interface FoldResult extends Fold {
  readonly cutoffLabel: string;
  readonly labels: readonly string[];
  readonly actual: Float64Array;
  readonly forecast: Float64Array;
  readonly naive: Float64Array;
  readonly refitted: boolean;
  readonly rmse: number;
  readonly naiveRmse: number;
}

export interface BacktestResult {
  readonly folds: readonly FoldResult[];
  readonly overall: {
    readonly model: { readonly rmse: number; readonly mae: number };
    readonly naive: { readonly rmse: number; readonly mae: number };
  };
  readonly verdict: string;
}

export async function backtest(
  series: Series,
  config: ForecastConfig,
  options: BacktestOptions = {},
  fitOptions: FitForecasterOptions = {},
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
  const labels = series.labels();
  const folds: FoldResult[] = [];
  let forecaster: Forecaster | null = null;
  for (const fold of walkForwardFolds(series.length, options)) {
    const refit = forecaster === null || fold.index % refitEvery === 0;
    if (refit) {
      // Training sees rows [start, cutoff); the cutoff row is only the split point, never a training target.
      const part = series.slice({ from: labels[fold.train.start], to: labels[fold.cutoff] });
      forecaster = await Forecaster.fit(part, { ...config, splitDate: labels[fold.cutoff] }, fitOptions);
    }
    const known = series.slice({ from: labels[fold.train.start], to: labels[fold.cutoff - 1] });
    const steps = fold.test.end - fold.test.start;
    const f = forecaster!.forecast(known, steps);
    const actual = levels.slice(fold.test.start, fold.test.end);
    const naive = new Float64Array(steps).fill(levels[fold.cutoff - 1]);
    folds.push({
      ...fold,
      cutoffLabel: labels[fold.cutoff],
      labels: labels.slice(fold.test.start, fold.test.end),
      actual,
      forecast: f.values,
      naive,
      refitted: refit,
      rmse: rmse(actual, f.values),
      naiveRmse: rmse(actual, naive),
    });
  }
  const all = (pick: (r: FoldResult) => Float64Array): number[] => folds.flatMap((r) => Array.from(pick(r)));
  const a = all((r) => r.actual);
  const m = all((r) => r.forecast);
  const n = all((r) => r.naive);
  const overall = {
    model: { rmse: rmse(a, m), mae: mae(a, m) },
    naive: { rmse: rmse(a, n), mae: mae(a, n) },
  };
  return { folds, overall, verdict: verdict(overall.model.rmse, overall.naive.rmse) };
}

function int(what: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min)
    throw new SeqcastError('config', `backtest: ${what} must be an integer ≥ ${min} (got ${v})`);
  return v;
}
