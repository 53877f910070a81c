/**
 * seqcast layers ↔ the Keras / TensorFlow.js Layers topology JSON (`modelTopology` of a `model.json`).
 *
 * What each layer writes and reads is its descriptor's (src/layers/descriptor.ts, one per layer file): every
 * option in Keras's snake_case, defaults included, and always the ones whose defaults differ between
 * libraries (`recurrent_activation`, GRU `reset_after`, LSTM `unit_forget_bias`); keys for features seqcast
 * lacks are written with the value that switches them off and read only with it; bookkeeping keys
 * (trainable, initializers, implementation, …) are accepted; an unknown key is an error naming the layer,
 * the key and the keys it reads. This file walks the Sequential's layer list, checks the entries and the
 * input shape, and hands each layer config to the descriptor of its class. Nothing is evaluated: the JSON
 * is only read.
 *
 * Weight names in a manifest are `layer/weight` (`lstm/kernel`), inside a Bidirectional
 * `bidirectional/forward_lstm/kernel`, where seqcast says `bidirectional/forward/kernel`. The Keras of
 * TF ≥ 2.2 inserts the cell (`lstm/lstm_cell/kernel`); like TF.js, the reader drops that segment.
 */
import { Bidirectional } from '../layers/bidirectional.js';
import type { WriteLayer } from '../layers/descriptor.js';
import { LAYER_CLASSES, layerDescriptor } from '../layers/from-config.js';
import type { Layer } from '../layers/layer.js';
import { listKeys } from '../options.js';
import type { Shape } from '../tensor.js';
import type { Json } from './keras-config.js';
import { checkDtype, checkKeys, ENTRY_KEYS, fail, object, parseBatchShape } from './keras-config.js';

/** One layer of a Keras Sequential config. */
export interface KerasLayerJson {
  readonly class_name: string;
  readonly config: Json;
}

/** The Keras names of the two directions of each Bidirectional layer, by seqcast layer name. */
export type DirectionNames = ReadonlyMap<string, { readonly forward: string; readonly backward: string }>;

export interface ParsedTopology {
  readonly layers: Layer[];
  readonly inputShape: Shape;
  /** The first number of `batch_input_shape`: the fixed batch size (stateful layers need one), or null. */
  readonly batchSize: number | null;
  readonly directions: DirectionNames;
}

// ---- writing ---------------------------------------------------------------------------------------------

/** The Keras config of a layer; `batchInputShape` ([null, ...inputShape]) goes on the first layer only. */
export function layerToKeras(
  layer: Layer,
  batchInputShape: readonly (number | null)[] | null,
): KerasLayerJson {
  const { class_name, config } = writeLayer(layer, layer.name);
  if (batchInputShape === null) return { class_name, config };
  const { name, trainable, dtype, ...options } = config;
  return {
    class_name,
    config: { name, trainable, dtype, batch_input_shape: [...batchInputShape], ...options },
  };
}

/** A layer as a Keras `{ class_name, config }` entry named `name`, its options written by its descriptor. */
const writeLayer: WriteLayer = (layer, name) => {
  const descriptor = layerDescriptor(layer.className)!;
  const head: Json = { name, trainable: true, dtype: 'float32' };
  return { class_name: layer.className, config: { ...head, ...descriptor.toKeras(layer, writeLayer) } };
};

/** The manifest name of a seqcast weight: `bidirectional/forward/kernel` → `bidirectional/forward_lstm/kernel`. */
export function fileWeightName(seqcastName: string, directions: DirectionNames): string {
  const [layer, ...rest] = seqcastName.split('/');
  const names = directions.get(layer);
  if (names === undefined || rest.length < 2) return seqcastName;
  const direction = rest[0] === 'forward' ? names.forward : names.backward;
  return [layer, direction, ...rest.slice(1)].join('/');
}

/** The Keras names of the directions of every Bidirectional layer of a seqcast stack. */
export function directionNames(layers: readonly Layer[]): DirectionNames {
  const map = new Map<string, { forward: string; backward: string }>();
  for (const l of layers) {
    if (l instanceof Bidirectional)
      map.set(l.name, { forward: l.forwardLayer.name, backward: l.backwardLayer.name });
  }
  return map;
}

// ---- reading ---------------------------------------------------------------------------------------------

