/**
 * The crossentropy losses, as Keras 3 computes them (keras/src/losses/losses.py for the wrappers,
 * keras/src/backend/numpy/nn.py and keras/src/backend/tensorflow/nn.py for the formulas). A row is one
 * vector on the last axis (width C); rows = n / C; w_r is the row's sample weight (1 without weights). The
 * per-row losses are reduced as Keras's default `sum_over_batch_size` (keras/src/losses/loss.py
 * `reduce_values`): L = Σ_r w_r l_r / rows.
 *
 *     binaryCrossentropy       l_r = (1/C) Σ_j b(p_j, t_j)        (ops.mean(..., axis=-1) in losses.py)
 *        probabilities:        q = clip(p, ε, 1 − ε),  b = −(t log q + (1 − t) log(1 − q)),  ε = 1e-7
 *                              db/dp = (q − t) / (q (1 − q)) where ε ≤ p ≤ 1 − ε, else 0 (clip's gradient)
 *        logits z:             b = max(z, 0) − z t + log(1 + e^−|z|)   db/dz = σ(z) − t
 *                              (tf.nn.sigmoid_cross_entropy_with_logits, tensorflow/nn.py)
 *        labelSmoothing s:     t ← t (1 − s) + s / 2
 *     categoricalCrossentropy  l_r = −Σ_j t_j log q_j
 *        probabilities o:      S = Σ o,  p = o / S,  q = clip(p, ε, 1 − ε)
 *                              g_j = −t_j / q_j where ε ≤ p_j ≤ 1 − ε, else 0;  dl/do_k = (g_k − Σ_j g_j p_j) / S
 *        logits z:             log q = z − max z − log Σ e^(z − max z)   dl/dz_k = softmax_k · Σ_j t_j − t_k
 *        labelSmoothing s:     t ← t (1 − s) + s / C
 *     sparseCategoricalCrossentropy: categoricalCrossentropy with t = one_hot(label, C), one label a row.
 */
import { SeqcastError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { FloatArray } from '../tensor.js';
import type { Loss } from './losses.js';

/** Keras's `backend.epsilon()`: probabilities are clipped to [EPSILON, 1 − EPSILON]. */
export const EPSILON = 1e-7;

export interface BinaryCrossentropyOptions {
  /** The predictions are logits (no sigmoid in the model). Default false. */
  readonly fromLogits?: boolean;
  /** In [0, 1]: targets move towards 0.5 by this much. Default 0. */
  readonly labelSmoothing?: number;
}

export type CategoricalCrossentropyOptions = BinaryCrossentropyOptions;

export interface SparseCategoricalCrossentropyOptions {
  /** The predictions are logits (no softmax in the model). Default false. */
  readonly fromLogits?: boolean;
}

function readFromLogits(where: string, v: unknown): boolean {
  if (v === undefined) return false;
  if (typeof v !== 'boolean')
    throw new SeqcastError('config', `${where}: fromLogits must be true or false (got ${JSON.stringify(v)})`);
  return v;
}

function readSmoothing(where: string, v: unknown): number {
  if (v === undefined) return 0;
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
    throw new SeqcastError(
      'config',
      `${where}: labelSmoothing must be a number in [0, 1] (got ${JSON.stringify(v)})`,
    );
  }
  return v;
}

function weightOf(weights: ArrayLike<number> | null | undefined, r: number): number {
  return weights === null || weights === undefined ? 1 : weights[r];
}

export function binaryCrossentropy(options: BinaryCrossentropyOptions = {}): Loss {
  const where = 'binaryCrossentropy()';
  checkOptions(where, options, ['fromLogits', 'labelSmoothing']);
  const fromLogits = readFromLogits(where, options.fromLogits);
  const s = readSmoothing(where, options.labelSmoothing);
  return {
    name: 'binaryCrossentropy',
    fromLogits,
    labelSmoothing: s,
    compute(pred, target, n, grad, width = n, weights = null) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const w = weightOf(weights, Math.floor(i / width));
        const t = s === 0 ? target[i] : target[i] * (1 - s) + 0.5 * s;
        const z = pred[i];
        let b: number;
        let d: number;
        if (fromLogits) {
          b = Math.max(z, 0) - z * t + Math.log1p(Math.exp(-Math.abs(z)));
          d = 1 / (1 + Math.exp(-z)) - t;
        } else {
          const q = Math.min(Math.max(z, EPSILON), 1 - EPSILON);
          b = -(t * Math.log(q) + (1 - t) * Math.log(1 - q));
          d = z >= EPSILON && z <= 1 - EPSILON ? (q - t) / (q * (1 - q)) : 0;
        }
        sum += w * b;
        if (grad !== null) grad[i] = (w * d) / n;
      }
      return sum / n;
    },
  };
}

