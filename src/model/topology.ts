/**
 * seqcast layers ↔ the Keras / TensorFlow.js Layers topology JSON (`modelTopology` of a `model.json`).
 *
 * Writing states every option in Keras's snake_case, defaults included, and always the ones whose defaults
 * differ between libraries: `recurrent_activation` (TF.js 'hard_sigmoid', Keras 3 'sigmoid'), GRU
 * `reset_after` (TF.js false, Keras 3 true) and LSTM `unit_forget_bias`. Keys seqcast has no use for are
 * written with the value that switches them off (`dropout: 0`, `stateful: false`, regularizers null).
 *
 * Reading checks every key of every layer config (the rules are in keras-config.ts). Options map to seqcast
 * options; bookkeeping keys (trainable, initializers, implementation, …) are accepted; a key for a feature
 * seqcast lacks is accepted only with its "off" value, otherwise the error names the layer, the key and the
 * fix; an unknown key is an error. Nothing is evaluated: the JSON is only read.
 *
 * Weight names in a manifest are `layer/weight` (`lstm/kernel`), inside a Bidirectional
 * `bidirectional/forward_lstm/kernel`, where seqcast says `bidirectional/forward/kernel`. The Keras of
 * TF ≥ 2.2 inserts the cell (`lstm/lstm_cell/kernel`); like TF.js, the reader drops that segment.
 */
import { SeqcastError } from '../errors.js';
import type { MergeMode } from '../layers/bidirectional.js';
import { Bidirectional, MERGE_MODES } from '../layers/bidirectional.js';
import { Dense } from '../layers/dense.js';
import { GRU } from '../layers/gru.js';
import type { Layer } from '../layers/layer.js';
import { LSTM } from '../layers/lstm.js';
import type { Recurrent } from '../layers/recurrent.js';
import { SimpleRNN } from '../layers/simple-rnn.js';
import type { Shape } from '../tensor.js';
import type { Json, KerasLayerClass } from './keras-config.js';
import {
  activationOf,
  batchShapeToInput,
  bool,
  checkDtype,
  checkKeys,
  checkLayerKeys,
  ENTRY_KEYS,
  fail,
  HEAD_KEYS,
  object,
} from './keras-config.js';

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
  readonly directions: DirectionNames;
}

// ---- writing ---------------------------------------------------------------------------------------------

const GLOROT_UNIFORM = { class_name: 'GlorotUniform', config: { seed: null } };
const ORTHOGONAL = { class_name: 'Orthogonal', config: { gain: 1, seed: null } };
const ZEROS = { class_name: 'Zeros', config: {} };

/** The Keras config of a layer; `batchInputShape` ([null, ...inputShape]) goes on the first layer only. */
export function layerToKeras(
  layer: Layer,
  batchInputShape: readonly (number | null)[] | null,
): KerasLayerJson {
  const head: Json = { name: layer.name, trainable: true, dtype: 'float32' };
  if (batchInputShape !== null) head.batch_input_shape = [...batchInputShape];
  if (layer instanceof Bidirectional) {
    const inner = layer.forwardLayer;
    const { config } = recurrentToKeras(inner, inner.name.slice('forward_'.length));
    const wrapped = { class_name: inner.className, config };
    return { class_name: 'Bidirectional', config: { ...head, merge_mode: layer.mergeMode, layer: wrapped } };
  }
  if (layer instanceof Dense) {
    const config = {
      ...head,
      units: layer.units,
      activation: layer.activation,
      use_bias: layer.useBias,
      kernel_initializer: GLOROT_UNIFORM,
      bias_initializer: ZEROS,
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
    };
    return { class_name: 'Dense', config };
  }
  const { class_name, config } = recurrentToKeras(layer as Recurrent, layer.name);
  return { class_name, config: { ...head, ...config, name: layer.name } };
}

