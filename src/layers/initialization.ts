/**
 * `initialization`: how a layer draws its first weights, Keras's way (default) or PyTorch's (initializers.ts,
 * `pytorchUniform`): for a recurrent layer every weight and bias U(±1/√units), as nn.RNN / nn.LSTM / nn.GRU
 * draw them; for Dense kernel and bias U(±1/√fanIn), as nn.Linear does. Only a new model's weights depend on it.
 *
 * Keras and TF.js configs state it with their own initialisers, which draw the same distributions, so the files
 * load anywhere: a recurrent layer's kernel_initializer, recurrent_initializer and bias_initializer are
 * RandomUniform(−1/√units, 1/√units); a Dense's kernel_initializer is VarianceScaling(scale 1/3, 'fan_in',
 * 'uniform') (bound √(3·scale/fan_in) = 1/√fan_in) and its bias_initializer RandomUniform(±1/√fan_in). Those
 * forms read back as 'pytorch'; any other initialisers as 'keras' (as before: seqcast reads the weights).
 */
import { SeqcastError } from '../errors.js';
import type { Json, OptionSpec } from './descriptor.js';
import { isJson } from './descriptor.js';
import type { Layer } from './layer.js';

export type Initialization = 'keras' | 'pytorch';

function randomUniform(bound: number): Json {
  return { class_name: 'RandomUniform', config: { minval: -bound, maxval: bound, seed: null } };
}

/** Whether `a` is within float32 printing of `b`. */
function near(a: unknown, b: number): boolean {
  return typeof a === 'number' && Math.abs(a - b) <= 1e-6 * Math.abs(b);
}

/** RandomUniform(−bound, bound); any symmetric bound when `bound` is undefined. */
function isRandomUniform(v: unknown, bound?: number): boolean {
  if (!isJson(v) || v.class_name !== 'RandomUniform' || !isJson(v.config)) return false;
  const { minval, maxval } = v.config;
  if (typeof maxval !== 'number' || !(maxval > 0) || !near(minval, -maxval)) return false;
  return bound === undefined || near(maxval, bound);
}

/** A recurrent layer's Keras config states PyTorch's initialisation (see the module comment). */
export function isPyTorchRecurrentInit(config: Json): boolean {
  const units = config.units;
  if (typeof units !== 'number' || !(units > 0)) return false;
  const bound = 1 / Math.sqrt(units);
  return ['kernel_initializer', 'recurrent_initializer', 'bias_initializer'].every((k) =>
    isRandomUniform(config[k], bound),
  );
}

function isPyTorchDenseInit(config: Json): boolean {
  const k = config.kernel_initializer;
  if (!isJson(k) || k.class_name !== 'VarianceScaling' || !isJson(k.config)) return false;
  const { scale, mode, distribution } = k.config;
  return (
    near(scale, 1 / 3) &&
    mode === 'fan_in' &&
    distribution === 'uniform' &&
    isRandomUniform(config.bias_initializer)
  );
}

function check(where: string, key: string, v: unknown): Initialization {
  if (v === 'keras' || v === 'pytorch') return v;
  throw new SeqcastError(
    'config',
    `${where}: ${key} must be 'keras' or 'pytorch' (got ${JSON.stringify(v)})`,
  );
}

/** `initialization` of SimpleRNN, LSTM and GRU: its Keras form is the three initialisers (module comment). */
export function recurrentInitializationOption(): OptionSpec<Initialization> {
  return {
    keras: 'kernel_initializer',
    default: 'keras',
    check,
    fromKeras: (_where, _v, _key, config = {}) => (isPyTorchRecurrentInit(config) ? 'pytorch' : 'keras'),
    toKerasKeys(v, layer) {
      if (v === 'keras') return {};
      const bound = 1 / Math.sqrt((layer.getConfig() as { units: number }).units);
      return {
        kernel_initializer: randomUniform(bound),
        recurrent_initializer: randomUniform(bound),
        bias_initializer: randomUniform(bound),
      };
    },
  };
}

/** Dense's `initialization`: its Keras form is VarianceScaling(1/3, fan_in, uniform) and RandomUniform(±1/√fanIn). */
export function denseInitializationOption(fanIn: (layer: Layer) => number): OptionSpec<Initialization> {
  return {
    keras: 'kernel_initializer',
    default: 'keras',
    check,
    fromKeras: (_where, _v, _key, config = {}) => (isPyTorchDenseInit(config) ? 'pytorch' : 'keras'),
    toKerasKeys(v, layer) {
      if (v === 'keras') return {};
      const n = fanIn(layer);
      if (!(n > 0)) {
        throw new SeqcastError(
          'state',
          `layer '${layer.name}' (Dense): its initialization 'pytorch' depends on its input size; build it first`,
        );
      }
      return {
        kernel_initializer: {
          class_name: 'VarianceScaling',
          config: { scale: 1 / 3, mode: 'fan_in', distribution: 'uniform', seed: null },
        },
        bias_initializer: randomUniform(1 / Math.sqrt(n)),
      };
    },
  };
}