/**
 * One row of categorical crossentropy against the target distribution `t(j)`; writes dl/dpred · scale into
 * grad[o .. o+C) when grad is given. Returns l.
 */
function categoricalRow(
  pred: ArrayLike<number>,
  o: number,
  C: number,
  t: (j: number) => number,
  fromLogits: boolean,
  grad: FloatArray | null,
  scale: number,
): number {
  let l = 0;
  if (fromLogits) {
    let m = -Infinity;
    for (let j = 0; j < C; j++) m = Math.max(m, pred[o + j]);
    let se = 0;
    for (let j = 0; j < C; j++) se += Math.exp(pred[o + j] - m);
    const lse = Math.log(se);
    let tSum = 0;
    for (let j = 0; j < C; j++) {
      const tj = t(j);
      tSum += tj;
      if (tj !== 0) l -= tj * (pred[o + j] - m - lse);
    }
    if (grad !== null) {
      for (let j = 0; j < C; j++) grad[o + j] = scale * ((Math.exp(pred[o + j] - m) / se) * tSum - t(j));
    }
    return l;
  }
  let S = 0;
  for (let j = 0; j < C; j++) S += pred[o + j];
  let gp = 0;
  for (let j = 0; j < C; j++) {
    const p = pred[o + j] / S;
    const q = Math.min(Math.max(p, EPSILON), 1 - EPSILON);
    const tj = t(j);
    if (tj !== 0) l -= tj * Math.log(q);
    const g = p >= EPSILON && p <= 1 - EPSILON ? -tj / q : 0;
    gp += g * p;
    if (grad !== null) grad[o + j] = g;
  }
  if (grad !== null) for (let j = 0; j < C; j++) grad[o + j] = (scale * (grad[o + j] - gp)) / S;
  return l;
}

export function categoricalCrossentropy(options: CategoricalCrossentropyOptions = {}): Loss {
  const where = 'categoricalCrossentropy()';
  checkOptions(where, options, ['fromLogits', 'labelSmoothing']);
  const fromLogits = readFromLogits(where, options.fromLogits);
  const s = readSmoothing(where, options.labelSmoothing);
  return {
    name: 'categoricalCrossentropy',
    fromLogits,
    labelSmoothing: s,
    compute(pred, target, n, grad, width = n, weights = null) {
      const C = width;
      const rows = n / C;
      let sum = 0;
      for (let r = 0; r < rows; r++) {
        const w = weightOf(weights, r);
        const o = r * C;
        const t = s === 0 ? (j: number) => target[o + j] : (j: number) => target[o + j] * (1 - s) + s / C;
        sum += w * categoricalRow(pred, o, C, t, fromLogits, grad, w / rows);
      }
      return sum / rows;
    },
  };
}

export function sparseCategoricalCrossentropy(options: SparseCategoricalCrossentropyOptions = {}): Loss {
  const where = 'sparseCategoricalCrossentropy()';
  checkOptions(where, options, ['fromLogits']);
  const fromLogits = readFromLogits(where, options.fromLogits);
  return {
    name: 'sparseCategoricalCrossentropy',
    fromLogits,
    sparse: true,
    compute(pred, target, n, grad, width = n, weights = null) {
      const C = width;
      const rows = n / C;
      let sum = 0;
      for (let r = 0; r < rows; r++) {
        const w = weightOf(weights, r);
        const label = target[r];
        sum += w * categoricalRow(pred, r * C, C, (j) => (j === label ? 1 : 0), fromLogits, grad, w / rows);
      }
      return sum / rows;
    },
  };
}
