/**
 * The shared recurrent base of the layer descriptors (see descriptor.ts): the options every recurrent layer
 * (SimpleRNN, LSTM, GRU) has, with their Keras names, defaults and checks, and the Keras keys they write and
 * accept. An option every recurrent layer has is added here (and, if it changes what the layer computes or
 * draws, in the Recurrent class of recurrent.ts).
 */
import type { Initializer } from '../initializers.js';
import { isPyTorchRecurrentInit, recurrentInitializationOption } from './initialization.js';
import type { ConfigOf, KerasKeys, OptionSpec, OptionsOf } from './descriptor.js';
import {
  activationOption,
  booleanOption,
  fail,
  isJson,
  regularizersAndConstraintsOff,
  rateOption,
  seedOption,
  unitsOption,
} from './descriptor.js';

const GLOROT_UNIFORM = { class_name: 'GlorotUniform', config: { seed: null } };
const ORTHOGONAL = { class_name: 'Orthogonal', config: { gain: 1, seed: null } };
const ZEROS = { class_name: 'Zeros', config: {} };

/** The initialisers seqcast draws a recurrent kernel with. */
export type RecurrentInitializer = 'orthogonal' | 'glorotUniform' | 'zeros';
const RECURRENT_INITIALIZERS: readonly RecurrentInitializer[] = ['orthogonal', 'glorotUniform', 'zeros'];
/** What `Recurrent.weightSpecs` draws the recurrent kernel with. */
export const RECURRENT_INITIALIZER_DRAWS: Readonly<Record<RecurrentInitializer, Initializer>> = {
  orthogonal: { kind: 'orthogonal', gain: 1 },
  glorotUniform: { kind: 'glorotUniform' },
  zeros: { kind: 'zeros' },
};
const RECURRENT_INITIALIZER_KERAS: Readonly<Record<RecurrentInitializer, object>> = {
  orthogonal: ORTHOGONAL,
  glorotUniform: GLOROT_UNIFORM,
  zeros: ZEROS,
};

/**
 * `recurrentInitializer` ↔ Keras `recurrent_initializer`: a Keras string ('orthogonal', 'glorot_uniform',
 * 'zeros') or `{ class_name, config }` (Orthogonal with gain 1 — Keras ≤ 3.4 names it OrthogonalInitializer —, GlorotUniform, Zeros, and the
 * VarianceScaling(1, 'fan_avg', 'uniform') that is GlorotUniform); seeds are not read (seqcast's generator
 * is its own, see initializers.ts). Another initialiser is an error naming these.
 */
function recurrentInitializerOption(): OptionSpec<RecurrentInitializer> {
  const names = RECURRENT_INITIALIZERS.map((k) => `'${k}'`).join(', ');
  const fromKeras = (value: unknown): RecurrentInitializer | undefined => {
    const cls = isJson(value) ? value.class_name : value;
    const config = isJson(value) && isJson(value.config) ? value.config : {};
    if (cls === 'Orthogonal' || cls === 'OrthogonalInitializer' || cls === 'orthogonal')
      return config.gain === undefined || config.gain === 1 ? 'orthogonal' : undefined;
    if (cls === 'GlorotUniform' || cls === 'glorot_uniform') return 'glorotUniform';
    if (cls === 'Zeros' || cls === 'zeros') return 'zeros';
    const glorot = config.scale === 1 && config.mode === 'fan_avg' && config.distribution === 'uniform';
    return cls === 'VarianceScaling' && glorot ? 'glorotUniform' : undefined;
  };
  return {
    keras: 'recurrent_initializer',
    default: 'orthogonal',
    check(where, key, v) {
      if ((RECURRENT_INITIALIZERS as readonly unknown[]).includes(v)) return v as RecurrentInitializer;
      return fail(`${where}: ${key} must be one of ${names} (got ${JSON.stringify(v)})`);
    },
    fromKeras(where, v, key, config = {}) {
      if (v === undefined) return 'orthogonal';
      // PyTorch's initialisation states RandomUniform here; `initialization` reads it, and draws every weight
      if (isPyTorchRecurrentInit(config)) return 'orthogonal';
      const init = fromKeras(v);
      if (init !== undefined) return init;
      return fail(
        `${where} has ${key} ${JSON.stringify(v)}, which seqcast does not draw (it draws Orthogonal with gain 1, ` +
          `GlorotUniform and Zeros: recurrentInitializer ${names}); it only draws a new model's first weights, ` +
          `so set "${key}": "orthogonal" to read the file's weights`,
      );
    },
    toKeras: (v) => RECURRENT_INITIALIZER_KERAS[v],
  };
}

