/**
 * The data side of the forecasting pipeline, as pure functions: series → transform → chronological split →
 * scaler (fitted on the training rows only) → windows. Nothing here trains or predicts, and nothing changes
 * its input: the same series and configuration always give the same result.
 *
 * Rows: the series has L level rows; a transform with lag 1 (diff, logDiff, pctChange) turns them into
 * L − lag rows of changes, change row r belonging to level row r + lag. The split is made on LEVEL rows
 * (`splitLevel` is the first test level row), so the test targets are the same level rows whatever the
 * transform.
 *
 *   prepare(series, config)                         for fitting: resolves the config, fits the scaler
 *   prepareInput(series, pipeline)                  for a fitted pipeline: transform and scale new data
 *   testWindows(input, pipeline, trainedThrough)    the one-step windows of every row after training
 */
import { SeqcastError } from '../errors.js';
import type { Scaler } from '../prep/scalers.js';
import { fitScaler } from '../prep/scalers.js';
import type { Split } from '../prep/split.js';
import { chronologicalSplit } from '../prep/split.js';
import type { Windows } from '../prep/windows.js';
import { makeWindows } from '../prep/windows.js';
import { checkNoGaps } from '../series/gaps.js';
import type { Series } from '../series/series.js';
import type { Transform } from '../series/transforms.js';
import { getTransform } from '../series/transforms.js';
import type { ForecastConfig, ResolvedConfig } from './config.js';
import { contextOf, resolveConfig } from './config.js';
import type { KnownScale } from './covariates.js';
import {
  checkCalendarForSeries,
  covariateChannels,
  covariateRows,
  fitKnownScale,
  futureValues,
  withCovariates,
} from './covariates.js';
import { transformed } from './pipeline.js';

/** A fitted pipeline's data side: which columns it reads, its transform and its (fitted) scaler. */
export interface FittedPipeline {
  readonly config: ResolvedConfig;
  /** The model's input columns: the targets first, then the other features. */
  readonly columns: readonly string[];
  readonly transform: Transform;
  readonly scaler: Scaler | null;
  /** The known-future columns' scale (covariates.ts); null without known-future columns. */
  readonly knownScale: KnownScale | null;
}

/** The model's input width: the C columns, and H · F covariate columns (covariates.ts). */
export function inputWidth(pipeline: FittedPipeline): number {
  return pipeline.columns.length + covariateChannels(pipeline.config);
}

/** Whether the pipeline reads covariates (calendar features or known-future columns). */
export function hasCovariates(cfg: ResolvedConfig): boolean {
  return cfg.calendar.length > 0 || cfg.knownFuture.length > 0;
}

/** A series as a fitted pipeline reads it. */
export interface PreparedInput {
  /** The series read, whose index places labels in time (`rowsBefore`, `rowsThrough`). */
  readonly series: Series;
  readonly labels: readonly string[];
  /** The level rows of each column of `columns`. */
  readonly levels: readonly Float64Array[];
  /** Transformed and scaled: [L − lag, C] row-major, C = columns.length. */
  readonly scaled: Float64Array;
  /**
   * What the model reads: [L − lag, I], I = inputWidth(pipeline); `scaled` itself without covariates, else
   * each row followed by the covariates of the H rows after it (covariates.ts).
   */
  readonly inputs: Float64Array;
}

/** Everything fitting needs: the resolved configuration, the fitted scaler, and the training windows. */
export interface Prepared extends FittedPipeline, PreparedInput {
  /** The first level row of the test part (= the number of training level rows). */
  readonly splitLevel: number;
  /** The split of the transformed rows, the rows the scaler was fitted on. */
  readonly split: Split;
  /** Training windows: x [N, window, C], y [N, horizon · targets] (step-major), scaled. */
  readonly train: Windows;
  /** Training windows left out because they touch a missing value (a masked gap). */
  readonly maskedWindows: number;
}

