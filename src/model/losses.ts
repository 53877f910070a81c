/**
 * Losses, averaged as Keras averages them: the elementwise loss is averaged over the last axis, then over
 * the batch (and time) — for equal-sized rows that is the plain mean over all n elements:
 *
 *     meanSquaredError   L = (1/n) Σ (p − y)²            dL/dp = 2 (p − y) / n
 *     meanAbsoluteError  L = (1/n) Σ |p − y|             dL/dp = sign(p − y) / n   (0 at p = y)
 *     huber(δ)           L = (1/n) Σ h(p − y),  h(e) = e²/2 if |e| ≤ δ, else δ (|e| − δ/2)
 *                                                        dL/dp = clamp(p − y, −δ, δ) / n
 *
 * With sample weights (one per row, a row being a vector on the last axis of width C) each element's term
 * is multiplied by its row's weight and the sum still divided by n: Keras's `sum_over_batch_size`
 * (keras/src/losses/loss.py `reduce_weighted_values`, `reduce_values`), weights multiplying the per-row means.
 * The crossentropies are in crossentropy.ts.
 */
import { SeqcastError } from '../errors.js';
import type { FloatArray } from '../tensor.js';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
} from './crossentropy.js';

export {
  binaryCrossentropy,
  categoricalCrossentropy,
  EPSILON,
  sparseCategoricalCrossentropy,
} from './crossentropy.js';
export type {
  BinaryCrossentropyOptions,
  CategoricalCrossentropyOptions,
  SparseCategoricalCrossentropyOptions,
} from './crossentropy.js';

export type LossName =
  | 'meanSquaredError'
  | 'meanAbsoluteError'
  | 'huber'
  | 'binaryCrossentropy'
  | 'categoricalCrossentropy'
  | 'sparseCategoricalCrossentropy';

export interface Loss {
  readonly name: LossName;
  /** Huber's delta; absent for the others. */
  readonly delta?: number;
  /** The crossentropies: the predictions are logits. */
  readonly fromLogits?: boolean;
  /** binaryCrossentropy and categoricalCrossentropy: Keras's label smoothing (0 = none). */
  readonly labelSmoothing?: number;
  /** The targets are class indices, one per row (sparseCategoricalCrossentropy), not shaped like the output. */
  readonly sparse?: boolean;
  /**
   * The loss over the n elements of `pred` (rows of `width` values on the last axis) and `target` (as many
   * elements, or one class index per row when `sparse`), reduced as Keras reduces it; `width` defaults to
   * n (one row); `weights`, when given, holds one weight per row. When `grad` is given, writes dL/dpred
   * into its first n entries.
   */
  compute(
    pred: ArrayLike<number>,
    target: ArrayLike<number>,
    n: number,
    grad: FloatArray | null,
    width?: number,
    weights?: ArrayLike<number> | null,
  ): number;
}

export function meanSquaredError(): Loss {
  return {
    name: 'meanSquaredError',
    compute(pred, target, n, grad, width = n, weights = null) {
      if (weights !== null && weights !== undefined) {
        return weighted(n, width, weights, grad, (i) => {
          const e = pred[i] - target[i];
          return [e * e, 2 * e];
        });
      }
      let s = 0;
      for (let i = 0; i < n; i++) {
        const e = pred[i] - target[i];
        s += e * e;
        if (grad !== null) grad[i] = (2 * e) / n;
      }
      return s / n;
    },
  };
}

export function meanAbsoluteError(): Loss {
  return {
    name: 'meanAbsoluteError',
    compute(pred, target, n, grad, width = n, weights = null) {
      if (weights !== null && weights !== undefined) {
        return weighted(n, width, weights, grad, (i) => {
          const e = pred[i] - target[i];
          return [Math.abs(e), e > 0 ? 1 : e < 0 ? -1 : 0];
        });
      }
      let s = 0;
      for (let i = 0; i < n; i++) {
        const e = pred[i] - target[i];
        s += Math.abs(e);
        if (grad !== null) grad[i] = (e > 0 ? 1 : e < 0 ? -1 : 0) / n;
      }
      return s / n;
    },
  };
}

export function huber(delta = 1): Loss {
  if (!(delta > 0) || !Number.isFinite(delta)) {
    throw new SeqcastError('config', `huber(): delta must be a finite number > 0 (got ${delta})`);
  }
  return {
    name: 'huber',
    delta,
    compute(pred, target, n, grad, width = n, weights = null) {
      if (weights !== null && weights !== undefined) {
        return weighted(n, width, weights, grad, (i) => {
          const e = pred[i] - target[i];
          const a = Math.abs(e);
          return [
            a <= delta ? 0.5 * e * e : delta * (a - 0.5 * delta),
            e > delta ? delta : e < -delta ? -delta : e,
          ];
        });
      }
      let s = 0;
      for (let i = 0; i < n; i++) {
        const e = pred[i] - target[i];
        const a = Math.abs(e);
        s += a <= delta ? 0.5 * e * e : delta * (a - 0.5 * delta);
        if (grad !== null) grad[i] = (e > delta ? delta : e < -delta ? -delta : e) / n;
      }
      return s / n;
    },
  };
}

/**
 * The weighted form of an elementwise loss: `term(i)` gives element i's loss and its derivative;
 * L = Σ w_row(i) loss_i / n, dL/dp_i = w_row(i) d_i / n.
 */
function weighted(
  n: number,
  width: number,
  weights: ArrayLike<number>,
  grad: FloatArray | null,
  term: (i: number) => readonly [number, number],
): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const w = weights[Math.floor(i / width)];
    const [l, d] = term(i);
    s += w * l;
    if (grad !== null) grad[i] = (w * d) / n;
  }
  return s / n;
}

export type LossSpec =
  | LossName
  | 'mse'
  | 'mae'
  | 'binary_crossentropy'
  | 'categorical_crossentropy'
  | 'sparse_categorical_crossentropy'
  | Loss;

/**
 * A loss from its name or itself: `'meanSquaredError'` (`'mse'`), `'meanAbsoluteError'` (`'mae'`),
 * `'huber'`, and the crossentropies by their camelCase (TF.js) or snake_case (Keras) names.
 */
export function getLoss(spec: LossSpec): Loss {
  if (typeof spec === 'object' && spec !== null && typeof spec.compute === 'function') return spec;
  switch (spec) {
    case 'meanSquaredError':
    case 'mse':
      return meanSquaredError();
    case 'meanAbsoluteError':
    case 'mae':
      return meanAbsoluteError();
    case 'huber':
      return huber();
    case 'binaryCrossentropy':
    case 'binary_crossentropy':
      return binaryCrossentropy();
    case 'categoricalCrossentropy':
    case 'categorical_crossentropy':
      return categoricalCrossentropy();
    case 'sparseCategoricalCrossentropy':
    case 'sparse_categorical_crossentropy':
      return sparseCategoricalCrossentropy();
    default:
      throw new SeqcastError(
        'config',
        `unknown loss ${JSON.stringify(spec)}; the losses are 'meanSquaredError' ('mse'), 'meanAbsoluteError' ('mae'), 'huber' (or huber(delta)), ` +
          `'binaryCrossentropy', 'categoricalCrossentropy' and 'sparseCategoricalCrossentropy' (or Keras's snake_case names)`,
      );
  }
}
