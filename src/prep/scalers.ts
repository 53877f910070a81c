/**
 * Scalers, one per feature column, fitted on the TRAINING rows of a Split only: `fitScaler` takes the whole
 * series and the Split, and reads rows [0, splitIndex) — there is no way to hand it test data. A scaler
 * restored from a saved model (`scalerFromState`) is already fitted.
 *
 * MinMax (scikit-learn MinMaxScaler, featureRange [a, b]):
 *     scale = (b − a) / (max − min),  min_ = a − dataMin · scale,  s = x · scale + min_,  x = (s − min_) / scale
 * Standard (scikit-learn StandardScaler, population std):
 *     s = (x − mean) / std,  x = s · std + mean
 * A constant column gets scale 1 (as scikit-learn does), so it does not divide by zero.
 */
import { SeqcastError } from '../errors.js';
import type { Split } from './split.js';

export type ScalerKind = 'minMax' | 'standard';

export type ScalerState =
  | {
      readonly kind: 'minMax';
      readonly featureRange: readonly [number, number];
      readonly dataMin: readonly number[];
      readonly dataMax: readonly number[];
    }
  | { readonly kind: 'standard'; readonly mean: readonly number[]; readonly std: readonly number[] };

export interface Scaler {
  readonly kind: ScalerKind;
  /** Features (columns) it was fitted on. */
  readonly features: number;
  /** Per column: s = x · scale + offset. */
  readonly scale: readonly number[];
  readonly offset: readonly number[];
  /** Scales [L, F] row-major data into a new array. */
  transform(data: ArrayLike<number>): Float64Array;
  /** Undoes `transform` for values of ONE column (e.g. forecasts of the target). */
  inverseColumn(values: ArrayLike<number>, column: number): Float64Array;
  /** The JSON state a saved model keeps. */
  state(): ScalerState;
}

export interface ScalerOptions {
  /** MinMax only; default [0, 1]. */
  readonly featureRange?: readonly [number, number];
}

/** Fits on the training rows of `split` only. data is [length, features] row-major. */
export function fitScaler(
  kind: ScalerKind,
  data: ArrayLike<number>,
  features: number,
  split: Split,
  options: ScalerOptions = {},
): Scaler {
  if (data.length !== split.length * features) {
    throw new SeqcastError(
      'shape',
      `fitScaler(): data holds ${data.length} values but the split describes ${split.length} rows of ${features} features`,
    );
  }
  const n = split.splitIndex;
  if (kind === 'minMax') {
    const range = options.featureRange ?? [0, 1];
    if (!(range[0] < range[1])) {
      throw new SeqcastError(
        'config',
        `fitScaler(): featureRange must be [low, high] with low < high (got [${range.join(', ')}])`,
      );
    }
    const dataMin: number[] = [];
    const dataMax: number[] = [];
    for (let f = 0; f < features; f++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let r = 0; r < n; r++) {
        const v = data[r * features + f];
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      dataMin.push(lo);
      dataMax.push(hi);
    }
    return scalerFromState({ kind: 'minMax', featureRange: [range[0], range[1]], dataMin, dataMax });
  }
  if (kind === 'standard') {
    const mean: number[] = [];
    const std: number[] = [];
    for (let f = 0; f < features; f++) {
      let s = 0;
      for (let r = 0; r < n; r++) s += data[r * features + f];
      const m = s / n;
      let ss = 0;
      for (let r = 0; r < n; r++) ss += (data[r * features + f] - m) ** 2;
      mean.push(m);
      std.push(Math.sqrt(ss / n));
    }
    return scalerFromState({ kind: 'standard', mean, std });
  }
  throw new SeqcastError(
    'config',
    `fitScaler(): unknown scaler ${JSON.stringify(kind)}; use 'minMax' or 'standard'`,
  );
}

/** A fitted scaler from its saved state (every number checked). */
export function scalerFromState(state: ScalerState): Scaler {
  const scale: number[] = [];
  const offset: number[] = [];
  if (state.kind === 'minMax') {
    const [a, b] = state.featureRange;
    state.dataMin.forEach((lo, f) => {
      const hi = state.dataMax[f];
      const range = hi - lo === 0 ? 1 : hi - lo;
      const s = (b - a) / range;
      scale.push(s);
      offset.push(a - lo * s);
    });
  } else if (state.kind === 'standard') {
    state.mean.forEach((m, f) => {
      const sd = state.std[f] === 0 ? 1 : state.std[f];
      scale.push(1 / sd);
      offset.push(-m / sd);
    });
  } else {
    throw new SeqcastError(
      'config',
      `scaler state: unknown kind ${JSON.stringify((state as { kind: unknown }).kind)}`,
    );
  }
  if (![...scale, ...offset].every(Number.isFinite) || scale.length === 0) {
    throw new SeqcastError(
      'non-finite',
      `scaler state: its numbers must be finite (${JSON.stringify(state)})`,
    );
  }
  const features = scale.length;
  return {
    kind: state.kind,
    features,
    scale,
    offset,
    transform(data) {
      if (data.length % features !== 0) {
        throw new SeqcastError(
          'shape',
          `scaler.transform(): ${data.length} values do not form rows of ${features} features`,
        );
      }
      const out = new Float64Array(data.length);
      for (let i = 0; i < data.length; i++) {
        const f = i % features;
        out[i] = data[i] * scale[f] + offset[f];
      }
      return out;
    },
    inverseColumn(values, column) {
      if (!Number.isInteger(column) || column < 0 || column >= features) {
        throw new SeqcastError(
          'config',
          `scaler.inverseColumn(): column must be 0 .. ${features - 1} (got ${column})`,
        );
      }
      const out = new Float64Array(values.length);
      if (state.kind === 'minMax') {
        // as scikit-learn's inverse_transform: x = (s − min_) / scale
        for (let i = 0; i < values.length; i++) out[i] = (values[i] - offset[column]) / scale[column];
      } else {
        const sd = state.std[column] === 0 ? 1 : state.std[column];
        for (let i = 0; i < values.length; i++) out[i] = values[i] * sd + state.mean[column];
      }
      return out;
    },
    state: () => state,
  };
}
