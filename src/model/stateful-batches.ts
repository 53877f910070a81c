/**
 * How fit, evaluate and predict batch a stateful model (one with stateful layers and a fixed `batchSize`).
 * As in Keras, every call carries the states on: batch k+1's sample i continues batch k's sample i, and
 * validation inside fit advances them too. Keras leaves the rest to the user ("specify the same batch_size
 * when calling fit(); specify shuffle=False"); seqcast checks it instead, since a violation fails late (the
 * last, smaller batch) or silently (shuffled samples continue each other's states):
 * - the batch size defaults to the model's and must equal it;
 * - the number of samples must be a multiple of it;
 * - fit's `shuffle` defaults to false, and `shuffle: true` is refused.
 * A model without stateful layers is batched exactly as before.
 */
import { SeqcastError } from '../errors.js';
import type { Sequential } from './sequential.js';

/** The batch size to use: `given`, or `fallback`; a stateful model's own, which `given` must equal. */
export function batchSizeFor(
  model: Sequential,
  given: number | undefined,
  fallback: number,
  label: string,
): number {
  if (!model.stateful || model.batchSize === null) return given ?? fallback;
  if (given !== undefined && given !== model.batchSize) {
    throw new SeqcastError(
      'config',
      `${label}: the model is stateful with batchSize ${model.batchSize} (sample i of a batch continues sample i ` +
        `of the batch before), so batchSize must be ${model.batchSize} too (got ${given}); leave it out to use the model's`,
    );
  }
  return model.batchSize;
}

/** Refuses a sample count that a stateful model's batches cannot hold exactly. */
export function checkStatefulSamples(model: Sequential, samples: number, label: string): void {
  const B = model.batchSize;
  if (!model.stateful || B === null || samples % B === 0) return;
  throw new SeqcastError(
    'shape',
    `${label}: the model is stateful with batchSize ${B}, so every batch must hold ${B} sequences, but there are ` +
      `${samples} samples (${samples % B} left over); use a multiple of ${B}`,
  );
}

/** fit's `shuffle`: default true, but false for a stateful model, which refuses true. */
export function shuffleFor(model: Sequential, shuffle: boolean | undefined): boolean {
  if (!model.stateful) return shuffle ?? true;
  if (shuffle === true) {
    throw new SeqcastError(
      'config',
      `fit(): the model is stateful, so sample i of each batch must continue sample i of the batch before, which ` +
        `shuffling breaks; pass shuffle: false (the default for a stateful model), as Keras asks too`,
    );
  }
  return false;
}
