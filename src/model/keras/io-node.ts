/** Keras model files on disk (Node only): `loadKerasModel(path)` and `saveKerasModel(model, path)`. */
import { existsSync, statSync } from 'node:fs';
import { SeqcastError } from '../../errors.js';
import { checkOutputPath, writeOutputFile } from '../../io/output-folder.js';
import { readRegularFile } from '../../io/read-file.js';
import { checkOptions } from '../../options.js';
import type { Sequential } from '../sequential.js';
import type { KerasLoadOptions } from './load.js';
import { maxKerasFileBytes, toKerasFile } from './load.js';

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

export interface SaveKerasOptions {
  /** Replace the file `path` already is. Default false: an existing file is an error. */
  readonly overwrite?: boolean;
}

/**
 * Saves `model` as the Keras 3 `.keras` file `path` (see `toKerasFile`), atomically: written beside it,
 * synced, then renamed into place, so `path` is the old file or the whole new one. An existing file is
 * replaced only with `{ overwrite: true }`; a folder never.
 */
export async function saveKerasModel(
  model: Sequential,
  path: string,
  options: SaveKerasOptions = {},
): Promise<void> {
  checkOptions('saveKerasModel()', options, ['overwrite']);
  const overwrite = options.overwrite ?? false;
  if (typeof overwrite !== 'boolean') {
    throw new SeqcastError(
      'config',
      `saveKerasModel(): overwrite must be true or false (got ${JSON.stringify(overwrite)})`,
    );
  }
  if (typeof path !== 'string')
    throw new SeqcastError('config', 'saveKerasModel(): give the file path to write');
  checkOutputPath(path, 'saveKerasModel()');
  if (!path.endsWith('.keras')) {
    throw new SeqcastError(
      'config',
      `saveKerasModel(): '${path}' does not end in .keras, which keras.saving.load_model requires; name the file model.keras`,
    );
  }
  if (existsSync(path)) {
    if (statSync(path).isDirectory())
      throw new SeqcastError(
        'io',
        `saveKerasModel(): '${path}' is a folder; give a file path ending in .keras`,
      );
    if (!overwrite) {
      throw new SeqcastError(
        'io',
        `saveKerasModel(): '${path}' already exists; pass { overwrite: true } to replace it`,
      );
    }
  }
  const bytes = await toKerasFile(model);
  await writeOutputFile(path, bytes);
}
