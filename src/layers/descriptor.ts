/**
 * Layer descriptors. Each layer file owns one descriptor, the single place that knows the layer's options:
 * their types, defaults, checks, Keras / TF.js names (camelCase ↔ snake_case) and JSON forms, and the Keras
 * keys the layer writes and accepts without being options. The registry (`from-config.ts`), the topology
 * reader and writer (`model/topology.ts`) and every constructor are driven by the descriptors, so adding an
 * option to a layer touches that layer's file (or `recurrent.ts`, for an option every recurrent layer has).
 *
 * An option is an `OptionSpec<V>`; a layer's specs are an object `{ units: unitsOption(), … }` whose type
 * gives the layer's typed config (`ConfigOf<typeof SPECS>`) and its constructor options (`OptionsOf<…>`).
 * `describeLayer` turns specs into the `LayerDescriptor` the registry and the topology code use.
 */
import { SeqcastError } from '../errors.js';
import type { Activation } from '../kernels/backend.js';
import { ACTIVATIONS } from '../kernels/backend.js';
import { checkOptions, listKeys, unknownKey } from '../options.js';
import type { Layer, LayerClass } from './layer.js';
import { checkActivation, checkBoolean, checkUnits } from './layer.js';

export type Json = Record<string, unknown>;

/** Keys every entry of a Keras layer list may have besides the options (Keras 3 adds dtype policies). */
export const KERAS_HEAD_KEYS: readonly string[] = ['name', 'trainable', 'dtype', 'batch_input_shape'];

/** One option of a layer: its typed value in the camelCase API and configs, and its Keras / TF.js form. */
export interface OptionSpec<V> {
  /** The key in Keras and TF.js layer configs (snake_case). */
  readonly keras: string;
  /** The value when the option is not given; absent for a required option (`units`). */
  readonly default?: V;
  /** Checks a value given to the constructor or in a camelCase config; `where` is the class name. */
  check(where: string, key: string, value: unknown): V;
  /**
   * Reads the value of a Keras config (`undefined` when the key is absent); its errors start with `where`.
   * Default: the default when absent, else `check`.
   */
  fromKeras?(where: string, value: unknown, key: string, config?: Json): V;
  /** The value a Keras config records. Default: the value itself. */
  toKeras?(value: V): unknown;
  /**
   * For an option Keras spreads over several keys (the initialisers of `initialization`): the keys it writes,
   * from the value and the layer (built, so its input size is known); they replace the `written` ones. With it
   * `toKeras` is not used, and `keras` is the first of those keys.
   */
  toKerasKeys?(value: V, layer: Layer): Json;
}

/** The typed, complete config that specs describe: `{ units: number; useBias: boolean; … }`. */
export type ConfigOf<S> = { readonly [K in keyof S]: S[K] extends OptionSpec<infer V> ? V : never };

/** Constructor options: the `Required` keys, every other option optional, and the layer's name. */
export type OptionsOf<S, Required extends keyof S = never> = {
  readonly [K in Required]: ConfigOf<S>[K];
} & { readonly [K in Exclude<keyof S, Required>]?: ConfigOf<S>[K] } & {
  /** Layer name, unique within a model (Keras style `lstm_1` when not given). */
  readonly name?: string;
};

/** A feature seqcast lacks: its Keras key is read only with the value that switches it off. */
export interface OffKey {
  readonly value: unknown;
  /** The fix, after "layer 'x' has key value; ". */
  readonly hint: string;
  /** Written into saved configs (default true). */
  readonly write?: boolean;
}

/** The Keras keys of a layer that are not options. */
export interface KerasKeys {
  /** Written with this value, read with any: how the weights were first drawn (initialisers), which kernel ran. */
  readonly written?: Json;
  /** Read with any value, not written: keys that other Keras versions add (`seed`, `use_cudnn`, …). */
  readonly accepted?: readonly string[];
  /** Features seqcast lacks, by Keras key. */
  readonly off?: Readonly<Record<string, OffKey>>;
}

/** Builds the layer of a nested camelCase config (`Bidirectional`'s `layer`). */
export type ReadLayer = (className: string, config: Json) => Layer;
/** Writes a nested layer as a Keras `{ class_name, config }` entry with the given name. */
export type WriteLayer = (layer: Layer, name: string) => { class_name: string; config: Json };
/** Reads a nested Keras `{ class_name, config }` entry; `where` starts its errors. */
export type ReadWrapped = (entry: unknown, where: string) => Layer;

/** What the registry and the topology code know of a layer class. */
export interface LayerDescriptor {
  readonly className: LayerClass;
  /** The layer of a camelCase config, as `getConfig` writes it and the conformance cases state it. */
  fromConfig(config: Json, readLayer: ReadLayer): Layer;
  /** The layer's Keras config, without the keys every layer has (name, trainable, dtype, batch_input_shape). */
  toKeras(layer: Layer, writeLayer: WriteLayer): Json;
  /** The layer of a Keras config; every error starts with `where` ("model.json: layer 'lstm' (LSTM)"). */
  fromKeras(config: Json, where: string, readWrapped: ReadWrapped): Layer;
}

