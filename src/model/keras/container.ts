/**
 * The two containers Keras saves a model in, told apart by their first bytes, never by the file name (a
 * public `model.keras` is in fact a Keras 2.11 HDF5 file):
 *
 *   Keras 3 `.keras`   a zip ("PK\x03\x04") of config.json (the model), metadata.json (keras_version) and
 *                      model.weights.h5 (weights under `layers/<class>/vars/<i>`, see keras3-weights.ts)
 *   legacy HDF5        ("\x89HDF\r\n\x1a\n") written by Keras 1–2, tf.keras and Keras 3's legacy writer: the
 *                      model in the root attribute `model_config`, the Keras version in `keras_version`,
 *                      the compile settings in `training_config`, weights under `model_weights/<layer>`
 *
 * Sizes are bounded before anything is inflated: the zip's directory (at most 10,000 entries), config.json
 * and metadata.json (16 MiB, 1 MiB), model.weights.h5 (the caller's bound); other entries (assets) are not
 * inflated at all. Browser-safe (fflate and jsfive are pure JavaScript).
 */
import { unzipSync } from 'fflate';
import { SeqcastError } from '../../errors.js';
import type { Json } from '../keras-config.js';
import { isObject } from '../keras-config.js';
import type { H5Group } from './hdf5.js';
import { H5File, isHdf5 } from './hdf5.js';

export type KerasFormat = 'keras3-zip' | 'hdf5';

/** What a Keras model file holds, unpacked but not yet interpreted. */
export interface KerasParts {
  readonly format: KerasFormat;
  /** `keras_version` from metadata.json or the HDF5 attribute ("2.11.0", "3.13.2"); null when absent. */
  readonly kerasVersion: string | null;
  /** The model's config: `{ class_name, config, ... }`. */
  readonly config: Json;
  /** Keras 3's `compile_config` or the legacy `training_config`; null when the model was not compiled. */
  readonly training: Json | null;
  /** keras3-zip: the root of model.weights.h5; hdf5: the `model_weights` group. */
  readonly weights: H5Group;
  /** The group of the optimizer's variables (`optimizer` / `optimizer_weights`), or null. */
  readonly optimizer: H5Group | null;
}

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
const MAX_ZIP_ENTRIES = 10_000;
const MAX_CONFIG_BYTES = 16 << 20;
const MAX_METADATA_BYTES = 1 << 20;

/** Unpacks a Keras model file; `maxWeightBytes` bounds model.weights.h5 before it is inflated. */
export function openKerasFile(bytes: Uint8Array, src: string, maxWeightBytes: number): KerasParts {
  if (ZIP_MAGIC.every((b, i) => bytes[i] === b)) return openZip(bytes, src, maxWeightBytes);
  if (isHdf5(bytes)) return openHdf5(bytes, src);
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new SeqcastError(
    'io',
    `${src}: this is neither a Keras 3 .keras file (a zip) nor a Keras HDF5 file (its first bytes are ` +
      `${head || 'none: the file is empty'}); give the file model.save() wrote`,
  );
}

