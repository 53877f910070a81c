/**
 * Saving and loading in memory, in the TensorFlow.js Layers format: a `model.json` object (Keras topology,
 * weights manifest, metadata) and the weight bytes. Browser-safe: no Node imports; `io-node.ts` puts the
 * same two parts on disk.
 *
 *     model.json   { format: "layers-model", generatedBy: "seqcast 0.1.0", convertedBy: null,
 *                    modelTopology: { class_name: "Sequential", config: { name, layers: [...] }, ... },
 *                    weightsManifest: [{ paths: ["group1-shard1of1.bin"], weights: [{ name, shape, dtype }] }],
 *                    userDefinedMetadata: { seqcast: { formatVersion: 1, ...caller's metadata } } }
 *     weight data  every weight in manifest order, little-endian float32, split into files of at most 4 MiB
 *
 * A float64 model is written as float32 (each value rounded to the nearest float32) and loads as a float32
 * model. Loading checks the format, the topology (see topology.ts), every weight's name, shape and dtype,
 * and the byte count, and fails with one SeqcastError line that names what does not match.
 */
import { SeqcastError } from '../errors.js';
import { compileFromJson, compileToJson, tfjsTrainingConfig } from './training-config.js';
import { sizeOf } from '../tensor.js';
import { checkKeys, object } from './keras-config.js';
import type { Sequential } from './sequential.js';
import { modelForWeights } from './sequential.js';
import { checkOptions } from '../options.js';
import { directionNames, fileWeightName, layerToKeras, parseTopology } from './topology.js';
import type { WeightsManifestGroup } from './artifacts-manifest.js';
import { matchManifest, parseManifest } from './artifacts-manifest.js';

export type { ManifestGroup, WeightsManifestEntry, WeightsManifestGroup } from './artifacts-manifest.js';
export { parseManifest } from './artifacts-manifest.js';

/** The version written in `generatedBy`; a test holds it equal to package.json's. */
export const SEQCAST_VERSION = '0.1.0';
/** The version of what seqcast writes in `userDefinedMetadata.seqcast`; a newer one is refused. */
export const FORMAT_VERSION = 1;
/** TF.js's shard size: weight files hold at most 4 MiB. */
export const SHARD_BYTES = 4 * 1024 * 1024;

/** What seqcast writes as `model.json`. */
export interface ModelJson {
  readonly format: 'layers-model';
  readonly generatedBy: string;
  readonly convertedBy: null;
  readonly modelTopology: Readonly<Record<string, unknown>>;
  readonly weightsManifest: readonly WeightsManifestGroup[];
  /** TF.js's training configuration, written when the model is compiled. */
  trainingConfig?: Readonly<Record<string, unknown>>;
  readonly userDefinedMetadata: { readonly seqcast: Record<string, unknown> };
}

/** A saved model in memory: `weightData` is all weight files concatenated in manifest order. */
export interface ModelArtifacts {
  readonly modelJson: ModelJson;
  readonly weightData: ArrayBuffer;
}

/** Weight bytes as given to `fromArtifacts`: one buffer, a view, or pieces (TF.js's `WeightData`). */
export type WeightBytes = ArrayBuffer | ArrayBufferView | readonly (ArrayBuffer | ArrayBufferView)[];

/** What `fromArtifacts` reads: any parsed `model.json` (seqcast's, TF.js's, a converted Keras model's). */
export interface ArtifactsInput {
  readonly modelJson: unknown;
  readonly weightData: WeightBytes;
}

const TOP_KEYS = [
  'format',
  'generatedBy',
  'convertedBy',
  'modelTopology',
  'weightsManifest',
  'trainingConfig',
  'userDefinedMetadata',
];

/**
 * The model as `model.json` and weight bytes. `metadata` (JSON values only) is stored under
 * `userDefinedMetadata.seqcast` beside `formatVersion`, and read back by `readMetadata`. Weights are
 * written as float32 whatever the model's dtype: a float64 model's weights are rounded.
 */
export function toArtifacts(
  model: Sequential,
  metadata: Readonly<Record<string, unknown>> = {},
): ModelArtifacts {
  checkMetadata(metadata);
  const weights = model.weights();
  const total = weights.reduce((n, w) => n + w.data.length, 0);
  const weightData = new ArrayBuffer(total * 4);
  const view = new DataView(weightData);
  let offset = 0;
  for (const w of weights) {
    for (let i = 0; i < w.data.length; i++, offset += 4) view.setFloat32(offset, w.data[i], true);
  }
  const directions = directionNames(model.layers);
  const manifest: WeightsManifestGroup = {
    paths: shardPaths(weightData.byteLength),
    weights: weights.map((w) => ({
      name: fileWeightName(w.name, directions),
      shape: [...w.shape],
      dtype: 'float32',
    })),
  };
  const layers = model.layers.map((l, i) =>
    layerToKeras(l, i === 0 ? [model.batchSize, ...model.inputShape] : null),
  );
  const modelJson: ModelJson = {
    format: 'layers-model',
    generatedBy: `seqcast ${SEQCAST_VERSION}`,
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 'sequential', layers },
      keras_version: `seqcast ${SEQCAST_VERSION}`,
      backend: 'seqcast',
    },
    weightsManifest: [manifest],
    userDefinedMetadata: { seqcast: { formatVersion: FORMAT_VERSION, ...metadata } },
  };
  const compiled = model.compiled;
  if (compiled !== null) {
    modelJson.trainingConfig = tfjsTrainingConfig(compiled);
    modelJson.userDefinedMetadata.seqcast.compile = compileToJson(compiled);
  }
  return { modelJson, weightData };
}

