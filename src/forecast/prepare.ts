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
import type { Series } from '../series/series.js';
import type { Transform } from '../series/transforms.js';
import { getTransform } from '../series/transforms.js';
import type { ForecastConfig, ResolvedConfig } from './config.js';
import { contextOf, resolveConfig } from './config.js';
import { transformed } from './pipeline.js';

/** A fitted pipeline's data side: which columns it reads, its transform and its (fitted) scaler. */
export interface FittedPipeline {
  readonly config: ResolvedConfig;
  /** The model's input columns: the targets first, then the other features. */
  readonly columns: readonly string[];
  readonly transform: Transform;
  readonly scaler: Scaler | null;
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
}

/** Everything fitting needs: the resolved configuration, the fitted scaler, and the training windows. */
export interface Prepared extends FittedPipeline, PreparedInput {
  /** The first level row of the test part (= the number of training level rows). */
  readonly splitLevel: number;
  /** The split of the transformed rows, the rows the scaler was fitted on. */
  readonly split: Split;
  /** Training windows: x [N, window, C], y [N, horizon · targets] (step-major), scaled. */
  readonly train: Windows;
}

/** Resolves `config` against `series`, and transforms, splits, scales and windows its training part. */
export function prepare(series: Series, config: ForecastConfig = {}): Prepared {
  const cfg = resolveConfig(config, contextOf(series));
  const columns = [...cfg.target, ...cfg.features];
  const C = columns.length;
  const transform = getTransform(cfg.transform);
  const labels = series.labels();
  const levels = columns.map((c) => series.column(c));
  const z = transformed(levels, transform);
  const splitLevel =
    cfg.splitDate !== null ? splitRow(series, cfg.splitDate) : Math.floor(cfg.trainFraction! * series.length);
  const split = chronologicalSplit(z.rows, { window: cfg.window, splitIndex: splitLevel - transform.lag });
  const scaler = cfg.scaler === 'none' ? null : fitScaler(cfg.scaler, z.data, C, split);
  const scaled = scaler === null ? z.data : scaler.transform(z.data);
  const train = makeWindows(scaled.subarray(0, split.splitIndex * C), C, {
    window: cfg.window,
    horizon: cfg.horizon,
    stride: cfg.stride,
    targets: cfg.target.map((_, k) => k),
  });
  return {
    config: cfg,
    series,
    columns,
    transform,
    scaler,
    labels,
    levels,
    scaled,
    splitLevel,
    split,
    train,
  };
}

/** `series` transformed and scaled as `pipeline` was fitted; the series must hold its columns. */
export function prepareInput(series: Series, pipeline: FittedPipeline): PreparedInput {
  const { columns, transform, scaler } = pipeline;
  const missing = columns.filter((c) => !series.names.includes(c));
  if (missing.length > 0) {
    throw new SeqcastError(
      'config',
      `the model was trained on the columns ${columns.map((c) => `'${c}'`).join(', ')}, but the data lacks ` +
        `${missing.map((c) => `'${c}'`).join(', ')} (it has ${series.names.map((c) => `'${c}'`).join(', ')}); give data with the same columns`,
    );
  }
  const levels = columns.map((c) => series.column(c));
  const z = transformed(levels, transform);
  const scaled = scaler === null ? z.data : scaler.transform(z.data);
  return { series, levels, scaled, labels: series.labels() };
}

/** The one-step windows of the rows after the training period, one per scored level row. */
export interface TestWindows {
  /** The first scored level row. */
  readonly testStart: number;
  /** x [N, window, C] (float32), one window per level row testStart … L − 1. */
  readonly x: Windows['x'];
  readonly rows: number;
}

/** The windows that forecast every level row after `trainedThrough` (a label), one step ahead. */
export function testWindows(
  input: PreparedInput,
  pipeline: FittedPipeline,
  trainedThrough: string,
  label = 'evaluate()',
): TestWindows {
  const { labels, scaled } = input;
  const { window } = pipeline.config;
  const lag = pipeline.transform.lag;
  const C = pipeline.columns.length;
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
  const test = makeWindows(scaled.subarray(zStart * C), C, { window, horizon: 1, dtype: 'float32' });
  return { testStart, x: test.x, rows: test.starts.length };
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
