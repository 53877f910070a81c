/**
 * What `compile` takes and checks: an optimiser, a loss and metrics. Metrics are computed over all
 * elements seen in an epoch (RMSE is the root of the epoch's mean square, not a mean of batch RMSEs).
 *
 *     mse  = Σ e² / n       mae = Σ |e| / n       rmse = sqrt(Σ e² / n)       with e = prediction − target
 */
import { SeqcastError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { Optimizer, OptimizerSpec } from '../optim/optimizers.js';
import { getOptimizer } from '../optim/optimizers.js';
import type { Loss, LossSpec } from './losses.js';
import { getLoss } from './losses.js';

export type MetricName = 'mse' | 'mae' | 'rmse';
export const METRICS: readonly MetricName[] = ['mse', 'mae', 'rmse'];

export interface CompileOptions {
  /** 'adam', 'sgd', 'rmsprop' (Keras defaults) or an instance such as adam({ learningRate: 0.01, clipnorm: 1 }). */
  readonly optimizer: OptimizerSpec;
  /** 'meanSquaredError' ('mse'), 'meanAbsoluteError' ('mae'), 'huber', or huber(delta). */
  readonly loss: LossSpec;
  /** Extra figures reported per epoch, on the training and the validation data. */
  readonly metrics?: readonly MetricName[];
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
  const metrics = [...(options.metrics ?? [])];
  for (const m of metrics) {
    if (!METRICS.includes(m)) {
      throw new SeqcastError(
        'config',
        `compile(): unknown metric ${JSON.stringify(m)}; the metrics are ${METRICS.map((x) => `'${x}'`).join(', ')}`,
      );
    }
  }
  return { optimizer: getOptimizer(options.optimizer), loss: getLoss(options.loss), metrics };
}

/** Sums over the elements of an epoch, from which the metrics are formed. */
export class MetricSums {
  private sq = 0;
  private abs = 0;
  private n = 0;

  add(pred: ArrayLike<number>, target: ArrayLike<number>, count: number): void {
    for (let i = 0; i < count; i++) {
      const e = pred[i] - target[i];
      this.sq += e * e;
      this.abs += Math.abs(e);
    }
    this.n += count;
  }

  value(metric: MetricName): number {
    switch (metric) {
      case 'mse':
        return this.sq / this.n;
      case 'mae':
        return this.abs / this.n;
      case 'rmse':
        return Math.sqrt(this.sq / this.n);
    }
  }
}