/** Builds the model a `model.json` and its weight bytes describe, checking everything on the way. */
export function fromArtifacts(artifacts: ArtifactsInput, limits: LoadLimits = {}): Sequential {
  if (artifacts === null || typeof artifacts !== 'object') {
    throw new SeqcastError('config', 'fromArtifacts(): give { modelJson, weightData }');
  }
  return modelFromJson(artifacts.modelJson, concatBytes(artifacts.weightData), 'model.json', limits);
}

/**
 * How large a model read from a file may be. A file is data: its topology is checked against these before
 * any layer is built, and against the weights it holds before anything is allocated.
 */
export interface LoadLimits {
  /** Default 1,000 layers. */
  readonly maxLayers?: number;
  /** Default 2^28 (268 M) parameters, 1 GiB of float32 weights. */
  readonly maxParams?: number;
}

export const DEFAULT_MAX_LAYERS = 1000;
export const DEFAULT_MAX_PARAMS = 2 ** 28;

export function checkLimits(limits: LoadLimits): { maxLayers: number; maxParams: number } {
  checkOptions('loading a model', limits, ['maxLayers', 'maxParams']);
  const get = (key: 'maxLayers' | 'maxParams', fallback: number): number => {
    const v = limits[key] ?? fallback;
    if (!Number.isSafeInteger(v) || v < 1) {
      throw new SeqcastError('config', `loading a model: ${key} must be an integer ≥ 1 (got ${String(v)})`);
    }
    return v;
  };
  return { maxLayers: get('maxLayers', DEFAULT_MAX_LAYERS), maxParams: get('maxParams', DEFAULT_MAX_PARAMS) };
}

/**
 * The caller's metadata saved with a seqcast model (`formatVersion` removed), or null for a model seqcast
 * did not write. Refuses a format version newer than this seqcast reads.
 */
export function readMetadata(modelJson: unknown): Record<string, unknown> | null {
  const json = object(modelJson, 'model.json');
  const seqcast = seqcastMetadata(json, 'model.json');
  if (seqcast === null) return null;
  const rest = { ...seqcast };
  delete rest.formatVersion;
  delete rest.compile;
  return rest;
}

/** The shard file names for `byteLength` bytes: `group1-shard1of2.bin`, `group1-shard2of2.bin`. */
export function shardPaths(byteLength: number): string[] {
  const n = Math.max(1, Math.ceil(byteLength / SHARD_BYTES));
  return Array.from({ length: n }, (_, k) => `group1-shard${k + 1}of${n}.bin`);
}

/** The model from a parsed model.json and all its weight bytes; `src` names the file in errors. */
export function modelFromJson(
  modelJson: unknown,
  bytes: Uint8Array,
  src: string,
  limits: LoadLimits = {},
): Sequential {
  const { maxLayers, maxParams } = checkLimits(limits);
  const json = object(modelJson, src);
  checkHeader(json, src);
  const declared = (json.modelTopology as { config?: { layers?: unknown } } | undefined)?.config?.layers;
  if (Array.isArray(declared) && declared.length > maxLayers) {
    throw new SeqcastError(
      'config',
      `${src}: the topology has ${declared.length} layers, more than the limit of ${maxLayers}; if the model is ` +
        `really that deep, raise it with { maxLayers } when loading`,
    );
  }
  const { layers, inputShape, batchSize, directions } = parseTopology(json.modelTopology, src);
  const groups = parseManifest(json.weightsManifest, src);
  const expected = groups.reduce((n, g) => n + g.byteLength, 0);
  if (bytes.byteLength !== expected) {
    const count = groups.reduce((n, g) => n + g.weights.length, 0);
    throw new SeqcastError(
      'weights',
      `${src}: the weight data holds ${bytes.byteLength} bytes but the manifest's ${count} weights need ${expected} ` +
        `(float32, 4 bytes a value); the weight files are ${bytes.byteLength < expected ? 'truncated' : 'too long'} ` +
        `or belong to another model`,
    );
  }
  const params = expected / 4;
  if (params > maxParams) {
    throw new SeqcastError(
      'config',
      `${src}: the model has ${params.toLocaleString('en-US')} parameters, more than the limit of ` +
        `${maxParams.toLocaleString('en-US')}; if it is really that large, raise it with { maxParams } when loading`,
    );
  }
  // Which manifest entry is which weight of the topology, checked before the model allocates anything.
  let plan: { name: string; shape: readonly number[]; entry: number }[] = [];
  let model: Sequential;
  try {
    const options = { inputShape, seed: 0, ...(batchSize === null ? {} : { batchSize }) };
    model = modelForWeights(layers, options, (weights) => {
      plan = matchManifest(weights, groups, directions);
    });
  } catch (e) {
    if (e instanceof SeqcastError) throw new SeqcastError(e.code, `${src}: ${e.message}`);
    throw e;
  }
  const offsets: number[] = [];
  let offset = 0;
  for (const w of groups.flatMap((g) => g.weights)) {
    offsets.push(offset);
    offset += sizeOf(w.shape) * 4;
  }
  const values = plan.map(({ name, shape, entry }) => {
    const n = sizeOf(shape);
    const data = new Float32Array(n);
    const view = new DataView(bytes.buffer, bytes.byteOffset + offsets[entry], n * 4);
    for (let i = 0; i < n; i++) data[i] = view.getFloat32(i * 4, true);
    return { name, shape, data };
  });
  try {
    model.setWeights(values);
  } catch (e) {
    if (e instanceof SeqcastError) throw new SeqcastError(e.code, `${src}: ${e.message}`);
    throw e;
  }
  const stored = seqcastMetadata(json, src)?.compile;
  if (stored !== undefined) model.compile(compileFromJson(stored, src));
  return model;
}

