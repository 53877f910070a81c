/**
 * A seqcast model as the `config.json` Keras 3's `saving_lib` writes and `keras.saving.load_model` reads:
 *
 *   { module: "keras", class_name: "Sequential", registered_name: null,
 *     config: { name, trainable, dtype: <DTypePolicy>, layers: [<InputLayer>, <layer>, …] },
 *     build_config: { input_shape: [null, …] }, compile_config: { optimizer, loss, metrics, … } | absent }
 *
 * Each layer is `{ module: "keras.layers", class_name, config, registered_name: null, build_config }` (the
 * build config for layers with weights, as Keras writes it). The options are the ones seqcast writes for
 * TF.js / Keras 2 (topology.ts, through each layer's descriptor), changed where Keras 3 differs: the input
 * shape moves to an InputLayer's `batch_shape`; `dtype` is a DTypePolicy; initializers name their module;
 * keys Keras 3's constructors no longer take (`implementation`, `input_length`, `time_major`) are dropped
 * (`implementation` was only a speed choice; `input_length` is implied by the input shape).
 *
 * "hard_sigmoid": seqcast's `hard_sigmoid` is Keras 2's (clip(0.2x + 0.5)), which Keras 3 no longer has
 * under that name ('hardSigmoidTfjs' in seqcast's options); such a layer is refused with the fix. Keras 3's own
 * ('hardSigmoid', `hard_sigmoid_keras3` in a model.json) is written as `hard_sigmoid`.
 *
 * PyTorch's flavour has no Keras form and is refused, never dropped: a layer with `recurrentBias` (a weight
 * Keras lacks; folding it into `bias` would keep predictions but not training) and an
 * `adam({ epsilonPlacement: 'pytorch' })` compile config (Keras's Adam would train differently).
 */
import { SeqcastError } from '../../errors.js';
import type { Layer } from '../../layers/layer.js';
import type { CompiledModel } from '../compile.js';
import type { Json } from '../keras-config.js';
import { isObject } from '../keras-config.js';
import type { Sequential } from '../sequential.js';
import { isPlainMetric } from '../training-metrics.js';
import { layerToKeras } from '../topology.js';

const DROPPED = ['implementation', 'input_length', 'time_major', 'batch_input_shape'];
const WRAPPED = ['layer', 'backward_layer'];

function dtypePolicy(): Json {
  return { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };
}

/** The Keras 3 config.json object of `model`. */
export function keras3Config(model: Sequential): Json {
  const batchShape = [model.batchSize, ...model.inputShape];
  const layers: Json[] = [
    {
      module: 'keras.layers',
      class_name: 'InputLayer',
      config: {
        batch_shape: batchShape,
        dtype: 'float32',
        sparse: false,
        ragged: false,
        name: 'input_layer',
      },
      registered_name: null,
    },
  ];
  model.layers.forEach((layer, i) => {
    const { class_name, config } = layerToKeras(layer, null);
    const entry = layerEntry(class_name, config as Json, layer);
    if (layer.weightSpecs().length > 0)
      entry.build_config = { input_shape: [model.batchSize, ...model.layerInputShape(i)] };
    layers.push(entry);
  });
  const out: Json = {
    module: 'keras',
    class_name: 'Sequential',
    config: { name: 'sequential', trainable: true, dtype: dtypePolicy(), layers },
    registered_name: null,
    build_config: { input_shape: batchShape },
  };
  if (model.compiled !== null) out.compile_config = compileConfig(model.compiled);
  return out;
}

function layerEntry(className: string, config: Json, layer: Layer): Json {
  return {
    module: 'keras.layers',
    class_name: className,
    config: keras3Options(config, layer),
    registered_name: null,
  };
}

/** A layer's options in Keras 3's spelling (see the module comment), nested layers too. */
function keras3Options(config: Json, layer: Layer): Json {
  const out: Json = {};
  for (const [key, value] of Object.entries(config)) {
    if (DROPPED.includes(key)) continue;
    if (key === 'recurrent_bias' && value === true) {
      throw new SeqcastError(
        'config',
        `layer '${layer.name}' (${layer.className}) has recurrentBias (PyTorch's second bias, a trained weight), which ` +
          `Keras layers do not have; save it with saveModel (seqcast's folder keeps both biases) instead of as a Keras file`,
      );
    }
    if (key === 'dtype') out.dtype = dtypePolicy();
    else if (WRAPPED.includes(key) && isObject(value) && isObject(value.config)) {
      out[key] = layerEntry(String(value.class_name), value.config, layer);
    } else if (key.endsWith('_initializer') && isObject(value)) {
      out[key] = { module: 'keras.initializers', ...value, registered_name: null };
    } else if ((key === 'activation' || key === 'recurrent_activation') && typeof value === 'string') {
      out[key] = activationName(value, layer, key);
    } else out[key] = value;
  }
  return out;
}