/** A descriptor made of option specs: resolves constructor options and reads and writes every form. */
export interface DescribedLayer<S, L extends Layer> extends LayerDescriptor {
  readonly options: S;
  readonly keras: KerasKeys;
  /** Checks constructor options (unknown keys, values) and fills in the defaults. */
  resolve(options: unknown): ConfigOf<S> & { readonly name: string };
  /** Builds the layer from a complete, checked config. */
  readonly create: (config: ConfigOf<S> & { readonly name: string }) => L;
}

export function describeLayer<
  S extends { readonly [K in keyof S]: OptionSpec<unknown> },
  L extends Layer,
>(d: {
  readonly className: LayerClass;
  readonly options: S;
  readonly keras: KerasKeys;
  readonly create: (config: ConfigOf<S> & { readonly name: string }) => L;
}): DescribedLayer<S, L> {
  const { className, options: specs, keras } = d;
  const names = Object.keys(specs) as (keyof S & string)[];
  const spec = (k: keyof S): OptionSpec<unknown> => specs[k];
  const resolve = (options: unknown): ConfigOf<S> & { readonly name: string } => {
    checkOptions(className, options, [...names, 'name']);
    const given = options as Json;
    const name = given.name ?? '';
    if (typeof name !== 'string')
      throw new SeqcastError('config', `${className}: name must be a string (got ${JSON.stringify(name)})`);
    const config: Json = { name };
    for (const k of names) {
      const s = spec(k);
      const v = given[k];
      config[k] = v === undefined && 'default' in s ? s.default : s.check(className, k, v);
    }
    return config as ConfigOf<S> & { readonly name: string };
  };
  const off = keras.off ?? {};
  const known = [
    ...KERAS_HEAD_KEYS,
    ...names.map((k) => spec(k).keras),
    ...Object.keys(keras.written ?? {}),
    ...(keras.accepted ?? []),
    ...Object.keys(off),
  ];
  return {
    className,
    options: specs,
    keras,
    resolve,
    create: d.create,
    fromConfig: (config) => d.create(resolve(config)),
    toKeras(layer) {
      const config = layer.getConfig() as Json;
      const out: Json = {};
      const spread: Json = {};
      for (const k of names) {
        const s = spec(k);
        if (s.toKerasKeys !== undefined) Object.assign(spread, s.toKerasKeys(config[k], layer));
        else {
          const value = s.toKeras === undefined ? config[k] : s.toKeras(config[k]);
          if (value !== undefined) out[s.keras] = value; // undefined: not written (an option off by default)
        }
      }
      for (const [key, o] of Object.entries(off)) if (o.write !== false) out[key] = o.value;
      return { ...out, ...keras.written, ...spread };
    },
    fromKeras(config, where) {
      for (const [key, value] of Object.entries(config)) {
        const o = off[key];
        if (o !== undefined && value !== undefined && value !== o.value)
          fail(`${where} has ${key} ${JSON.stringify(value)}; ${o.hint}`);
      }
      const key = unknownKey(config, known);
      if (key !== undefined) {
        fail(
          `${where} has config key '${key}', which seqcast does not know; the keys it reads are ${known.join(', ')}`,
        );
      }
      const values: Json = { name: config.name };
      for (const k of names) {
        const s = spec(k);
        const v = config[s.keras];
        if (s.fromKeras !== undefined) values[k] = s.fromKeras(where, v, s.keras, config);
        else if (v === undefined && 'default' in s) values[k] = s.default;
        else values[k] = prefixed(where, () => s.check(className, k, v));
      }
      return prefixed(where, () => d.create(values as ConfigOf<S> & { readonly name: string }));
    },
  };
}

// ---- option specs for the kinds of option the layers share ----------------------------------------------

/** `units`: an integer ≥ 1, required. */
export function unitsOption(): OptionSpec<number> {
  return { keras: 'units', check: (where, _key, v) => checkUnits(where, v) };
}

/** A dropout rate: a number in [0, 1), default 0 (no dropout). */
export function rateOption(keras: string): OptionSpec<number> {
  const check = (where: string, key: string, v: unknown): number => {
    if (typeof v !== 'number' || !(v >= 0 && v < 1)) {
      throw new SeqcastError(
        'config',
        `${where}: ${key} must be a number in [0, 1) (got ${JSON.stringify(v)})`,
      );
    }
    return v;
  };
  return {
    keras,
    default: 0,
    check,
    fromKeras(where, v, key) {
      if (v === undefined) return 0;
      if (typeof v !== 'number' || !(v >= 0 && v < 1))
        fail(`${where} has ${key} ${JSON.stringify(v)}; expected a number in [0, 1)`);
      return v;
    },
  };
}