/** The options every recurrent layer has, with their Keras names and defaults. */
export const RECURRENT_OPTIONS = {
  /** The size of the state h (and c). Required. */
  units: unitsOption(),
  /** Of the candidate / new state (and, in an LSTM, of the cell state in h = o ⊙ act(c)). Default 'tanh'. */
  activation: activationOption('activation', 'tanh'),
  /** Default true. */
  useBias: booleanOption('use_bias', true),
  /** Output the state after every step ([B, T, U]) instead of only the last ([B, U]). Default false. */
  returnSequences: booleanOption('return_sequences', false),
  /** Also return the final state(s) from `call` (h, and c for an LSTM). Default false. */
  returnState: booleanOption('return_state', false),
  /** Read the sequence from its last step to its first. Default false. */
  goBackwards: booleanOption('go_backwards', false),
  /**
   * Carry the final states of each call over as the initial states of the next (Keras `stateful`): sample i
   * of one batch continues sample i of the previous one. Needs the model's fixed `batchSize`; `resetStates()`
   * zeroes the states. No gradient crosses from one batch to the next (truncated BPTT). Default false.
   */
  stateful: booleanOption('stateful', false),
  /**
   * How the recurrent kernel's first values are drawn (Keras `recurrent_initializer`): 'orthogonal' (default,
   * Keras's Orthogonal with gain 1), 'glorotUniform' or 'zeros'. Only a new model's weights depend on it.
   */
  recurrentInitializer: recurrentInitializerOption(),
  /**
   * How every weight of the layer is first drawn: 'keras' (default: kernel GlorotUniform, recurrent kernel by
   * recurrentInitializer, biases zeros or LSTM's unit forget bias) or 'pytorch' (PyTorch's nn.RNN / nn.LSTM /
   * nn.GRU default: every weight and bias, recurrent_bias included, U(−1/√units, 1/√units); recurrentInitializer
   * and unitForgetBias are then not read). Only a new model's weights depend on it (initialization.ts).
   */
  initialization: recurrentInitializationOption(),
  /**
   * The fraction of the inputs dropped in training (Keras `dropout`): one mask per sequence of the batch,
   * [B, I], the same at every step, the kept inputs scaled by 1/(1 − rate). Inference: no dropout. Default 0.
   */
  dropout: rateOption('dropout'),
  /**
   * The fraction of the state's units dropped in training for the recurrent products (Keras
   * `recurrent_dropout`): one [B, U] mask per gate block and sequence of the batch, the same at every step,
   * the kept units scaled by 1/(1 − rate); with it an LSTM's or GRU's input dropout is per gate block too
   * (recurrent-dropout.ts). Inference: no dropout. Default 0.
   */
  recurrentDropout: rateOption('recurrent_dropout'),
  /** The seed of the dropout masks; null (default): derived from the model's seed and the layer's name. */
  seed: seedOption(),
};

/**
 * A second trained bias, `recurrent_bias` (the shape of `bias`), added to `bias` in every step: PyTorch's
 * parametrisation (`bias_ih` and `bias_hh` of nn.RNN / nn.LSTM), which trains both vectors with the same
 * gradient, so a run from PyTorch's weights moves as PyTorch's does. Needs useBias; SimpleRNN and LSTM only
 * (a GRU with resetAfter true has PyTorch's two biases already). Keras and TF.js have no such weight: their
 * writers refuse the layer. Default false (written only when true).
 */
export const RECURRENT_BIAS_OPTION: OptionSpec<boolean> = {
  ...booleanOption('recurrent_bias', false),
  toKeras: (v: boolean) => (v ? true : undefined),
};

/**
 * Of the gates (LSTM i, f, o; GRU z, r). Default 'sigmoid' (the logistic function, as in Keras 3; not
 * TF.js's hard sigmoid, 'hardSigmoidTfjs'), so a Keras config must state it.
 */
export const RECURRENT_ACTIVATION = activationOption(
  'recurrent_activation',
  'sigmoid',
  `whose default differs between TF.js ('hard_sigmoid') and Keras ('sigmoid'); add "recurrent_activation": "sigmoid" if the model was trained with the sigmoid, "hard_sigmoid" if with TF.js's hard sigmoid`,
);

/** The config every recurrent layer has. */
export type RecurrentConfig = ConfigOf<typeof RECURRENT_OPTIONS>;
/** Options every recurrent layer accepts (`units` required). */
export type RecurrentOptions = OptionsOf<typeof RECURRENT_OPTIONS, 'units'>;

/** The Keras keys of a recurrent layer that are not options; `gated` for LSTM and GRU (Keras `implementation`). */
export function recurrentKerasKeys(gated: boolean): KerasKeys {
  return {
    written: {
      kernel_initializer: GLOROT_UNIFORM,
      bias_initializer: ZEROS,
      ...(gated ? { implementation: 2 } : {}),
    },
    accepted: ['zero_output_for_mask', ...(gated ? ['use_cudnn'] : [])],
    off: {
      ...regularizersAndConstraintsOff([
        'kernel_regularizer',
        'recurrent_regularizer',
        'bias_regularizer',
        'activity_regularizer',
        'kernel_constraint',
        'recurrent_constraint',
        'bias_constraint',
      ]),
      unroll: {
        value: false,
        hint: 'seqcast does not unroll (it changes speed, not results); set "unroll": false',
      },
      time_major: {
        value: false,
        hint: 'seqcast reads batch-major input [batch, time, features]; set "time_major": false',
        write: false,
      },
    },
  };
}
