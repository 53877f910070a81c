/**
 * Losses, averaged as Keras averages them: the elementwise loss is averaged over the last axis, then over
 * the batch (and time) — for equal-sized rows that is the plain mean over all n elements:
 *
 *     meanSquaredError   L = (1/n) Σ (p − y)²            dL/dp = 2 (p − y) / n
 *     meanAbsoluteError  L = (1/n) Σ |p − y|             dL/dp = sign(p − y) / n   (0 at p = y)
 *     huber(δ)           L = (1/n) Σ h(p − y),  h(e) = e²/2 if |e| ≤ δ, else δ (|e| − δ/2)
 *                                                        dL/dp = clamp(p − y, −δ, δ) / n
 */
import { SeqcastError } from '../errors.js';
import type { FloatArray } from '../tensor.js';

export type LossName = 'meanSquaredError' | 'meanAbsoluteError' | 'huber';

export interface Loss {
  readonly name: LossName;
  /** Huber's delta; absent for the others. */
  readonly delta?: number;
  /**
   * The mean loss over the n elements of `pred` and `target`; when `grad` is given, writes dL/dpred into
   * its first n entries.
   */
  compute(pred: ArrayLike<number>, target: ArrayLike<number>, n: number, grad: FloatArray | null): number;
}

export function meanSquaredError(): Loss {
  return {
    name: 'meanSquaredError',
    compute(pred, target, n, grad) {
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
    compute(pred, target, n, grad) {
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
    compute(pred, target, n, grad) {
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

export type LossSpec = LossName | 'mse' | 'mae' | Loss;

/** A loss from its name (`'meanSquaredError'` or `'mse'`, `'meanAbsoluteError'` or `'mae'`, `'huber'`) or itself. */
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
    default:
      throw new SeqcastError(
        'config',
        `unknown loss ${JSON.stringify(spec)}; the losses are 'meanSquaredError' ('mse'), 'meanAbsoluteError' ('mae') and 'huber' (or huber(delta))`,
      );
  }
}