function checkHeader(json: Record<string, unknown>, src: string): void {
  checkKeys(json, TOP_KEYS, src);
  if (json.format !== undefined && json.format !== 'layers-model') {
    throw new SeqcastError(
      'config',
      `${src}: format is ${JSON.stringify(json.format)}, but seqcast reads TF.js Layers models ("layers-model"); ` +
        `a graph model cannot be loaded — convert the Keras model with --output_format=tfjs_layers_model`,
    );
  }
  if (json.modelTopology === undefined)
    throw new SeqcastError('config', `${src}: there is no modelTopology; this is not a Layers model`);
  seqcastMetadata(json, src);
}

/** `userDefinedMetadata.seqcast`, its format version checked; null when absent. */
function seqcastMetadata(json: Record<string, unknown>, src: string): Record<string, unknown> | null {
  const user = json.userDefinedMetadata;
  if (user === undefined || user === null) return null;
  const seqcast = object(user, `${src}: userDefinedMetadata`).seqcast;
  if (seqcast === undefined) return null;
  const meta = object(seqcast, `${src}: userDefinedMetadata.seqcast`);
  const v = meta.formatVersion;
  if (!Number.isInteger(v) || (v as number) < 1) {
    throw new SeqcastError(
      'config',
      `${src}: userDefinedMetadata.seqcast.formatVersion must be an integer ≥ 1 (got ${JSON.stringify(v)})`,
    );
  }
  if ((v as number) > FORMAT_VERSION) {
    throw new SeqcastError(
      'config',
      `${src}: the model was saved in seqcast format version ${v}, newer than this seqcast ${SEQCAST_VERSION} reads ` +
        `(${FORMAT_VERSION}); upgrade seqcast`,
    );
  }
  return meta;
}

function checkMetadata(metadata: unknown): void {
  if (metadata === null || typeof metadata !== 'object' || Array.isArray(metadata)) {
    throw new SeqcastError('config', 'toArtifacts(): metadata must be a plain object of JSON values');
  }
  if ('formatVersion' in metadata) {
    throw new SeqcastError(
      'config',
      `toArtifacts(): metadata key 'formatVersion' is seqcast's own; rename it`,
    );
  }
  const check = (v: unknown, path: string): void => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return;
    if (typeof v === 'number') {
      if (!Number.isFinite(v))
        throw new SeqcastError(
          'non-finite',
          `toArtifacts(): metadata${path} is ${v}; JSON holds finite numbers only`,
        );
      return;
    }
    if (Array.isArray(v)) {
      v.forEach((x, i) => check(x, `${path}[${i}]`));
      return;
    }
    if (typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      for (const [k, x] of Object.entries(v)) check(x, `${path}.${k}`);
      return;
    }
    throw new SeqcastError(
      'config',
      `toArtifacts(): metadata${path} is ${typeof v === 'object' ? 'a class instance' : typeof v}; ` +
        `metadata must be JSON (plain objects, arrays, strings, finite numbers, booleans, null)`,
    );
  };
  check(metadata, '');
}

/** One contiguous byte array from a buffer, a view or pieces of them. */
function concatBytes(data: WeightBytes): Uint8Array {
  const asBytes = (p: ArrayBuffer | ArrayBufferView): Uint8Array =>
    ArrayBuffer.isView(p) ? new Uint8Array(p.buffer, p.byteOffset, p.byteLength) : new Uint8Array(p);
  if (data instanceof ArrayBuffer || ArrayBuffer.isView(data)) return asBytes(data);
  if (!Array.isArray(data)) {
    throw new SeqcastError(
      'weights',
      'fromArtifacts(): weightData must be an ArrayBuffer, a typed array or an array of them',
    );
  }
  const pieces = (data as readonly (ArrayBuffer | ArrayBufferView)[]).map(asBytes);
  const out = new Uint8Array(pieces.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of pieces) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}
