/** A Keras model file on disk (Node only): `loadKerasModel(path)`, read through io/read-file.ts. */
import { readRegularFile } from '../../io/read-file.js';
import type { Sequential } from '../sequential.js';
import type { KerasLoadOptions } from './load.js';
import { maxKerasFileBytes } from './load.js';

/**
 * Loads the Keras model saved at `path`: a Keras 3 `.keras` file or an HDF5 `.h5` file of Keras 2, tf.keras
 * or Keras 3's legacy writer, whatever its name says. See `fromKerasFile` for what is read and checked.
 */
export async function loadKerasModel(path: string, options: KerasLoadOptions = {}): Promise<Sequential> {
  const maxBytes = maxKerasFileBytes({ maxLayers: options.maxLayers, maxParams: options.maxParams });
  const bytes = await readRegularFile(path, {
    maxBytes,
    what: 'loadKerasModel()',
    followLinks: true,
    tooLarge: 'raise { maxParams } if the model is really that large',
  });
  const { modelFromKerasBytes } = await import('./read.js');
  return modelFromKerasBytes(bytes, path, options);
}