/** Resolves `config` against `series`, and transforms, splits, scales and windows its training part. */
export function prepare(series: Series, config: ForecastConfig = {}): Prepared {
  checkNoGaps(series, 'forecaster');
  const cfg = resolveConfig(config, contextOf(series));
  checkCalendarForSeries(cfg.calendar, series);
  const columns = [...cfg.target, ...cfg.features];
  const C = columns.length;
  const transform = getTransform(cfg.transform);
  const labels = series.labels();
  const levels = columns.map((c) => series.column(c));
  const z = transformed(levels, transform);
  const splitLevel =
    cfg.splitDate !== null ? splitRow(series, cfg.splitDate) : Math.floor(cfg.trainFraction! * series.length);
  const split = chronologicalSplit(z.rows, { window: cfg.window, splitIndex: splitLevel - transform.lag });
  const scaler = cfg.scaler === 'none' ? null : fitScaler(cfg.scaler, ...knownRows(z.data, C, split));
  const scaled = scaler === null ? z.data : scaler.transform(z.data);
  const knownScale = cfg.knownFuture.length > 0 ? fitKnownScale(series, cfg.knownFuture, splitLevel) : null;
  const inputs = hasCovariates(cfg)
    ? withCovariates(scaled, C, transform.lag, cfg, covariateRows(series, cfg, knownScale))
    : scaled;
  const I = inputWidth({ config: cfg, columns, transform, scaler, knownScale });
  const all = makeWindows(inputs.subarray(0, split.splitIndex * I), I, {
    window: cfg.window,
    horizon: cfg.horizon,
    stride: cfg.stride,
    targets: cfg.target.map((_, k) => k),
  });
  const train = completeWindows(all);
  return {
    config: cfg,
    series,
    columns,
    transform,
    scaler,
    knownScale,
    labels,
    levels,
    scaled,
    inputs,
    splitLevel,
    split,
    train,
    maskedWindows: all.starts.length - train.starts.length,
  };
}

/**
 * `series` transformed and scaled as `pipeline` was fitted; the series must hold its columns (and its
 * known-future columns). `future` supplies the covariates' dates and known-future values after the series'
 * last row (for a forecast; futureValues in covariates.ts).
 */
export function prepareInput(
  series: Series,
  pipeline: FittedPipeline,
  future?: { readonly index: ArrayLike<number>; readonly values: readonly ArrayLike<number>[] },
): PreparedInput {
  checkNoGaps(series, 'forecaster');
  const { columns, transform, scaler, config: cfg } = pipeline;
  checkCalendarForSeries(cfg.calendar, series);
  const missing = [...columns, ...cfg.knownFuture].filter((c) => !series.names.includes(c));
  if (missing.length > 0) {
    throw new SeqcastError(
      'config',
      `the model was trained on the columns ${[...columns, ...cfg.knownFuture].map((c) => `'${c}'`).join(', ')}, but the data lacks ` +
        `${missing.map((c) => `'${c}'`).join(', ')} (it has ${series.names.map((c) => `'${c}'`).join(', ')}); give data with the same columns`,
    );
  }
  const levels = columns.map((c) => series.column(c));
  const z = transformed(levels, transform);
  const scaled = scaler === null ? z.data : scaler.transform(z.data);
  // without future values, the calendar of the H dates after the data is still known
  const ahead = hasCovariates(cfg) ? (future ?? futureValues(series, undefined, [], cfg.horizon, '')) : null;
  const inputs =
    ahead === null
      ? scaled
      : withCovariates(
          scaled,
          columns.length,
          transform.lag,
          cfg,
          covariateRows(series, cfg, pipeline.knownScale, ahead.index, ahead.values),
        );
  return { series, levels, scaled, inputs, labels: series.labels() };
}

/** The one-step windows of the rows after the training period, one per scored level row. */
export interface TestWindows {
  /** The first scored level row. */
  readonly testStart: number;
  /**
   * x [N, window, C] (float32), one window per level row testStart … L − 1. A window that touches a missing
   * value (a masked gap) holds zeros and is marked in `known`.
   */
  readonly x: Windows['x'];
  readonly rows: number;
  /** known[i] = 1 when window i's inputs are all known (no masked gap); 0 when it must not be scored. */
  readonly known: Uint8Array;
}

