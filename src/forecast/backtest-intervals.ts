/**
 * Prediction intervals in walk-forward backtests. At each refit, the fold's training rows [start, cutoff)
 * are split once more: the same configuration is fitted on [start, cutoff − v) and forecasts `steps` rows
 * from every origin of [cutoff − v, cutoff − steps] exactly as the fold will (forecast(), direct or
 * recursive); those out-of-sample residuals, per horizon, calibrate split-conformal half-widths
 * (intervals.ts) for the fold's forecasts. v = max(⌈0.2 · training rows⌉, the fewest residuals that give a
 * finite quantile at the highest level + steps − 1). Nothing after the cutoff is read. A fold's coverage and
 * interval score are then measured on its own rows; the result pools them overall and per horizon. As the
 * walk-forward goes on, the earlier folds' residuals join the calibration once their actual values are known
 * (ObservedResiduals): still nothing after the cutoff, and the bands follow errors that change through time.
 */
import type { Series } from '../series/series.js';
import type { ForecastConfig } from './config.js';
import type { FitForecasterOptions } from './forecaster.js';
import { Forecaster } from './forecaster.js';
import type { Band, IntervalQuality, IntervalScale } from './intervals.js';
import {
  bands,
  conformalHalfWidths,
  conformalQuantile,
  intervalQuality,
  minimumResiduals,
  scaledResiduals,
} from './intervals.js';

/** Half-widths per level and horizon, calibrated on the tail of one fold's training rows. */
export interface FoldCalibration {
  readonly levels: readonly number[];
  readonly halfWidths: readonly (readonly number[])[];
  readonly scale: IntervalScale;
  /** Residuals per horizon. */
  readonly residuals: number;
  /** The calibration residuals themselves, [residuals, steps] row-major, on `scale`. */
  readonly scores: Float64Array;
}

/**
 * Calibrates intervals for forecasts of `steps` rows after `known` (the fold's training rows), or returns
 * null when `known` is too short to hold a calibration part and still fit a window.
 */
export async function calibrateFold(
  known: Series,
  config: ForecastConfig,
  levels: readonly number[],
  steps: number,
  fitOptions: FitForecasterOptions = {},
): Promise<FoldCalibration | null> {
  const n = known.length;
  const v = Math.max(Math.ceil(0.2 * n), minimumResiduals(levels[levels.length - 1]) + steps - 1);
  const start = n - v;
  const window = config.window ?? 12;
  if (start - window - 1 < Math.max(2 * window, 24)) return null;
  const labels = known.labels();
  const target =
    config.target === undefined
      ? known.names[0]
      : typeof config.target === 'string'
        ? config.target
        : config.target[0];
  const f = await Forecaster.fit(
    known,
    { ...config, splitDate: labels[start] },
    { callbacks: fitOptions.callbacks },
  );
  const level = known.column(target);
  const rows = v - steps + 1;
  const actual = new Float64Array(rows * steps);
  const forecast = new Float64Array(rows * steps);
  for (let i = 0; i < rows; i++) {
    const t = start + i;
    // known-future columns: their values after t are the series' own, as in the fold itself
    const future = (config.knownFuture ?? []).length > 0 ? { future: known.slice({ from: labels[t] }) } : {};
    const path = f.forecast(known.slice({ to: labels[t - 1] }), steps, { target, ...future }).values;
    for (let h = 0; h < steps; h++) {
      actual[i * steps + h] = level[t + h];
      forecast[i * steps + h] = path[h];
    }
  }
  const scale: IntervalScale =
    f.config.transform === 'log' || f.config.transform === 'logDiff' ? 'log' : 'absolute';
  const res = scaledResiduals(actual, forecast, scale);
  return {
    levels,
    halfWidths: levels.map((l) => conformalHalfWidths(res, steps, l)),
    scale,
    residuals: rows,
    scores: res,
  };
}

/**
 * The step γ of adaptive conformal inference (Gibbs & Candès 2021, "Adaptive conformal inference under
 * distribution shift"): after each outcome known by a fold's cutoff, α_t+1 = α_t + γ(α − miss_t), so a run of
 * misses widens the next bands and a run of hits narrows them; long-run coverage is within
 * (1 + γ)/(γT) of nominal whatever the errors do. 0.05 was chosen among 0, 0.02 and 0.05 on the three public
 * series (bench/forecast-quality.mjs) and checked on two others (bench/README.md).
 */
export const ACI_STEP = 0.05;

/**
 * The residuals of earlier folds' forecasts, kept as the walk-forward goes on: each becomes part of the
 * calibration once its actual value is known (its row is before the cutoff of the fold being forecast).
 * They are out-of-sample residuals like the calibration part's, and later in time, so the intervals follow
 * errors that grow or shrink through the series (online split conformal); and each level is steered by the
 * misses of the bands issued before (adaptive conformal inference, ACI_STEP).
 */
