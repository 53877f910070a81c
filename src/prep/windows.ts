/**
 * Supervised windows from a [length, features] series. Window i starts at row s_i = i · stride:
 *
 *     x[i] = rows s_i .. s_i + window − 1, the input columns          → x [N, window, inputs]
 *     y[i] = rows s_i + window .. s_i + window + horizon − 1, targets → y [N, horizon · targets]
 *     N    = floor((length − window − horizon) / stride) + 1
 *
 * With several targets, y[i] lists horizon step 1's targets, then step 2's, … (h-major). stride = 1 gives
 * overlapping windows; stride = window the non-overlapping windows some tutorials use.
 */
import { SeqcastError } from '../errors.js';
import type { DType, Tensor } from '../tensor.js';
import { allocate } from '../tensor.js';

export interface WindowOptions {
  readonly window: number;
  /** Steps to predict; default 1. */
  readonly horizon?: number;
  /** Rows between window starts; default 1. */
  readonly stride?: number;
  /** Columns fed to the model; default all. */
  readonly inputs?: readonly number[];
  /** Columns to predict; default [0]. */
  readonly targets?: readonly number[];
  /** Default 'float32' (what models compute in). */
  readonly dtype?: DType;
}

export interface Windows {
  readonly x: Tensor;
  readonly y: Tensor;
  /** Row where each window starts. */
  readonly starts: Int32Array;
  readonly window: number;
  readonly horizon: number;
}

export function makeWindows(data: ArrayLike<number>, features: number, options: WindowOptions): Windows {
  const { window } = options;
  const horizon = options.horizon ?? 1;
  const stride = options.stride ?? 1;
  const inputs = options.inputs ?? Array.from({ length: features }, (_, f) => f);
  const targets = options.targets ?? [0];
  const length = data.length / features;
  for (const [name, v] of [
    ['window', window],
    ['horizon', horizon],
    ['stride', stride],
  ] as const) {
    if (!Number.isInteger(v) || v < 1)
      throw new SeqcastError('config', `windows(): ${name} must be an integer ≥ 1 (got ${v})`);
  }
  for (const [name, cols] of [
    ['inputs', inputs],
    ['targets', targets],
  ] as const) {
    if (cols.length === 0 || cols.some((c) => !Number.isInteger(c) || c < 0 || c >= features)) {
      throw new SeqcastError(
        'config',
        `windows(): ${name} must list column numbers 0 .. ${features - 1} (got [${cols.join(', ')}])`,
      );
    }
  }
  if (!Number.isInteger(length) || window + horizon > length) {
    throw new SeqcastError(
      'config',
      `windows(): window must be an integer ≥ 1 and window + horizon ≤ series length (got window ${window} + horizon ${horizon} ` +
        `for ${Number.isInteger(length) ? length : data.length / features} rows)`,
    );
  }
  const N = Math.floor((length - window - horizon) / stride) + 1;
  const I = inputs.length;
  const K = targets.length;
  const dtype = options.dtype ?? 'float32';
  const x = allocate(dtype, N * window * I);
  const y = allocate(dtype, N * horizon * K);
  const starts = new Int32Array(N);
  for (let i = 0; i < N; i++) {
    const s = i * stride;
    starts[i] = s;
    for (let t = 0; t < window; t++) {
      for (let c = 0; c < I; c++) x[(i * window + t) * I + c] = data[(s + t) * features + inputs[c]];
    }
    for (let h = 0; h < horizon; h++) {
      for (let k = 0; k < K; k++)
        y[(i * horizon + h) * K + k] = data[(s + window + h) * features + targets[k]];
    }
  }
  return {
    x: { shape: [N, window, I], data: x },
    y: { shape: [N, horizon * K], data: y },
    starts,
    window,
    horizon,
  };
}

export interface Alignment {
  readonly window: number;
  /** The labels (dates) of the rows that feed the window. */
  readonly inputs: readonly string[];
  /** The labels of the rows it predicts. */
  readonly targets: readonly string[];
}

/**
 * What window i sees and predicts, by date: the check that shows a misaligned pipeline at a glance.
 * `labels` are the series' row labels; `offset` the row of the series where `windows` began (e.g. the
 * split's testStart for test windows).
 */
export function alignment(windows: Windows, labels: readonly string[], i: number, offset = 0): Alignment {
  if (!Number.isInteger(i) || i < 0 || i >= windows.starts.length) {
    throw new SeqcastError(
      'config',
      `alignment(): window must be 0 .. ${windows.starts.length - 1} (got ${i})`,
    );
  }
  const s = offset + windows.starts[i];
  return {
    window: i,
    inputs: labels.slice(s, s + windows.window),
    targets: labels.slice(s + windows.window, s + windows.window + windows.horizon),
  };
}

/** A few lines such as `window 0: 1950-01-01 .. 1950-12-01 (12 rows) → 1951-01-01`. */
export function formatAlignment(a: Alignment): string {
  const first = a.inputs[0];
  const last = a.inputs[a.inputs.length - 1];
  return `window ${a.window}: ${first} .. ${last} (${a.inputs.length} rows) → ${a.targets.join(', ')}`;
}