/** The windows that forecast every level row after `trainedThrough` (a label), one step ahead. */
export function testWindows(
  input: PreparedInput,
  pipeline: FittedPipeline,
  trainedThrough: string,
  label = 'evaluate()',
): TestWindows {
  const { labels, inputs } = input;
  const { window } = pipeline.config;
  const lag = pipeline.transform.lag;
  const C = inputWidth(pipeline);
  const testStart = input.series.rowsThrough(trainedThrough, label);
  if (testStart >= labels.length) {
    throw new SeqcastError(
      'config',
      `${label}: the series ends at ${labels[labels.length - 1]}, inside the training period (through ${trainedThrough}); give data that goes past it`,
    );
  }
  const zStart = testStart - lag - window;
  if (zStart < 0) {
    throw new SeqcastError(
      'config',
      `${label}: the first scored row ${labels[testStart]} needs ${window + lag} rows of history before it`,
    );
  }
  const test = makeWindows(inputs.subarray(zStart * C), C, { window, horizon: 1, dtype: 'float32' });
  const rows = test.starts.length;
  const known = new Uint8Array(rows).fill(1);
  const x = test.x.data;
  const size = window * C;
  for (let i = 0; i < rows; i++) {
    for (let j = i * size; j < (i + 1) * size; j++) {
      if (Number.isNaN(x[j])) {
        known[i] = 0;
        x.fill(0, i * size, (i + 1) * size);
        break;
      }
    }
  }
  return { testStart, x: test.x, rows, known };
}

/**
 * The training rows of `data` ([rows, C]) the scaler is fitted on: all of them, or, when some are missing
 * (a masked gap), the complete ones, gathered into a split of their own.
 */
function knownRows(data: Float64Array, C: number, split: Split): [Float64Array, number, Split] {
  const n = split.splitIndex;
  if (!data.subarray(0, n * C).some(Number.isNaN)) return [data, C, split];
  const kept: number[] = [];
  for (let r = 0; r < n; r++) {
    let complete = true;
    for (let c = 0; c < C; c++) if (Number.isNaN(data[r * C + c])) complete = false;
    if (complete) for (let c = 0; c < C; c++) kept.push(data[r * C + c]);
  }
  const rows = kept.length / C;
  if (rows < 2) {
    throw new SeqcastError(
      'non-finite',
      `forecaster: the training part has ${rows} complete row${rows === 1 ? '' : 's'} outside the masked gaps; fill the gaps (interpolate, ffill) or train on a longer series`,
    );
  }
  return [Float64Array.from(kept), C, { length: rows, splitIndex: rows, window: split.window, testStart: 0 }];
}

/** The windows whose inputs and targets are all known: those touching a masked gap are left out. */
function completeWindows(w: Windows): Windows {
  const [N, W, I] = w.x.shape;
  const Y = w.y.shape[1];
  const keep: number[] = [];
  for (let i = 0; i < N; i++) {
    const xs = w.x.data.subarray(i * W * I, (i + 1) * W * I);
    const ys = w.y.data.subarray(i * Y, (i + 1) * Y);
    if (!xs.some(Number.isNaN) && !ys.some(Number.isNaN)) keep.push(i);
  }
  if (keep.length === N) return w;
  if (keep.length === 0) {
    throw new SeqcastError(
      'non-finite',
      `forecaster: every training window touches a masked gap, so none is left to train on; fill the gaps (interpolate, ffill) or use a smaller window`,
    );
  }
  const x = new Float32Array(keep.length * W * I);
  const y = new Float32Array(keep.length * Y);
  keep.forEach((i, k) => {
    x.set(w.x.data.subarray(i * W * I, (i + 1) * W * I), k * W * I);
    y.set(w.y.data.subarray(i * Y, (i + 1) * Y), k * Y);
  });
  return {
    x: { shape: [keep.length, W, I], data: x },
    y: { shape: [keep.length, Y], data: y },
    starts: Int32Array.from(keep, (i) => w.starts[i]),
    window: w.window,
    horizon: w.horizon,
  };
}

/** The first row on or after the split date (an ISO date, or an integer for an integer index). */
function splitRow(series: Series, splitDate: string): number {
  const i = series.rowsBefore(splitDate, 'split');
  if (i === 0) {
    throw new SeqcastError(
      'config',
      `split: ${splitDate} is on or before the first row (${series.label(0)}), which leaves no training part; ` +
        `give a date inside the series, which runs ${series.label(0)} .. ${series.label(series.length - 1)}`,
    );
  }
  if (i >= series.length) {
    throw new SeqcastError(
      'config',
      `split: no row on or after ${splitDate}; the series runs ${series.label(0)} .. ${series.label(series.length - 1)}`,
    );
  }
  return i;
}