function recurrentToKeras(layer: Recurrent, name: string): KerasLayerJson {
  const c = layer.getConfig();
  const cls = layer.className;
  const config: Json = { name, trainable: true, dtype: 'float32', units: c.units, activation: c.activation };
  if (cls !== 'SimpleRNN') config.recurrent_activation = c.recurrentActivation;
  config.use_bias = c.useBias;
  config.kernel_initializer = GLOROT_UNIFORM;
  config.recurrent_initializer = ORTHOGONAL;
  config.bias_initializer = ZEROS;
  if (cls === 'LSTM') config.unit_forget_bias = c.unitForgetBias;
  for (const key of ['kernel', 'recurrent', 'bias', 'activity']) config[`${key}_regularizer`] = null;
  for (const key of ['kernel', 'recurrent', 'bias']) config[`${key}_constraint`] = null;
  config.dropout = 0;
  config.recurrent_dropout = 0;
  if (cls !== 'SimpleRNN') config.implementation = 2;
  if (cls === 'GRU') config.reset_after = c.resetAfter;
  config.return_sequences = c.returnSequences;
  config.return_state = c.returnState;
  config.go_backwards = c.goBackwards;
  config.stateful = false;
  config.unroll = false;
  return { class_name: cls, config };
}

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
      inputShape = parseInputLayer(config, at);
      continue;
    }
    const where = `${src}: layer '${String(config.name)}' (${String(cls)})`;
    if (typeof config.name !== 'string' || config.name === '')
      fail('config', `${at} (${String(cls)}) has no name; config.name must be a string`);
    if ('batch_input_shape' in config) {
      if (layers.length > 0 || inputShape !== null)
        fail('config', `${where} states batch_input_shape, which only the first layer may; remove it`);
      inputShape = batchShapeToInput(config.batch_input_shape, where);
    }
    checkDtype(config.dtype, where);
    if (cls === 'Bidirectional') {
      const { layer, forward, backward } = parseBidirectional(config, where);
      layers.push(layer);
      directions.set(layer.name, { forward, backward });
    } else if (cls === 'Dense' || cls === 'SimpleRNN' || cls === 'LSTM' || cls === 'GRU') {
      layers.push(parseLayer(cls, config, where));
    } else {
      fail(
        'config',
        `${src}: layer '${config.name}' has class ${JSON.stringify(cls)}, which seqcast does not have; ` +
          `it reads 'Dense', 'SimpleRNN', 'LSTM', 'GRU', 'Bidirectional' (and a leading 'InputLayer')`,
      );
    }
  }
  if (inputShape === null) {
    fail(
      'config',
      `${src}: the first layer states no batch_input_shape, so the model's input shape is unknown; add "batch_input_shape": [null, timesteps, features] to its config`,
    );
  }
  return { layers, inputShape, directions };
}

function parseLayer(cls: KerasLayerClass, config: Json, where: string): Layer {
  checkLayerKeys(cls, config, where);
  const name = config.name as string;
  const units = config.units as number;
  const useBias = bool(config, 'use_bias', true, where);
  if (cls === 'Dense') {
    const activation = activationOf(config, 'activation', 'linear', where);
    return construct(where, () => new Dense({ name, units, activation, useBias }));
  }
  const recurrent = {
    name,
    units,
    activation: activationOf(config, 'activation', 'tanh', where),
    useBias,
    returnSequences: bool(config, 'return_sequences', false, where),
    returnState: bool(config, 'return_state', false, where),
    goBackwards: bool(config, 'go_backwards', false, where),
  };
  if (cls === 'SimpleRNN') return construct(where, () => new SimpleRNN(recurrent));
  if (!('recurrent_activation' in config)) {
    fail(
      'config',
      `${where} does not state recurrent_activation, whose default differs between TF.js ('hard_sigmoid') and ` +
        `Keras ('sigmoid'); add "recurrent_activation": "sigmoid" if the model was trained with the sigmoid`,
    );
  }
  const recurrentActivation = activationOf(config, 'recurrent_activation', 'sigmoid', where);
  if (cls === 'LSTM') {
    // Only initialisation reads unit_forget_bias; TF.js writes null for its default (false).
    const unitForgetBias =
      config.unit_forget_bias === null ? false : bool(config, 'unit_forget_bias', true, where);
    return construct(where, () => new LSTM({ ...recurrent, recurrentActivation, unitForgetBias }));
  }
  if (!('reset_after' in config)) {
    fail(
      'config',
      `${where} does not state reset_after, whose default differs between TF.js (false) and Keras 3 (true); ` +
        `add "reset_after": true or false as the model was built`,
    );
  }
  const resetAfter = bool(config, 'reset_after', true, where);
  return construct(where, () => new GRU({ ...recurrent, recurrentActivation, resetAfter }));
}

