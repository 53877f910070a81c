/**
 * What `compile` takes and checks: an optimiser, a loss and metrics. The metrics themselves (what each
 * computes, over the epoch, and how a mask weighs them) are in training-metrics.ts.
 */
import { SeqcastError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { Optimizer, OptimizerSpec } from '../optim/optimizers.js';
import { getOptimizer } from '../optim/optimizers.js';
import type { Loss, LossSpec } from './losses.js';
import { getLoss } from './losses.js';
import type { Metric, MetricSpec } from './training-metrics.js';
import { getMetric } from './training-metrics.js';

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
  /** In the order given; each reported under its name. */
  readonly metrics: readonly Metric[];
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
  const metrics: Metric[] = [];
  for (const given of options.metrics ?? []) {
    const m = getMetric(given);
    const same = metrics.find((o) => o.name === m.name);
    if (same !== undefined && JSON.stringify(same) !== JSON.stringify(m)) {
      throw new SeqcastError(
        'config',
        `compile(): two different metrics are named '${m.name}'; give one its own name, e.g. ${m.kind}({ name: '${m.kind}_2', … })`,
      );
    }
    metrics.push(m);
  }
  const loss = getLoss(options.loss);
  for (const m of metrics) checkMetricForLoss(m, loss);
  return { optimizer: getOptimizer(options.optimizer), loss, metrics };
}

/** Integer labels (a sparse loss) have only sparseCategoricalAccuracy and accuracy; one-hot targets not it. */
function checkMetricForLoss(metric: Metric, loss: Loss): void {
  const sparse = loss.sparse === true;
  const m = metric.kind;
  if (sparse && (m === 'precision' || m === 'recall')) {
    throw new SeqcastError(
      'config',
      `compile(): metric '${metric.name}' compares predictions with targets shaped like them, but ${loss.name} takes integer class labels; ` +
        `for the ${m} of one class use one-hot targets with 'categoricalCrossentropy' and ${m}({ classId })`,
    );
  }
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
