/**
 * The compiled training setup in a saved model. seqcast stores its exact form under
 * `userDefinedMetadata.seqcast.compile` (restored on load, so a loaded model can go on training) and the
 * TF.js `trainingConfig` form beside it, for TF.js and Keras readers:
 *
 *     { "loss": "mean_squared_error", "metrics": ["mae"],
 *       "optimizer_config": { "class_name": "Adam", "config": { "learning_rate": 0.001, … } } }
 *
 * A metric is stored by its name ("mae"), or, for a precision or recall with options, as an object
 * `{ "kind": "precision", "name": "p_at_0.3", "thresholds": 0.3, "classId": 1 }`. The TF.js form lists only
 * the metrics TF.js's own compile() knows (it refuses the others, and with them the whole model).
 *
 * The optimiser's moments are not saved: a reloaded model trains on with a fresh optimiser state.
 */
import { SeqcastError } from '../errors.js';
import type { OptimizerName } from '../optim/optimizers.js';
import { adam, rmsprop, sgd } from '../optim/optimizers.js';
import { exponentialDecay } from '../optim/schedules.js';
import type { CompiledModel, CompileOptions } from './compile.js';
import type { Loss, LossSpec } from './losses.js';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  huber,
  sparseCategoricalCrossentropy,
} from './losses.js';
import type { Metric, MetricName, MetricSpec } from './training-metrics.js';
import { getMetric, isPlainMetric, METRICS } from './training-metrics.js';

export interface LossJson {
  readonly name: string;
  /** huber. */
  readonly delta?: number;
  /** The crossentropies. */
  readonly fromLogits?: boolean;
  /** binaryCrossentropy and categoricalCrossentropy. */
  readonly labelSmoothing?: number;
}

/** A precision or recall with options; every other metric is stored as its name. */
export interface MetricJson {
  readonly kind: MetricName;
  readonly name: string;
  readonly thresholds?: number;
  readonly classId?: number;
}

export interface CompileJson {
  readonly optimizer: Record<string, unknown>;
  readonly loss: LossJson;
  readonly metrics: readonly (string | MetricJson)[];
}

function metricToJson(m: Metric): string | MetricJson {
  return isPlainMetric(m) ? m.kind : { ...m };
}

function lossToJson(l: Loss): LossJson {
  const out: { name: string; delta?: number; fromLogits?: boolean; labelSmoothing?: number } = {
    name: l.name,
  };
  if (l.delta !== undefined) out.delta = l.delta;
  if (l.fromLogits !== undefined) out.fromLogits = l.fromLogits;
  if (l.labelSmoothing !== undefined) out.labelSmoothing = l.labelSmoothing;
  return out;
}

export function compileToJson(c: CompiledModel): CompileJson {
  return {
    optimizer: c.optimizer.getConfig(),
    loss: lossToJson(c.loss),
    metrics: c.metrics.map(metricToJson),
  };
}

const KERAS_LOSS: Record<string, string> = {
  meanSquaredError: 'mean_squared_error',
  meanAbsoluteError: 'mean_absolute_error',
  huber: 'huber',
  binaryCrossentropy: 'binary_crossentropy',
  categoricalCrossentropy: 'categorical_crossentropy',
  sparseCategoricalCrossentropy: 'sparse_categorical_crossentropy',
};
/** The metric names TF.js's compile() resolves (tfjs-layers metrics.ts `metricsMap`, and 'accuracy'). */
const TFJS_METRICS: readonly MetricName[] = [
  'accuracy',
  'binaryAccuracy',
  'categoricalAccuracy',
  'mse',
  'mae',
  'precision',
];
const KERAS_OPTIMIZER: Record<OptimizerName, string> = { adam: 'Adam', sgd: 'SGD', rmsprop: 'RMSprop' };

