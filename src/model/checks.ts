/** Checks behind Sequential: the inputShape option, layer names, and weight values given by users. */
import { SeqcastError } from '../errors.js';
import { defaultLayerName } from '../layers/layer.js';
import type { Layer } from '../layers/layer.js';
import type { FloatArray } from '../tensor.js';
import { formatShape, unravelIndex } from '../tensor.js';

export function checkInputShapeOption(shape: unknown): void {
  const ok =
    Array.isArray(shape) &&
    shape.length >= 1 &&
    shape.length <= 2 &&
    shape.every(
      (d, a) =>
        (d === null && (a < shape.length - 1 || shape.length === 1)) ||
        (Number.isInteger(d) && (d as number) >= 1),
    );
  if (!ok) {
    throw new SeqcastError(
      'config',
      `sequential(): inputShape must be [timesteps, features] or [features] with integers ≥ 1 (timesteps may be null; ` +
        `[null] is a sequence of indices of any length, for an Embedding) ` +
        `(got ${JSON.stringify(shape)})`,
    );
  }
}

/** Gives an unnamed layer a Keras-style name (`lstm`, `lstm_1`, …) and rejects a duplicate name. */
export function nameLayer(layer: Layer, existing: readonly Layer[]): void {
  const used = new Set(existing.map((l) => l.name));
  if (layer.name !== '') {
    if (used.has(layer.name))
      throw new SeqcastError('config', `sequential(): two layers are named '${layer.name}'`);
    return;
  }
  const base = defaultLayerName(layer.className);
  let name = base;
  for (let k = 1; used.has(name); k++) name = `${base}_${k}`;
  layer.name = name;
}

export function checkWeightValue(
  entry: { readonly name: string; readonly shape: readonly number[]; readonly value: FloatArray },
  w: { name: string; shape: readonly number[]; data: ArrayLike<number> },
): void {
  const sameShape = w.shape.length === entry.shape.length && w.shape.every((d, a) => d === entry.shape[a]);
  if (!sameShape) {
    throw new SeqcastError(
      'weights',
      `weight '${entry.name}' has shape ${formatShape(entry.shape)} but the value given has shape ${formatShape(w.shape)}`,
    );
  }
  if (w.data.length !== entry.value.length) {
    throw new SeqcastError(
      'weights',
      `weight '${entry.name}' needs ${entry.value.length} values for shape ${formatShape(entry.shape)} but ${w.data.length} were given`,
    );
  }
  for (let i = 0; i < w.data.length; i++) {
    if (!Number.isFinite(w.data[i])) {
      throw new SeqcastError(
        'non-finite',
        `weight '${entry.name}' holds ${w.data[i]} at ${formatShape(unravelIndex(i, entry.shape))}; weights must be finite`,
      );
    }
  }
}

/**
 * setWeights' check: every weight of the model (`entries`) given once, by name, with its shape and finite
 * values; returns them by name. Nothing is changed before all of them check out.
 */
export function matchWeights<W extends { name: string; shape: readonly number[]; data: ArrayLike<number> }>(
  entries: readonly {
    readonly name: string;
    readonly shape: readonly number[];
    readonly value: FloatArray;
  }[],
  weights: readonly W[],
): Map<string, W> {
  const byName = new Map<string, W>();
  for (const w of weights) {
    const entry = entries.find((e) => e.name === w.name);
    if (entry === undefined) {
      throw new SeqcastError(
        'weights',
        `setWeights(): the model has no weight '${w.name}'; its weights are ${entries.map((e) => `'${e.name}'`).join(', ')}`,
      );
    }
    if (byName.has(w.name))
      throw new SeqcastError('weights', `setWeights(): weight '${w.name}' is given twice`);
    checkWeightValue(entry, w);
    byName.set(w.name, w);
  }
  const missing = entries.filter((e) => !byName.has(e.name)).map((e) => `'${e.name}'`);
  if (missing.length > 0) {
    throw new SeqcastError(
      'weights',
      `setWeights(): no value given for ${missing.join(', ')}; every weight must be set`,
    );
  }
  return byName;
}
