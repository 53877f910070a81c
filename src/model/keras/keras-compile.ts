/**
 * A Keras file's compile settings as seqcast's `compile` options: Keras 3's `compile_config` (in config.json
 * or, for the legacy writer, `training_config`) and Keras 2's `training_config` (`optimizer_config`).
 *
 * Mapped: Adam, SGD and RMSprop with their rates, betas, epsilon, momentum, nesterov, rho, centered and
 * clipping (Keras 2's `lr` as `learning_rate`, its `decay` only when 0); the losses seqcast has, by name or
 * as `{ class_name, config }` (from_logits, label_smoothing, Huber's delta); the metrics seqcast has.
 * What does not map is never guessed: each such part is reported through `skip` with the reason, and
 * without an optimizer and a loss the model is left uncompiled. The optimizer's state (iterations and
 * moments) is restored afterwards into the optimizer built here, when it matches (keras-optimizer.ts).
 */
import { adam, rmsprop, sgd } from '../../optim/optimizers.js';
import type { Optimizer } from '../../optim/optimizers.js';
import type { CompileOptions } from '../compile.js';
import type { MetricSpec } from '../training-metrics.js';
import { precision, recall } from '../training-metrics.js';
import type { Json } from '../keras-config.js';
import { isObject } from '../keras-config.js';
import type { LossSpec } from '../losses.js';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  huber,
  sparseCategoricalCrossentropy,
} from '../losses.js';

/** Keras metric names (functions and classes) and what seqcast calls them. */
const METRIC_NAMES: Readonly<Record<string, MetricSpec>> = {
  mse: 'mse',
  mean_squared_error: 'mse',
  MeanSquaredError: 'mse',
  mae: 'mae',
  mean_absolute_error: 'mae',
  MeanAbsoluteError: 'mae',
  RootMeanSquaredError: 'rmse',
  root_mean_squared_error: 'rmse',
  accuracy: 'accuracy',
  acc: 'accuracy',
  binary_accuracy: 'binaryAccuracy',
  BinaryAccuracy: 'binaryAccuracy',
  categorical_accuracy: 'categoricalAccuracy',
  CategoricalAccuracy: 'categoricalAccuracy',
  sparse_categorical_accuracy: 'sparseCategoricalAccuracy',
  SparseCategoricalAccuracy: 'sparseCategoricalAccuracy',
  precision: 'precision',
  Precision: 'precision',
  recall: 'recall',
  Recall: 'recall',
};

/** Optimizer config keys that must have these values (features seqcast's optimizers lack). */
const OFF: Readonly<Record<string, readonly unknown[]>> = {
  amsgrad: [false],
  weight_decay: [null, 0],
  use_ema: [false],
  decay: [0],
  loss_scale_factor: [null],
  gradient_accumulation_steps: [null],
};
/** Config keys that say nothing about the update. */
const IGNORED = ['name', 'ema_momentum', 'ema_overwrite_frequency', 'jit_compile', 'is_legacy_optimizer'];

/** The compile options of `training` (null when nothing maps); `skip` hears what is left out and why. */
export function kerasCompile(training: Json, skip: (what: string) => void): CompileOptions | null {
  const optimizer = readOptimizer(training.optimizer ?? training.optimizer_config, skip);
  const loss = readLoss(training.loss, skip);
  const metrics = readMetrics(training.metrics, skip);
  for (const key of ['loss_weights', 'weighted_metrics']) {
    if (training[key] !== undefined && training[key] !== null)
      skip(`${key} ${JSON.stringify(training[key]).slice(0, 60)}: seqcast has no such setting`);
  }
  if (optimizer === null || loss === null) {
    skip('the model is left uncompiled; call compile() before fit()');
    return null;
  }
  return { optimizer, loss, metrics };
}

function readOptimizer(raw: unknown, skip: (what: string) => void): Optimizer | null {
  const spec = typeof raw === 'string' ? { class_name: raw, config: {} } : raw;
  if (!isObject(spec) || typeof spec.class_name !== 'string') {
    skip(`the optimizer ${JSON.stringify(raw)?.slice(0, 60)}: not a Keras optimizer config`);
    return null;
  }
  // tf.keras 2.11 writes its new optimizers as 'Custom>Adam'
  const cls = spec.class_name.replace(/^Custom>/, '').toLowerCase();
  const config = isObject(spec.config) ? spec.config : {};
  const known: Record<string, readonly string[]> = {
    adam: ['beta_1', 'beta_2', 'epsilon'],
    sgd: ['momentum', 'nesterov'],
    rmsprop: ['rho', 'momentum', 'epsilon', 'centered'],
  };
  if (!Object.hasOwn(known, cls)) {
    skip(`the optimizer ${spec.class_name}: seqcast has Adam, SGD and RMSprop`);
    return null;
  }
  const options: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (IGNORED.includes(key) || value === null) continue;
    if (Object.hasOwn(OFF, key)) {
      if (!OFF[key].includes(value)) {
        skip(
          `the optimizer ${spec.class_name} with ${key} ${JSON.stringify(value)}: seqcast's ${spec.class_name} has no ${key}`,
        );
        return null;
      }
      continue;
    }
    const name = key === 'lr' || key === 'learning_rate' ? 'learningRate' : camel(key);
    if (name === 'learningRate' && typeof value !== 'number') {
      skip(`the optimizer's learning_rate ${JSON.stringify(value).slice(0, 60)}: only a fixed rate is read`);
      return null;
    }
    if (
      !['learningRate', 'clipnorm', 'globalClipnorm', 'clipvalue', ...known[cls].map(camel)].includes(name)
    ) {
      skip(
        `the optimizer ${spec.class_name} with ${key} ${JSON.stringify(value)}: seqcast does not know that option`,
      );
      return null;
    }
    options[name] = value;
  }
  try {
    return cls === 'adam' ? adam(options) : cls === 'sgd' ? sgd(options) : rmsprop(options);
  } catch (e) {
    skip(`the optimizer ${spec.class_name}: ${(e as Error).message}`);
    return null;
  }
}

