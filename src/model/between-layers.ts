/**
 * What Sequential does between its layers, kept apart from it: carrying the mask from one layer to the
 * next (see layers/mask.ts), finding its stateful layers, and allocating the weights of all layers at once,
 * with one clear error when they cannot be held.
 */
import { SeqcastError } from '../errors.js';
import { Bidirectional } from '../layers/bidirectional.js';
import type { Layer } from '../layers/layer.js';
import { Recurrent } from '../layers/recurrent.js';
import type { StepMask } from '../layers/mask.js';
import type { DType, FloatArray, Tensor } from '../tensor.js';
import { allocate } from '../tensor.js';

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
