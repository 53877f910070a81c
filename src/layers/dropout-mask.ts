/**
 * Dropout masks as Keras draws them (keras/src/backend/*\/random.py `dropout`): each element is kept with
 * probability 1 − rate and then scaled by 1/(1 − rate), so the expected value is unchanged; an element dropped
 * is 0. In training only: at inference dropout is the identity. Masks come from a seeded generator per layer
 * (its `seed`, or one derived from the model's seed and the layer's name), so the same seeds give the same
 * masks and the same trained weights.
 */
import { Random } from '../random.js';
import type { DType, FloatArray } from '../tensor.js';
import { allocate } from '../tensor.js';

/** A layer's mask generator: seeded by `seed`, or else by the model's seed and the layer's name. */
export function dropoutRandom(seed: number | null, modelSeed: number | undefined, name: string): Random {
  if (seed !== null) return new Random(seed);
  let h = (modelSeed ?? 0) >>> 0;
  for (let i = 0; i < name.length; i++)
    h = (Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0) ^ 0x9e3779b9;
  return new Random(h >>> 0);
}

/** `n` mask values into `into` (grown as needed): 1/(1 − rate) for a kept element, 0 for a dropped one. */
export function drawDropoutMask(
  rng: Random,
  rate: number,
  n: number,
  into: FloatArray,
  dtype: DType,
): FloatArray {
  const out =
    into.length >= n && into instanceof Float64Array === (dtype === 'float64') ? into : allocate(dtype, n);
  const scale = 1 / (1 - rate);
  for (let i = 0; i < n; i++) out[i] = rng.uniform() < rate ? 0 : scale;
  return out;
}
