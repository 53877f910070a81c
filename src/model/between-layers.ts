/**
 * What Sequential does around and between its layers, kept apart from it: checking the input and each
 * layer's output, carrying the mask from one layer to the next (see layers/mask.ts), finding its stateful
 * layers, and allocating the weights of all layers at once, with one clear error when they cannot be held.
 * The predictStep stream (stream.ts) runs its layers through the same checks.
 */
import { SeqcastError } from '../errors.js';
import { Bidirectional } from '../layers/bidirectional.js';
import type { Layer } from '../layers/layer.js';
import { Recurrent } from '../layers/recurrent.js';
import type { StepMask } from '../layers/mask.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor.js';
import { allocate, firstNonFinite, formatShape, sizeOf, unravelIndex } from '../tensor.js';

/**
 * Checks a forward pass's input: a tensor of shape [B, ...inputShape] (None = any length) whose data fits its
 * shape, finite; with `statefulBatch`, B must be it.
 */
export function checkModelInput(
  x: Tensor,
  inputShape: Shape,
  first: Layer,
  statefulBatch: number | null,
): void {
  if (x === null || typeof x !== 'object' || !Array.isArray(x.shape) || !ArrayBuffer.isView(x.data)) {
    throw new SeqcastError('shape', 'forward(): x must be a tensor { shape: number[], data: Float32Array }');
  }
  const expected = [null, ...inputShape];
  const ok =
    x.shape.length === expected.length &&
    expected.every((d, a) => d === null || d === x.shape[a]) &&
    x.shape[0] >= 1;
  if (!ok) {
    throw new SeqcastError(
      'shape',
      `layer '${first.name}' (${first.className}) received input of shape ${formatShape(x.shape)} ` +
        `but the model was built for ${formatShape(expected)} (None = any length)`,
    );
  }
  if (x.data.length !== sizeOf(x.shape)) {
    throw new SeqcastError(
      'shape',
      `forward(): shape ${formatShape(x.shape)} needs ${sizeOf(x.shape)} values but data holds ${x.data.length}`,
    );
  }
  const bad = firstNonFinite(x.data);
  if (bad >= 0) {
    throw new SeqcastError(
      'non-finite',
      `forward(): the input holds ${x.data[bad]} at ${formatShape(unravelIndex(bad, x.shape))}; ` +
        `fill or drop missing values before windowing`,
    );
  }
  if (statefulBatch !== null && x.shape[0] !== statefulBatch) {
    throw new SeqcastError(
      'shape',
      `forward(): the model is stateful with batchSize ${statefulBatch} but x holds ${x.shape[0]} sequences; every ` +
        `batch must hold exactly ${statefulBatch} (sample i continues sample i of the batch before) — in fit, evaluate ` +
        `and predict give batchSize ${statefulBatch} and a number of samples that is a multiple of it`,
    );
  }
}

/** Refuses a non-finite value in a layer's output, naming the layer and the index; `prefix` starts the line. */
export function checkLayerOutput(layer: Layer, h: Tensor, prefix: string): void {
  const bad = firstNonFinite(h.data);
  if (bad >= 0) {
    throw new SeqcastError(
      'non-finite',
      `${prefix}layer '${layer.name}' (${layer.className}) produced ${h.data[bad]} at output index ` +
        `${formatShape(unravelIndex(bad, h.shape))} from finite inputs: its weights are non-finite or so large ` +
        `that the activations overflow; check the weights, lower the learning rate or clip the gradients`,
    );
  }
}

/** The mask after `layer`: its own rule, or, for a layer without one, passed on along an unchanged time axis. */
export function nextMask(
  layer: Layer,
  mask: StepMask | null,
  input: Tensor,
  output: Tensor,
): StepMask | null {
  if (layer.outputMask !== undefined) return layer.outputMask(mask, input);
  return mask !== null && output.shape.length === 3 && output.shape[1] === mask.steps ? mask : null;
}

/** The most weights a model holds: 2^30 (4 GiB of float32 weights, and as much again for their gradients). */
export const MAX_WEIGHTS = 2 ** 30;

/** The weight and gradient arrays of a model of `total` weights, or one clear error instead of a RangeError. */
export function allocateWeights(
  dtype: DType,
  total: number,
  last: Layer | undefined,
): [FloatArray, FloatArray] {
  const gib = ((total * (dtype === 'float32' ? 4 : 8)) / 2 ** 30).toFixed(1);
  const which = last === undefined ? '' : ` (up to layer '${last.name}')`;
  if (total > MAX_WEIGHTS) {
    throw new SeqcastError(
      'config',
      `sequential(): the layers need ${total.toLocaleString('en-US')} weights${which}, ${gib} GiB and as much ` +
        `again for their gradients; seqcast holds at most ${MAX_WEIGHTS.toLocaleString('en-US')} — use fewer units or layers`,
    );
  }
  try {
    return [allocate(dtype, total), allocate(dtype, total)];
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new SeqcastError(
      'config',
      `sequential(): there is not enough memory for ${total.toLocaleString('en-US')} weights${which} ` +
        `(${gib} GiB, twice, with the gradients); use fewer units or layers`,
    );
  }
}

/** The layers that carry states between forward passes: stateful recurrent layers, and Bidirectional ones wrapping one. */
export function statefulLayers(layers: readonly Layer[]): (Recurrent | Bidirectional)[] {
  return layers.filter(
    (l): l is Recurrent | Bidirectional =>
      (l instanceof Recurrent || l instanceof Bidirectional) && l.stateful,
  );
}

/** Sequential's `batchSize` option: absent (null) or an integer ≥ 1. */
export function checkBatchSizeOption(batchSize: unknown): number | null {
  if (batchSize === undefined || batchSize === null) return null;
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1) {
    throw new SeqcastError(
      'config',
      `sequential(): batchSize must be an integer ≥ 1, the number of sequences in every batch (got ${JSON.stringify(batchSize)})`,
    );
  }
  return batchSize;
}