/** TF.js's `trainingConfig` for the compiled model (a schedule is written as its current rate). */
export function tfjsTrainingConfig(c: CompiledModel): Record<string, unknown> {
  const cfg = c.optimizer.getConfig();
  const config: Record<string, unknown> = { learning_rate: c.optimizer.currentLearningRate() };
  for (const [k, v] of Object.entries(cfg)) {
    if (k === 'name' || k === 'learningRate' || v === null) continue;
    config[
      k
        .replace(/([A-Z])/g, '_$1')
        .replace(/([a-z])(\d)/g, '$1_$2')
        .toLowerCase()
    ] = v; // beta1 → beta_1
  }
  return {
    loss: KERAS_LOSS[c.loss.name],
    metrics: c.metrics.filter((m) => isPlainMetric(m) && TFJS_METRICS.includes(m.kind)).map((m) => m.kind),
    optimizer_config: { class_name: KERAS_OPTIMIZER[c.optimizer.name], config },
  };
}

/** The compile options a stored CompileJson describes; every field is checked. */
export function compileFromJson(json: unknown, src: string): CompileOptions {
  const fail = (what: string): never => {
    throw new SeqcastError('config', `${src}: userDefinedMetadata.seqcast.compile: ${what}`);
  };
  if (json === null || typeof json !== 'object') return fail('must be an object');
  const { optimizer, loss, metrics } = json as Partial<CompileJson>;
  if (optimizer === null || typeof optimizer !== 'object') return fail('optimizer must be an object');
  const { name, learningRate, ...rest } = optimizer as Record<string, unknown>;
  const options: Record<string, unknown> = Object.fromEntries(
    Object.entries(rest).filter(([, v]) => v !== null),
  );
  if (typeof learningRate === 'number') options.learningRate = learningRate;
  else if (learningRate !== null && typeof learningRate === 'object') {
    const { kind, ...schedule } = learningRate as Record<string, unknown>;
    if (kind !== 'exponentialDecay') return fail(`unknown learning-rate schedule ${JSON.stringify(kind)}`);
    options.learningRate = exponentialDecay(schedule as never);
  }
  const makers = { adam, sgd, rmsprop };
  const make = Object.hasOwn(makers, name as string) ? makers[name as OptimizerName] : undefined;
  if (make === undefined) return fail(`unknown optimizer ${JSON.stringify(name)}`);
  if (loss === null || typeof loss !== 'object') return fail('loss must be an object');
  const lossSpec = lossFromJson(loss, fail);
  if (!Array.isArray(metrics)) return fail('metrics must be a list');
  const specs: MetricSpec[] = [];
  for (const m of metrics as unknown[]) {
    if (typeof m === 'string' && !METRICS.includes(m as MetricName)) {
      return fail(
        `unknown metric ${JSON.stringify(m)}; the metrics are ${METRICS.map((k) => `'${k}'`).join(', ')}`,
      );
    }
    try {
      specs.push(getMetric(m));
    } catch (e) {
      if (e instanceof SeqcastError && e.code === 'config') return fail(`metrics: ${e.message}`);
      throw e;
    }
  }
  return { optimizer: make(options as never), loss: lossSpec, metrics: specs };
}

/** The loss a stored LossJson names, with its options (each checked by the loss's own factory). */
function lossFromJson(loss: LossJson, fail: (what: string) => never): LossSpec {
  const { name, delta, fromLogits, labelSmoothing } = loss;
  const given = (o: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  try {
    switch (name) {
      case 'meanSquaredError':
      case 'meanAbsoluteError':
        return name;
      case 'huber':
        return huber(delta ?? 1);
      case 'binaryCrossentropy':
        return binaryCrossentropy(given({ fromLogits, labelSmoothing }));
      case 'categoricalCrossentropy':
        return categoricalCrossentropy(given({ fromLogits, labelSmoothing }));
      case 'sparseCategoricalCrossentropy':
        return sparseCategoricalCrossentropy(given({ fromLogits }));
      default:
        return fail(`unknown loss ${JSON.stringify(name)}`);
    }
  } catch (e) {
    if (e instanceof SeqcastError && e.code === 'config' && !e.message.includes('userDefinedMetadata')) {
      return fail(`loss: ${e.message}`);
    }
    throw e;
  }
}
