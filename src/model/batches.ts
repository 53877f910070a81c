/**
 * The data side of fit / evaluate / predict: checking x and y against the model, and cutting them into
 * batches without allocating per batch (contiguous batches are views; shuffled ones are gathered into one
 * reused buffer).
 */
import { SeqcastError } from '../errors.js';
import type { FloatArray, Shape, Tensor } from '../tensor.js';
import { allocate, copyRows, firstNonFinite, formatShape, sizeOf, unravelIndex } from '../tensor.js';
import type { TensorLike } from './inputs.js';
import { toTensor } from './inputs.js';
import type { Sequential } from './sequential.js';

/** x as a tensor whose sample shape fits the model's input (None = any length). */
export function checkX(model: Sequential, x: TensorLike, label: string): Tensor {
  const X = toTensor(x, `${label}: x`, model.dtype);
  if (!fits(X.shape.slice(1), model.inputShape) || X.shape[0] < 1) {
    throw new SeqcastError(
      'shape',
      `${label}: x has shape ${formatShape(X.shape)} but the model takes ${formatShape([null, ...model.inputShape])} ` +
        `(None = any length)` +
        (X.shape.length === model.inputShape.length
          ? `; reshape x to [samples, ${model.inputShape.join(', ')}]`
          : ''),
    );
  }
  checkFinite(X, `${label}: x`);
  return X;
}

/** Rejects NaN and ±Infinity, naming the sample and position. */
function checkFinite(t: Tensor, what: string): void {
  const bad = firstNonFinite(t.data);
  if (bad >= 0) {
    const idx = unravelIndex(bad, t.shape);
    throw new SeqcastError(
      'non-finite',
      `${what} holds ${t.data[bad]} at sample ${idx[0]} (index ${formatShape(idx)}); fill or drop missing values first`,
    );
  }
}

/**
 * y as a tensor shaped like the model's output for X's samples; [N] is accepted for an output of [N, 1].
 * With `sparse` (sparseCategoricalCrossentropy), y holds integer class labels in [0, C) shaped like the
 * output without its last axis of C classes (a trailing axis of 1 is accepted and dropped, as Keras does).
 */
export function checkY(model: Sequential, X: Tensor, y: TensorLike, label: string, sparse = false): Tensor {
  let Y = toTensor(y, `${label}: y`, model.dtype);
  const out = outputShapeFor(model, X);
  if (sparse) return checkLabels(Y, X, out, label);
  if (Y.shape.length === 1 && out.length === 1 && out[0] === 1) Y = { shape: [Y.shape[0], 1], data: Y.data };
  if (Y.shape[0] !== X.shape[0]) {
    throw new SeqcastError(
      'shape',
      `${label}: x has ${X.shape[0]} samples but y has ${Y.shape[0]}; they must match`,
    );
  }
  if (!fits(Y.shape.slice(1), out)) {
    throw new SeqcastError(
      'shape',
      `${label}: y has shape ${formatShape(Y.shape)} but the model outputs ${formatShape([null, ...out])} for each sample`,
    );
  }
  checkFinite(Y, `${label}: y`);
  return Y;
}

/** Integer class labels for an output of `out` (C classes on its last axis). */
function checkLabels(Y: Tensor, X: Tensor, out: Shape, label: string): Tensor {
  const want = out.slice(0, -1);
  const C = out[out.length - 1] as number;
  if (Y.shape.length === want.length + 2 && Y.shape[Y.shape.length - 1] === 1) {
    Y = { shape: Y.shape.slice(0, -1), data: Y.data };
  }
  if (Y.shape[0] !== X.shape[0]) {
    throw new SeqcastError(
      'shape',
      `${label}: x has ${X.shape[0]} samples but y has ${Y.shape[0]}; they must match`,
    );
  }
  if (!fits(Y.shape.slice(1), want)) {
    throw new SeqcastError(
      'shape',
      `${label}: y has shape ${formatShape(Y.shape)}, but sparseCategoricalCrossentropy takes one integer class label per output row: ` +
        `${formatShape([null, ...want])} for outputs ${formatShape([null, ...out])}`,
    );
  }
  for (let i = 0; i < Y.data.length; i++) {
    const v = Y.data[i];
    if (!Number.isInteger(v) || v < 0 || v >= C) {
      const idx = unravelIndex(i, Y.shape);
      throw new SeqcastError(
        'config',
        `${label}: y holds ${v} at sample ${idx[0]} (index ${formatShape(idx)}); class labels must be integers in [0, ${C}) for an output of ${C} classes`,
      );
    }
  }
  return Y;
}

/** The model's output shape (without batch) for input X, resolving a None time axis. */
function outputShapeFor(model: Sequential, X: Tensor): Shape {
  return model.outputShape.map((d, a) => (d === null ? X.shape[a + 1] : d));
}

function fits(shape: readonly number[], expected: Shape): boolean {
  return shape.length === expected.length && expected.every((d, a) => d === null || d === shape[a]);
}

/** Reused batch buffers for one tensor: `take(rows)` returns the batch of those sample indices. */
export class Batcher {
  private readonly t: Tensor;
  private readonly sample: number;
  private buf: FloatArray;

  constructor(t: Tensor, maxBatch: number) {
    this.t = t;
    this.sample = sizeOf(t.shape.slice(1));
    this.buf = allocate(t.data instanceof Float64Array ? 'float64' : 'float32', maxBatch * this.sample);
  }

  /** Samples start .. start+n-1 in order: a view, no copy. */
  range(start: number, n: number): Tensor {
    return {
      shape: [n, ...this.t.shape.slice(1)],
      data: this.t.data.subarray(start * this.sample, (start + n) * this.sample),
    };
  }

  /** Samples order[start .. start+n-1], gathered into the reused buffer. */
  gather(order: Int32Array, start: number, n: number): Tensor {
    const s = this.sample;
    for (let r = 0; r < n; r++) {
      const from = order[start + r] * s;
      copyRows(this.t.data, from, this.buf, r * s, s);
    }
    return { shape: [n, ...this.t.shape.slice(1)], data: this.buf.subarray(0, n * s) };
  }
}
