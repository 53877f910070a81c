/**
 * What `compile` takes and checks: an optimiser, a loss and metrics. Metrics are computed over all
 * elements seen in an epoch (RMSE is the root of the epoch's mean square, not a mean of batch RMSEs), and
 * are never weighted by sample or class weights (Keras's `metrics`, not `weighted_metrics`).
 *
 *     mse  = Σ e² / n       mae = Σ |e| / n       rmse = sqrt(Σ e² / n)       with e = prediction − target
 *
 * The accuracies, as keras/src/metrics/accuracy_metrics.py defines them (a row is a vector on the last axis):
 *
 *     binaryAccuracy             mean over elements of [ (p > 0.5) = t ]
 *     categoricalAccuracy        mean over rows of [ argmax p = argmax t ]      (first maximum on ties)
 *     sparseCategoricalAccuracy  mean over rows of [ argmax p = label ]
 *     accuracy                   one of these, chosen as keras/src/trainers/compile_utils.py `get_metric`
 *                                chooses: binary for one output unit, sparse for integer labels, else
 *                                categorical; reported under the name 'accuracy'.
 */
import { SeqcastError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { Optimizer, OptimizerSpec } from '../optim/optimizers.js';
import { getOptimizer } from '../optim/optimizers.js';
import type { Loss, LossSpec } from './losses.js';
import { getLoss } from './losses.js';

export type MetricName =
  | 'mse'
  | 'mae'
  | 'rmse'
  | 'accuracy'
  | 'binaryAccuracy'
  | 'categoricalAccuracy'
  | 'sparseCategoricalAccuracy';
export const METRICS: readonly MetricName[] = [
  'mse',
  'mae',
  'rmse',
  'accuracy',
  'binaryAccuracy',
  'categoricalAccuracy',
  'sparseCategoricalAccuracy',
];

/** Keras's names for the metrics, accepted by compile and recorded under seqcast's. */
const METRIC_ALIASES: Readonly<Record<string, MetricName>> = {
  acc: 'accuracy',
  binary_accuracy: 'binaryAccuracy',
  categorical_accuracy: 'categoricalAccuracy',
  sparse_categorical_accuracy: 'sparseCategoricalAccuracy',
};

export type MetricSpec =
  MetricName | 'acc' | 'binary_accuracy' | 'categorical_accuracy' | 'sparse_categorical_accuracy';

export interface CompileOptions {
  /** 'adam', 'sgd', 'rmsprop' (Keras defaults) or an instance such as adam({ learningRate: 0.01, clipnorm: 1 }). */
  readonly optimizer: OptimizerSpec;
  /**
   * 'meanSquaredError' ('mse'), 'meanAbsoluteError' ('mae'), 'huber', huber(delta), 'binaryCrossentropy',
   * 'categoricalCrossentropy', 'sparseCategoricalCrossentropy' (or Keras's snake_case names), or
   * binaryCrossentropy({ fromLogits }) and the like.
   */
  readonly loss: LossSpec;
  /** Extra figures reported per epoch, on the training and the validation data. */
  readonly metrics?: readonly MetricSpec[];
}

export interface CompiledModel {
  readonly optimizer: Optimizer;
  readonly loss: Loss;
  readonly metrics: readonly MetricName[];
}

export function checkCompileOptions(options: CompileOptions): CompiledModel {
  if (options === null || typeof options !== 'object') {
    throw new SeqcastError('config', 'compile(): give { optimizer, loss, metrics? }');
  }
  checkOptions('compile()', options, ['optimizer', 'loss', 'metrics']);
  if (options.optimizer === undefined) {
    throw new SeqcastError(
      'config',
      "compile(): give an optimizer: 'adam', 'sgd', 'rmsprop' or e.g. adam({ learningRate: 0.01 })",
    );
  }
  if (options.loss === undefined) {
    throw new SeqcastError(
      'config',
      "compile(): give a loss: 'meanSquaredError', 'meanAbsoluteError' or 'huber'",
    );
  }
  if (options.metrics !== undefined && !Array.isArray(options.metrics)) {
    throw new SeqcastError(
      'config',
      `compile(): metrics must be a list such as ['accuracy'] (got ${JSON.stringify(options.metrics)})`,
    );
  }
  const metrics: MetricName[] = [];
  for (const given of options.metrics ?? []) {
    const m =
      typeof given === 'string' && Object.hasOwn(METRIC_ALIASES, given) ? METRIC_ALIASES[given] : given;
    if (!METRICS.includes(m as MetricName)) {
      throw new SeqcastError(
        'config',
        `compile(): unknown metric ${JSON.stringify(given)}; the metrics are ${METRICS.map((x) => `'${x}'`).join(', ')}`,
      );
    }
    metrics.push(m as MetricName);
  }
  const loss = getLoss(options.loss);
  for (const m of metrics) checkMetricForLoss(m, loss);
  return { optimizer: getOptimizer(options.optimizer), loss, metrics };
}

/** Integer labels (a sparse loss) have only sparseCategoricalAccuracy and accuracy; one-hot targets not it. */
function checkMetricForLoss(m: MetricName, loss: Loss): void {
  const sparse = loss.sparse === true;
  if (sparse && m !== 'accuracy' && m !== 'sparseCategoricalAccuracy') {
    throw new SeqcastError(
      'config',
      `compile(): metric '${m}' compares predictions with targets shaped like them, but ${loss.name} takes integer class labels; use 'accuracy' or 'sparseCategoricalAccuracy'`,
    );
  }
  if (!sparse && m === 'sparseCategoricalAccuracy') {
    throw new SeqcastError(
      'config',
      `compile(): metric 'sparseCategoricalAccuracy' takes integer class labels, which only loss 'sparseCategoricalCrossentropy' uses; with ${loss.name} use 'accuracy' or 'categoricalAccuracy'`,
    );
  }
}

/** Sums over the elements of an epoch, from which the metrics are formed. */
export class MetricSums {
  private sq = 0;
  private abs = 0;
  private n = 0;
  private binaryHits = 0;
  private rowHits = 0;
  private rows = 0;
  private width = 1;
  private readonly sparse: boolean;
  private readonly errors: boolean;
  private readonly binary: boolean;
  private readonly categorical: boolean;

  /** `metrics` and `loss` decide which sums are needed; without them (the default), only the error sums. */
  constructor(metrics: readonly MetricName[] = [], loss: Loss | null = null) {
    this.sparse = loss?.sparse === true;
    const acc = metrics.includes('accuracy');
    this.errors = !this.sparse;
    this.binary = !this.sparse && (acc || metrics.includes('binaryAccuracy'));
    this.categorical =
      acc || metrics.includes('categoricalAccuracy') || metrics.includes('sparseCategoricalAccuracy');
  }

  /**
   * Adds `count` predictions, in rows of `width` on the last axis, and their targets (as many, or one label
   * a row for a sparse loss).
   */
  add(pred: ArrayLike<number>, target: ArrayLike<number>, count: number, width = 1): void {
    this.width = width;
    if (this.errors) {
      for (let i = 0; i < count; i++) {
        const e = pred[i] - target[i];
        this.sq += e * e;
        this.abs += Math.abs(e);
      }
    }
    if (this.binary) {
      for (let i = 0; i < count; i++) if ((pred[i] > 0.5 ? 1 : 0) === target[i]) this.binaryHits++;
    }
    const rows = count / width;
    if (this.categorical) {
      for (let r = 0; r < rows; r++) {
        const want = this.sparse ? target[r] : argmax(target, r * width, width);
        if (argmax(pred, r * width, width) === want) this.rowHits++;
      }
    }
    this.n += count;
    this.rows += rows;
  }

  value(metric: MetricName): number {
    switch (metric) {
      case 'mse':
        return this.sq / this.n;
      case 'mae':
        return this.abs / this.n;
      case 'rmse':
        return Math.sqrt(this.sq / this.n);
      case 'binaryAccuracy':
        return this.binaryHits / this.n;
      case 'categoricalAccuracy':
      case 'sparseCategoricalAccuracy':
        return this.rowHits / this.rows;
      case 'accuracy':
        return this.width === 1 && !this.sparse ? this.binaryHits / this.n : this.rowHits / this.rows;
    }
  }
}

/** The index of the first maximum of a[o .. o+C) (numpy's argmax), relative to o. */
function argmax(a: ArrayLike<number>, o: number, C: number): number {
  let best = 0;
  for (let j = 1; j < C; j++) if (a[o + j] > a[o + best]) best = j;
  return best;
}