function parseBidirectional(
  config: Json,
  where: string,
): { layer: Bidirectional; forward: string; backward: string } {
  checkKeys(config, [...HEAD_KEYS, 'merge_mode', 'layer', 'backward_layer'], where);
  const mode = config.merge_mode === undefined ? 'concat' : config.merge_mode;
  if (!(MERGE_MODES as readonly unknown[]).includes(mode)) {
    fail(
      'config',
      `${where} has merge_mode ${JSON.stringify(mode)}; seqcast merges with ${MERGE_MODES.map((m) => `'${m}'`).join(', ')} ` +
        `(null would make two outputs, which a sequential stack cannot pass on)`,
    );
  }
  const inner = parseWrapped(config.layer, `${where} layer`);
  const base = inner.name.startsWith('forward_') ? inner.name.slice('forward_'.length) : inner.name;
  inner.name = base;
  const layer = construct(
    where,
    () => new Bidirectional(inner, { name: config.name as string, mergeMode: mode as MergeMode }),
  );
  let backward = layer.backwardLayer.name;
  if (config.backward_layer !== undefined && config.backward_layer !== null) {
    const other = parseWrapped(config.backward_layer, `${where} backward_layer`);
    const mirror = { ...inner.getConfig(), name: '', goBackwards: !inner.goBackwards };
    if (
      other.className !== inner.className ||
      JSON.stringify({ ...other.getConfig(), name: '' }) !== JSON.stringify(mirror)
    ) {
      fail(
        'config',
        `${where} has a backward_layer that is not the mirror of its layer (same class and options, go_backwards flipped); ` +
          `seqcast's Bidirectional runs one layer both ways`,
      );
    }
    backward = other.name;
  }
  return { layer, forward: layer.forwardLayer.name, backward };
}

function parseWrapped(raw: unknown, where: string): Recurrent {
  const entry = object(raw, where);
  checkKeys(entry, ENTRY_KEYS, where);
  const cls = entry.class_name;
  const config = object(entry.config, `${where} config`);
  if (cls !== 'SimpleRNN' && cls !== 'LSTM' && cls !== 'GRU') {
    fail(
      'config',
      `${where} has class ${JSON.stringify(cls)}; a Bidirectional wraps 'SimpleRNN', 'LSTM' or 'GRU'`,
    );
  }
  const at = `${where} '${String(config.name)}' (${cls})`;
  if (typeof config.name !== 'string' || config.name === '')
    fail('config', `${where} has no name; config.name must be a string`);
  if ('batch_input_shape' in config)
    fail('config', `${at} states batch_input_shape; state it on the Bidirectional layer`);
  checkDtype(config.dtype, at);
  return parseLayer(cls, config, at) as Recurrent;
}

function parseInputLayer(config: Json, at: string): Shape {
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
  return batchShapeToInput(config.batch_input_shape ?? config.batch_shape, where);
}

/** Runs a layer constructor, prefixing its error with where the config came from. */
function construct<T>(where: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof SeqcastError) throw new SeqcastError(e.code, `${where}: ${e.message}`);
    throw e;
  }
}