/** The seed of a layer's dropout masks: a safe integer, or null (default: drawn from the model's seed). */
export function seedOption(): OptionSpec<number | null> {
  const check = (where: string, key: string, v: unknown): number | null => {
    if (v === null) return null;
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) {
      throw new SeqcastError(
        'config',
        `${where}: ${key} must be a safe integer or null (got ${JSON.stringify(v)})`,
      );
    }
    return v;
  };
  return {
    keras: 'seed',
    default: null,
    check,
    fromKeras(where, v, key) {
      if (v === undefined || v === null) return null;
      if (typeof v !== 'number' || !Number.isSafeInteger(v))
        fail(`${where} has ${key} ${JSON.stringify(v)}; expected an integer or null`);
      return v;
    },
  };
}

export function booleanOption(keras: string, fallback: boolean): OptionSpec<boolean> {
  return {
    keras,
    default: fallback,
    check: (where, key, v) => checkBoolean(where, key, v, fallback),
    fromKeras(where, v, key) {
      if (v === undefined) return fallback;
      if (typeof v !== 'boolean') fail(`${where} has ${key} ${JSON.stringify(v)}; expected true or false`);
      return v;
    },
  };
}

/**
 * How a model.json (the TF.js format, which Keras 2 and tensorflowjs_converter write too) names an activation:
 * its "hard_sigmoid" is TF.js's clip(0.2·x + 0.5, 0, 1), seqcast's 'hardSigmoidTfjs'. Keras 3's
 * relu6(x + 3) / 6, which TF.js does not have, is written "hard_sigmoid_keras3": TF.js refuses that name
 * instead of computing another function. Every other activation keeps its name. Keras 3 writes an activation
 * as an object, `{ module: 'keras.activations', class_name: 'function', config: 'hard_sigmoid' }`; in that
 * form "hard_sigmoid" is Keras 3's (`fromKeras` below).
 */
const KERAS_ACTIVATION_NAMES: Readonly<Partial<Record<Activation, string>>> = {
  hardSigmoidTfjs: 'hard_sigmoid',
  hardSigmoid: 'hard_sigmoid_keras3',
};

/** The name a model.json records for an activation. */
export function activationToKeras(act: Activation): string {
  return KERAS_ACTIVATION_NAMES[act] ?? act;
}

/** The activation a model.json name means, or undefined for a name seqcast does not implement. */
export function activationFromKeras(name: string): Activation | undefined {
  for (const act of ACTIVATIONS) if (activationToKeras(act) === name) return act;
  return undefined;
}

/**
 * An activation; `mustState` makes a Keras config that omits it an error with that explanation (for
 * options whose default differs between libraries).
 */
export function activationOption(
  keras: string,
  fallback: Activation,
  mustState?: string,
): OptionSpec<Activation> {
  return {
    keras,
    default: fallback,
    check: (where, key, v) => checkActivation(where, key, v, fallback),
    toKeras: activationToKeras,
    fromKeras(where, value, key) {
      if (value === undefined) {
        if (mustState !== undefined) fail(`${where} does not state ${key}, ${mustState}`);
        return fallback;
      }
      const keras3 = isJson(value) && value.class_name === 'function';
      const name = keras3 ? value.config : value;
      const act =
        keras3 && name === 'hard_sigmoid'
          ? 'hardSigmoid'
          : typeof name === 'string'
            ? activationFromKeras(name)
            : undefined;
      if (act !== undefined) return act;
      const fix =
        name === 'softmax'
          ? 'softmax normalises over the last axis and is only a Dense activation in seqcast'
          : 'rebuild the model with one of these';
      fail(
        `${where} has ${key} ${JSON.stringify(value)}, which seqcast does not implement ` +
          `(it reads ${listKeys(ACTIVATIONS.map(activationToKeras))}); ${fix}`,
      );
    },
  };
}

/** Off keys that share a value and a hint: `offKeys(['kernel_regularizer', …], null, (k) => …)`. */
export function offKeys(
  keys: readonly string[],
  value: unknown,
  hint: (key: string) => string,
  write = true,
): Record<string, OffKey> {
  return Object.fromEntries(keys.map((k) => [k, { value, hint: hint(k), write }]));
}

/** Regularizer and constraint keys: accepted only as null (they act only in training). */
export function regularizersAndConstraintsOff(keys: readonly string[]): Record<string, OffKey> {
  return offKeys(keys, null, (k) =>
    k.endsWith('_regularizer')
      ? `seqcast implements no regularizers; set "${k}": null (they act only in training)`
      : `seqcast implements no weight constraints; set "${k}": null (they act only in training)`,
  );
}

export function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function fail(message: string): never {
  throw new SeqcastError('config', message);
}

/** Runs `make`, prefixing a SeqcastError's message with where the config came from. */
export function prefixed<T>(where: string, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (e instanceof SeqcastError) throw new SeqcastError(e.code, `${where}: ${e.message}`);
    throw e;
  }
}