function activationName(name: string, layer: Layer, key: string): string {
  if (name === 'hard_sigmoid_keras3') return 'hard_sigmoid';
  if (name === 'hard_sigmoid') {
    throw new SeqcastError(
      'config',
      `layer '${layer.name}' (${layer.className}) has ${key} 'hard_sigmoid', Keras 2's and TF.js's clip(0.2·x + 0.5, 0, 1), ` +
        `which Keras 3 does not have (its hard_sigmoid is relu6(x + 3) / 6); use 'hardSigmoid' (Keras 3's) or 'sigmoid' for a Keras 3 file, or save with saveModel (TF.js) instead`,
    );
  }
  return name;
}

const LOSS_CLASS: Record<string, string> = {
  meanSquaredError: 'MeanSquaredError',
  meanAbsoluteError: 'MeanAbsoluteError',
  huber: 'Huber',
  binaryCrossentropy: 'BinaryCrossentropy',
  categoricalCrossentropy: 'CategoricalCrossentropy',
  sparseCategoricalCrossentropy: 'SparseCategoricalCrossentropy',
};

const METRIC_CLASS: Record<string, [string, string]> = {
  mse: ['MeanSquaredError', 'mean_squared_error'],
  mae: ['MeanAbsoluteError', 'mean_absolute_error'],
  rmse: ['RootMeanSquaredError', 'root_mean_squared_error'],
  binaryAccuracy: ['BinaryAccuracy', 'binary_accuracy'],
  categoricalAccuracy: ['CategoricalAccuracy', 'categorical_accuracy'],
  sparseCategoricalAccuracy: ['SparseCategoricalAccuracy', 'sparse_categorical_accuracy'],
  precision: ['Precision', 'precision'],
  recall: ['Recall', 'recall'],
};

const OPTIMIZER_CLASS: Record<string, string> = { adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSprop' };

/** Keras 3's `compile_config`: the optimizer, loss and metrics as Keras objects. */
function compileConfig(c: CompiledModel): Json {
  const opt = c.optimizer.getConfig();
  if (opt.epsilonPlacement === 'pytorch') {
    throw new SeqcastError(
      'config',
      `the model is compiled with adam({ epsilonPlacement: 'pytorch' }), PyTorch's Adam, which Keras does not have ` +
        `(Keras adds epsilon before the bias correction); compile it with adam() for a Keras file, or save with saveModel (seqcast's folder records it)`,
    );
  }
  const lr = c.optimizer.learningRate;
  const config: Json = {
    name: c.optimizer.name,
    learning_rate:
      typeof lr === 'number'
        ? lr
        : {
            module: 'keras.optimizers.schedules',
            class_name: 'ExponentialDecay',
            config: {
              initial_learning_rate: lr.config.initialLearningRate,
              decay_steps: lr.config.decaySteps,
              decay_rate: lr.config.decayRate,
              staircase: lr.config.staircase,
              name: 'ExponentialDecay',
            },
            registered_name: null,
          },
    weight_decay: null,
    clipnorm: opt.clipnorm ?? null,
    global_clipnorm: opt.globalClipnorm ?? null,
    clipvalue: opt.clipvalue ?? null,
    use_ema: false,
    ema_momentum: 0.99,
    ema_overwrite_frequency: null,
    loss_scale_factor: null,
    gradient_accumulation_steps: null,
  };
  for (const [k, v] of Object.entries(opt)) {
    if (['name', 'learningRate', 'clipnorm', 'globalClipnorm', 'clipvalue'].includes(k)) continue;
    config[k.replace(/([a-z])(\d)/g, '$1_$2')] = v as Json[string]; // beta1 → beta_1
  }
  if (c.optimizer.name === 'adam') config.amsgrad = false;
  const loss = c.loss;
  const lossConfig: Json = { name: lossName(loss.name), reduction: 'sum_over_batch_size' };
  if (loss.delta !== undefined) lossConfig.delta = loss.delta;
  if (loss.fromLogits !== undefined) lossConfig.from_logits = loss.fromLogits;
  if (loss.labelSmoothing !== undefined) lossConfig.label_smoothing = loss.labelSmoothing;
  const metrics = c.metrics.map((m): Json | string => {
    if (m.kind === 'accuracy') return 'accuracy';
    const [cls, name] = METRIC_CLASS[m.kind];
    const mconfig: Json = { name: isPlainMetric(m) ? name : m.name, dtype: 'float32' };
    if (m.kind === 'precision' || m.kind === 'recall') {
      mconfig.thresholds = m.thresholds ?? null;
      mconfig.top_k = null;
      mconfig.class_id = m.classId ?? null;
    }
    return { module: 'keras.metrics', class_name: cls, config: mconfig, registered_name: null };
  });
  return {
    optimizer: {
      module: 'keras.optimizers',
      class_name: OPTIMIZER_CLASS[c.optimizer.name],
      config,
      registered_name: null,
    },
    loss: {
      module: 'keras.losses',
      class_name: LOSS_CLASS[loss.name],
      config: lossConfig,
      registered_name: null,
    },
    loss_weights: null,
    metrics: metrics.length === 0 ? null : metrics,
    weighted_metrics: null,
    run_eagerly: false,
    steps_per_execution: 1,
    jit_compile: false,
  };
}

function lossName(name: string): string {
  return name.replace(/([A-Z])/g, '_$1').toLowerCase();
}
