/**
 * `fromKerasFile(bytes)`, browser-safe. The reading itself (read.ts, with the zip and HDF5 readers, about
 * 200 KB of JavaScript) is imported on the first call, not with seqcast: a program that never reads a Keras
 * file never loads it.
 */
import { SeqcastError } from '../../errors.js';
import type { LoadLimits } from '../artifacts.js';
import { checkLimits } from '../artifacts.js';
import type { Sequential } from '../sequential.js';

export interface KerasLoadOptions extends LoadLimits {
  /**
   * Hears each part of the file that is not carried over, with the reason: compile settings seqcast
   * does not have, an optimizer state that does not match the compiled optimizer. Default: `console.warn`. The model's layers and weights are
   * never skipped: what seqcast cannot represent there is an error.
   */
  readonly onSkip?: (message: string) => void;
}

/**
 * Builds the model a Keras file holds: a Keras 3 `.keras` zip or an HDF5 `.h5` of Keras 2, tf.keras or
 * Keras 3's legacy writer, told apart by content. Layers and options are read through their descriptors,
 * weights by the writer's naming scheme, the compile settings where they map (see `onSkip`).
 */
export async function fromKerasFile(
  bytes: Uint8Array | ArrayBuffer,
  options: KerasLoadOptions = {},
): Promise<Sequential> {
  if (!(bytes instanceof Uint8Array) && !(bytes instanceof ArrayBuffer)) {
    throw new SeqcastError(
      'config',
      "fromKerasFile(): give the file's bytes as a Uint8Array or an ArrayBuffer",
    );
  }
  const { modelFromKerasBytes } = await import('./read.js');
  return modelFromKerasBytes(
    bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes),
    'fromKerasFile()',
    options,
  );
}

/** The largest Keras file read for the limits: weights, optimizer moments (Adam: two per weight), config. */
export function maxKerasFileBytes(limits: LoadLimits): number {
  const { maxParams } = checkLimits({ maxLayers: limits.maxLayers, maxParams: limits.maxParams });
  return Math.min(2 ** 31 - 1, maxParams * 4 * 3 + (64 << 20));
}

/**
 * The model as the bytes of a Keras 3 `.keras` file (config.json, metadata.json, model.weights.h5, with the
 * optimizer's state when the model is compiled), which `keras.saving.load_model` reads and `fromKerasFile`
 * reads back to the same predictions, bit for bit. Weights are written as float32. The writer (with the
 * zip library) is imported on the first call.
 */
export async function toKerasFile(model: Sequential): Promise<Uint8Array> {
  const { kerasFileBytes } = await import('./write.js');
  return kerasFileBytes(model);
}
