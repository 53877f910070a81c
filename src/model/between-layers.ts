/**
 * Two things Sequential does between its layers, kept apart from it: carrying the mask from one layer to the
 * next (see layers/mask.ts), and allocating the weights of all layers at once, with one clear error when
 * they cannot be held.
 */
import { SeqcastError } from '../errors.js';
import type { Layer } from '../layers/layer.js';
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