function openZip(bytes: Uint8Array, src: string, maxWeightBytes: number): KerasParts {
  checkZipDirectory(bytes, src);
  const limits: Record<string, number> = {
    'config.json': MAX_CONFIG_BYTES,
    'metadata.json': MAX_METADATA_BYTES,
    'model.weights.h5': maxWeightBytes,
  };
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(file) {
        if (!Object.hasOwn(limits, file.name)) return false;
        if (file.originalSize > limits[file.name]) {
          throw new SeqcastError(
            'io',
            `${src}: ${file.name} inflates to ${bytesText(file.originalSize)}, more than the ${bytesText(limits[file.name])} ` +
              `seqcast reads (raise { maxParams } if the model is really that large)`,
          );
        }
        return true;
      },
    });
  } catch (e) {
    if (e instanceof SeqcastError) throw e;
    throw new SeqcastError(
      'io',
      `${src}: the .keras zip cannot be read (${e instanceof Error ? e.message : String(e)}); the file is truncated or damaged — copy or save it again`,
    );
  }
  const entry = (name: string): Uint8Array | null => (Object.hasOwn(files, name) ? files[name] : null);
  const configBytes = entry('config.json');
  const weightBytes = entry('model.weights.h5');
  if (configBytes === null || weightBytes === null) {
    const missing = configBytes === null ? 'config.json' : 'model.weights.h5';
    throw new SeqcastError(
      'io',
      `${src}: the zip has no ${missing}, so it is not a Keras 3 model file (which holds config.json, metadata.json and model.weights.h5)`,
    );
  }
  const config = parseJson(configBytes, `${src}: config.json`);
  const metadataBytes = entry('metadata.json');
  const metadata = metadataBytes === null ? {} : parseJson(metadataBytes, `${src}: metadata.json`);
  const h5 = H5File.open(weightBytes, `${src}: model.weights.h5`);
  const compile = config.compile_config;
  return {
    format: 'keras3-zip',
    kerasVersion: typeof metadata.keras_version === 'string' ? metadata.keras_version : null,
    config,
    training: isObject(compile) ? compile : null,
    weights: h5.root,
    optimizer: h5.root.group('optimizer'),
  };
}

function openHdf5(bytes: Uint8Array, src: string): KerasParts {
  const h5 = H5File.open(bytes, src);
  const root = h5.root;
  const text = root.attrText('model_config');
  if (text === undefined) {
    const weightsOnly = root.attr('layer_names') !== undefined;
    throw new SeqcastError(
      'config',
      weightsOnly
        ? `${src}: the HDF5 file holds weights only (model.save_weights), without the model's config; give the file model.save() wrote`
        : `${src}: the HDF5 file has no 'model_config' attribute, so it is not a Keras model file; give the file model.save() wrote`,
    );
  }
  const config = parseJson(new TextEncoder().encode(text), `${src}: model_config`);
  const weights = root.group('model_weights');
  if (weights === null) {
    throw new SeqcastError(
      'weights',
      `${src}: the HDF5 file has no 'model_weights' group, so it holds no weights (saved with include_optimizer only, or damaged); save the model again with model.save()`,
    );
  }
  const trainingText = root.attrText('training_config');
  const training =
    trainingText === undefined
      ? null
      : parseJson(new TextEncoder().encode(trainingText), `${src}: training_config`);
  return {
    format: 'hdf5',
    kerasVersion: root.attrText('keras_version') ?? weights.attrText('keras_version') ?? null,
    config,
    training,
    weights,
    optimizer: root.group('optimizer_weights'),
  };
}

/** Refuses a zip whose directory claims more entries than a model file has, before fflate walks it. */
function checkZipDirectory(bytes: Uint8Array, src: string): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let e = bytes.length - 22; e >= 0 && bytes.length - e <= 65558; e--) {
    if (view.getUint32(e, true) !== 0x06054b50) continue;
    let count = view.getUint16(e + 10, true);
    if (count === 0xffff && e >= 20 && view.getUint32(e - 20, true) === 0x07064b50) count = Infinity;
    if (count > MAX_ZIP_ENTRIES) {
      throw new SeqcastError(
        'io',
        `${src}: the zip's directory lists ${count === Infinity ? 'a ZIP64 count of' : count} entries; a Keras model file holds a handful — this is not one`,
      );
    }
    return;
  }
  throw new SeqcastError(
    'io',
    `${src}: the .keras zip has no end-of-directory record; the file is truncated or damaged — copy or save it again`,
  );
}

function parseJson(bytes: Uint8Array, where: string): Json {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new SeqcastError(
      'config',
      `${where} is not valid JSON (${(e as Error).message}); the file is damaged`,
    );
  }
  if (!isObject(value))
    throw new SeqcastError('config', `${where} is not a JSON object; the file is damaged`);
  return value;
}

function bytesText(n: number): string {
  return `${n.toLocaleString('en-US')} bytes`;
}