function readLoss(raw: unknown, skip: (what: string) => void): LossSpec | null {
  const fn = isObject(raw) && raw.class_name === 'function' ? raw.config : raw;
  const name = typeof fn === 'string' ? fn : isObject(fn) ? fn.class_name : undefined;
  const config = isObject(fn) && isObject(fn.config) ? fn.config : {};
  const reduction = config.reduction;
  if (reduction !== undefined && reduction !== 'auto' && reduction !== 'sum_over_batch_size') {
    skip(`the loss's reduction ${JSON.stringify(reduction)}: seqcast's losses average over the batch`);
    return null;
  }
  const fromLogits = config.from_logits === true;
  const labelSmoothing = typeof config.label_smoothing === 'number' ? config.label_smoothing : 0;
  try {
    switch (name) {
      case 'mse':
      case 'mean_squared_error':
      case 'MeanSquaredError':
        return 'meanSquaredError';
      case 'mae':
      case 'mean_absolute_error':
      case 'MeanAbsoluteError':
        return 'meanAbsoluteError';
      case 'huber':
      case 'huber_loss':
      case 'Huber':
        return huber(typeof config.delta === 'number' ? config.delta : 1);
      case 'binary_crossentropy':
      case 'BinaryCrossentropy':
        return binaryCrossentropy({ fromLogits, labelSmoothing });
      case 'categorical_crossentropy':
      case 'CategoricalCrossentropy':
        return categoricalCrossentropy({ fromLogits, labelSmoothing });
      case 'sparse_categorical_crossentropy':
      case 'SparseCategoricalCrossentropy':
        return sparseCategoricalCrossentropy({ fromLogits });
      default:
        skip(`the loss ${JSON.stringify(raw)?.slice(0, 60)}: seqcast does not have it`);
        return null;
    }
  } catch (e) {
    skip(`the loss ${String(name)}: ${(e as Error).message}`);
    return null;
  }
}

function readMetrics(raw: unknown, skip: (what: string) => void): MetricSpec[] {
  if (raw === undefined || raw === null) return [];
  // Keras 2 writes one list per output: [["acc"]]
  const list = Array.isArray(raw) && raw.length === 1 && Array.isArray(raw[0]) ? raw[0] : raw;
  if (!Array.isArray(list)) {
    skip(`metrics ${JSON.stringify(raw).slice(0, 60)}: not a list`);
    return [];
  }
  const out: MetricSpec[] = [];
  for (const m of list) {
    const fn = isObject(m) && m.class_name === 'function' ? m.config : m;
    const name = typeof fn === 'string' ? fn : isObject(fn) ? fn.class_name : undefined;
    const config = isObject(fn) && isObject(fn.config) ? fn.config : {};
    const threshold = config.threshold;
    const mapped =
      typeof name === 'string' && Object.hasOwn(METRIC_NAMES, name) ? METRIC_NAMES[name] : undefined;
    if (mapped === undefined) {
      const label =
        typeof config.name === 'string' && typeof name === 'string'
          ? `${config.name} (a ${name})`
          : JSON.stringify(m).slice(0, 60);
      skip(`the metric ${label}: seqcast does not have it`);
      continue;
    }
    if (threshold !== undefined && threshold !== 0.5) {
      skip(
        `the metric ${String(name)} with threshold ${JSON.stringify(threshold)}: seqcast's accuracy thresholds at 0.5`,
      );
      continue;
    }
    if (mapped === 'precision' || mapped === 'recall') {
      const confusion = confusionMetricFromKeras(mapped, config, skip);
      if (confusion !== null) out.push(confusion);
      continue;
    }
    out.push(mapped);
  }
  return out;
}

/** Keras's Precision / Recall config: one threshold, an optional class_id; top_k is not in seqcast. */
function confusionMetricFromKeras(
  kind: 'precision' | 'recall',
  config: Record<string, unknown>,
  skip: (what: string) => void,
): MetricSpec | null {
  const { thresholds, class_id: classId, top_k: topK, name } = config;
  if (topK !== undefined && topK !== null) {
    skip(`the metric ${kind} with top_k ${JSON.stringify(topK)}: seqcast's ${kind} has no top_k`);
    return null;
  }
  const threshold = Array.isArray(thresholds) && thresholds.length === 1 ? thresholds[0] : thresholds;
  try {
    return (kind === 'precision' ? precision : recall)({
      ...(threshold === undefined || threshold === null ? {} : { thresholds: threshold as number }),
      ...(classId === undefined || classId === null ? {} : { classId: classId as number }),
      ...(typeof name === 'string' ? { name } : {}),
    });
  } catch (e) {
    skip(`the metric ${kind}: ${(e as Error).message}`);
    return null;
  }
}

function camel(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}