export function parseTopology(topology: unknown, src: string): ParsedTopology {
  let top = object(topology, `${src}: modelTopology`);
  if ('model_config' in top) top = object(top.model_config, `${src}: modelTopology.model_config`);
  if (top.class_name !== 'Sequential') {
    fail(
      'config',
      `${src}: the model is a ${JSON.stringify(top.class_name)}, but seqcast reads Sequential models only; rebuild it as a Sequential stack`,
    );
  }
  let list: unknown = top.config;
  if (!Array.isArray(list)) {
    const config = object(top.config, `${src}: modelTopology.config`);
    checkKeys(
      config,
      ['name', 'layers', 'trainable', 'dtype', 'build_input_shape'],
      `${src}: the Sequential config`,
    );
    list = config.layers;
  }
  if (!Array.isArray(list) || list.length === 0)
    fail('config', `${src}: the Sequential config has no layers`);
  let inputShape: Shape | null = null;
  let batchSize: number | null = null;
  const layers: Layer[] = [];
  const directions = new Map<string, { forward: string; backward: string }>();
  for (let i = 0; i < list.length; i++) {
    const at = `${src}: layer ${i + 1}`;
    const raw: unknown = list[i];
    const entry = object(raw, at);
    checkKeys(entry, ENTRY_KEYS, at);
    const cls = entry.class_name;
    const config = object(entry.config, `${at} (${String(cls)}) config`);
    if (cls === 'InputLayer' && i === 0) {
      ({ inputShape, batchSize } = parseInputLayer(config, at));
      continue;
    }
    const where = `${src}: layer '${String(config.name)}' (${String(cls)})`;
    if (typeof config.name !== 'string' || config.name === '')
      fail('config', `${at} (${String(cls)}) has no name; config.name must be a string`);
    if ('batch_input_shape' in config) {
      if (layers.length > 0 || inputShape !== null)
        fail('config', `${where} states batch_input_shape, which only the first layer may; remove it`);
      ({ inputShape, batchSize } = parseBatchShape(config.batch_input_shape, where));
    }
    checkDtype(config.dtype, where);
    const descriptor = layerDescriptor(cls);
    if (descriptor === undefined) {
      fail(
        'config',
        `${src}: layer '${config.name}' has class ${JSON.stringify(cls)}, which seqcast does not have; ` +
          `it reads ${listKeys(LAYER_CLASSES)} (and a leading 'InputLayer')`,
      );
    }
    const layer = descriptor.fromKeras(config, where, readWrapped);
    layers.push(layer);
    if (layer instanceof Bidirectional) {
      const backward = object(config.backward_layer ?? {}, where).config;
      const name = object(backward ?? {}, where).name;
      directions.set(layer.name, {
        forward: layer.forwardLayer.name,
        backward: typeof name === 'string' ? name : layer.backwardLayer.name,
      });
    }
  }
  if (inputShape === null) {
    fail(
      'config',
      `${src}: the first layer states no batch_input_shape, so the model's input shape is unknown; add "batch_input_shape": [null, timesteps, features] to its config`,
    );
  }
  return { layers, inputShape, batchSize, directions };
}

/** Reads a layer nested in another (Bidirectional's `layer` and `backward_layer`). */
function readWrapped(raw: unknown, where: string): Layer {
  const entry = object(raw, where);
  checkKeys(entry, ENTRY_KEYS, where);
  const cls = entry.class_name;
  const config = object(entry.config, `${where} config`);
  const descriptor = layerDescriptor(cls);
  if (descriptor === undefined || cls === 'Bidirectional' || cls === 'TimeDistributed') {
    fail(
      'config',
      `${where} has class ${JSON.stringify(cls)}; a Bidirectional wraps 'SimpleRNN', 'LSTM' or 'GRU', a TimeDistributed 'Dense'`,
    );
  }
  const at = `${where} '${String(config.name)}' (${cls})`;
  if (typeof config.name !== 'string' || config.name === '')
    fail('config', `${where} has no name; config.name must be a string`);
  if ('batch_input_shape' in config)
    fail('config', `${at} states batch_input_shape; state it on the Bidirectional layer`);
  checkDtype(config.dtype, at);
  return descriptor.fromKeras(config, at, readWrapped);
}

function parseInputLayer(config: Json, at: string): { batchSize: number | null; inputShape: Shape } {
  const where = `${at} (InputLayer)`;
  const flags = ['sparse', 'ragged', 'optional'];
  checkKeys(config, ['name', 'batch_input_shape', 'batch_shape', 'dtype', ...flags], where);
  for (const key of flags) {
    if (config[key] !== undefined && config[key] !== false)
      fail(
        'config',
        `${where} has ${key} ${JSON.stringify(config[key])}; seqcast reads plain dense input only`,
      );
  }
  checkDtype(config.dtype, where);
  return parseBatchShape(config.batch_input_shape ?? config.batch_shape, where);
}