export class ObservedResiduals {
  private readonly rows: number[] = [];
  private readonly horizons: number[] = [];
  private readonly values: number[] = [];
  /** The half-widths each recorded forecast was issued with, per level. */
  private readonly issued: (readonly number[])[] = [];

  /**
   * Records a fold's residuals: the forecast from the origin whose first target is row `first`, issued with
   * the half-widths of `used` (whose misses steer the levels, see update()).
   */
  add(first: number, actual: ArrayLike<number>, forecast: ArrayLike<number>, used: FoldCalibration): void {
    const scale = used.scale;
    const res = scaledResiduals(actual, forecast, scale);
    for (let h = 0; h < res.length; h++) {
      this.rows.push(first + h);
      this.horizons.push(h);
      this.values.push(res[h]);
      this.issued.push(used.halfWidths.map((w) => w[h]));
    }
  }

  /** The calibration updated with every recorded residual whose row is before `cutoff`. */
  update(c: FoldCalibration, cutoff: number): FoldCalibration {
    const steps = c.scores.length / c.residuals;
    const columns: number[][] = Array.from({ length: steps }, (_, h) =>
      Array.from({ length: c.residuals }, (_, i) => c.scores[i * steps + h]),
    );
    for (let k = 0; k < this.values.length; k++) {
      if (this.rows[k] < cutoff && this.horizons[k] < steps) columns[this.horizons[k]].push(this.values[k]);
    }
    // adaptive conformal inference: each known outcome moves its level's α by γ(α_nominal − miss)
    const shift = c.levels.map(() => new Float64Array(steps));
    for (let k = 0; k < this.values.length; k++) {
      if (!(this.rows[k] < cutoff && this.horizons[k] < steps) || Number.isNaN(this.values[k])) continue;
      const h = this.horizons[k];
      c.levels.forEach((l, j) => {
        const miss = Math.abs(this.values[k]) > this.issued[k][j] ? 1 : 0;
        shift[j][h] += ACI_STEP * (1 - l - miss);
      });
    }
    return {
      ...c,
      halfWidths: c.levels.map((l, j) =>
        columns.map((col, h) => {
          // 1 − α, kept where the quantile is finite (an α below 0 would mean an unbounded interval)
          const n = col.length;
          const level = Math.min(Math.max(l - shift[j][h], 0), n / (n + 1));
          return conformalQuantile(col, level);
        }),
      ),
      residuals: Math.min(...columns.map((col) => col.length)),
    };
  }
}

/** The bands of one fold's forecast from its calibration. */
export function foldBands(values: ArrayLike<number>, c: FoldCalibration): Band[] {
  // a fold may be shorter than the calibrated steps (a partial last fold): bands for its rows only
  return bands(values, values.length, c.levels, c.halfWidths, c.scale);
}

/** Coverage and interval score per level, overall and at each horizon, pooled over the folds with bands. */
export interface BacktestIntervals {
  readonly levels: readonly number[];
  /** How each refit calibrated its intervals. */
  readonly method: string;
  /** Folds without intervals (too few training rows to calibrate on). */
  readonly uncalibratedFolds: number;
  readonly overall: readonly IntervalQuality[];
  /** byHorizon[level index][h − 1]. */
  readonly byHorizon: readonly (readonly IntervalQuality[])[];
}

export function pooledIntervals(
  folds: readonly {
    readonly actual: Float64Array;
    readonly bands?: readonly Band[];
  }[],
  levels: readonly number[],
): BacktestIntervals {
  const H = Math.max(...folds.map((f) => f.actual.length));
  const pick = (j: number, h?: number) => {
    const lower: number[] = [];
    const upper: number[] = [];
    const actual: number[] = [];
    for (const f of folds) {
      if (f.bands === undefined) continue;
      for (let i = 0; i < f.actual.length; i++) {
        if (h !== undefined && i !== h) continue;
        lower.push(f.bands[j].lower[i]);
        upper.push(f.bands[j].upper[i]);
        actual.push(f.actual[i]);
      }
    }
    return intervalQuality(lower, upper, actual, levels[j]);
  };
  return {
    levels,
    method:
      'split conformal at each refit: the configuration fitted on the fold’s training rows minus their last 20 % (at least enough for the highest level), ' +
      'its out-of-sample residuals there per horizon, joined by the earlier folds’ residuals once their actual values are known, ' +
      'giving the ⌈(n + 1)·level⌉-th smallest |residual| (on the log scale for a log transform); each level adapted to the earlier bands’ misses ' +
      `(adaptive conformal inference, γ = ${ACI_STEP})`,
    uncalibratedFolds: folds.filter((f) => f.bands === undefined).length,
    overall: levels.map((_, j) => pick(j)),
    byHorizon: levels.map((_, j) => Array.from({ length: H }, (_, h) => pick(j, h))),
  };
}
