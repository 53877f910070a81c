/**
 * Callbacks: hooks into `fit`, Keras style. A callback may stop training after the current epoch by setting
 * `model.stopTraining = true`. Hooks may return a promise; `fit` awaits it. The library prints nothing:
 * progress display is a callback too (the CLI's progress bar is one).
 *
 * - earlyStopping: stops when `monitor` has not improved by more than `minDelta` for `patience` epochs;
 *   with `restoreBestWeights`, the weights of the best epoch are restored when training ends (Keras 3).
 * - reduceLROnPlateau: multiplies the optimiser's learning rate by `factor` after `patience` epochs without
 *   an improvement of more than `minDelta`, then waits `cooldown` epochs; never below `minLr`.
 *
 * Both improve downwards, except on a compiled metric whose Keras direction is 'up' (an accuracy, precision,
 * recall: `accuracy`, `val_precision`, or the name given to precision({ name })), which improves upwards, as
 * Keras 3's `mode: 'auto'` decides from the metric's direction (keras/src/callbacks/early_stopping.py).
 */
import { SeqcastError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { FloatArray } from '../tensor.js';
import type { Sequential } from './sequential.js';
import { higherIsBetterMetric } from './training-metrics.js';

/** Per-epoch figures: loss, val_loss, the metrics (mae, val_mae, …) and the learning rate used (lr). */
export type EpochLogs = Readonly<Record<string, number>>;

export interface BatchLogs {
  readonly loss: number;
  readonly size: number;
}

export interface TrainingInfo {
  readonly model: Sequential;
  readonly epochs: number;
  readonly initialEpoch: number;
  readonly stepsPerEpoch: number;
  readonly samples: number;
  readonly validationSamples: number;
}

export interface Callback {
  onTrainBegin?(info: TrainingInfo): void | Promise<void>;
  onEpochBegin?(epoch: number): void | Promise<void>;
  onBatchEnd?(epoch: number, batch: number, logs: BatchLogs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: EpochLogs): void | Promise<void>;
  onTrainEnd?(): void | Promise<void>;
}

export interface EarlyStoppingOptions {
  /** Default 'val_loss'. */
  readonly monitor?: string;
  /** Default 0. */
  readonly patience?: number;
  /** Default 0. */
  readonly minDelta?: number;
  /** Default false. */
  readonly restoreBestWeights?: boolean;
}

export class EarlyStopping implements Callback {
  readonly monitor: string;
  readonly patience: number;
  readonly minDelta: number;
  readonly restoreBestWeights: boolean;
  /** The epoch training stopped at, or null. */
  stoppedEpoch: number | null = null;
  /** The epoch with the best monitored value, or null. */
  bestEpoch: number | null = null;
  private model: Sequential | null = null;
  private best = Infinity;
  private wait = 0;
  private bestWeights: FloatArray | null = null;

  constructor(options: EarlyStoppingOptions = {}) {
    checkOptions('earlyStopping()', options, ['monitor', 'patience', 'minDelta', 'restoreBestWeights']);
    this.monitor = options.monitor ?? 'val_loss';
    this.patience = nonNegativeInteger('earlyStopping()', 'patience', options.patience ?? 0);
    this.minDelta = Math.abs(options.minDelta ?? 0);
    this.restoreBestWeights = options.restoreBestWeights ?? false;
  }

  onTrainBegin(info: TrainingInfo): void {
    this.model = info.model;
    this.best = higherIsBetter(this.monitor, info.model) ? -Infinity : Infinity;
    this.wait = 0;
    this.stoppedEpoch = null;
    this.bestEpoch = null;
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: EpochLogs): void {
    const current = monitored('earlyStopping()', this.monitor, logs);
    const model = this.model!;
    if (this.restoreBestWeights && this.bestWeights === null) this.bestWeights = model.params.slice();
    this.wait++;
    if (improves(higherIsBetter(this.monitor, model), current, this.minDelta, this.best)) {
      this.best = current;
      this.bestEpoch = epoch;
      this.wait = 0;
      if (this.restoreBestWeights) this.bestWeights = model.params.slice();
      return;
    }
    if (this.wait >= this.patience && epoch > 0) {
      this.stoppedEpoch = epoch;
      model.stopTraining = true;
    }
  }

  onTrainEnd(): void {
    if (this.restoreBestWeights && this.bestWeights !== null) this.model!.params.set(this.bestWeights);
  }
}

export interface ReduceLROnPlateauOptions {
  /** Default 'val_loss'. */
  readonly monitor?: string;
  /** Default 0.1. */
  readonly factor?: number;
  /** Default 10. */
  readonly patience?: number;
  /** Default 1e-4. */
  readonly minDelta?: number;
  /** Default 0. */
  readonly cooldown?: number;
  /** Default 0. */
  readonly minLr?: number;
}

export class ReduceLROnPlateau implements Callback {
  readonly monitor: string;
  readonly factor: number;
  readonly patience: number;
  readonly minDelta: number;
  readonly cooldown: number;
  readonly minLr: number;
  private model: Sequential | null = null;
  private best = Infinity;
  private wait = 0;
  private cooldownLeft = 0;

  constructor(options: ReduceLROnPlateauOptions = {}) {
    checkOptions('reduceLROnPlateau()', options, [
      'monitor',
      'factor',
      'patience',
      'minDelta',
      'cooldown',
      'minLr',
    ]);
    this.monitor = options.monitor ?? 'val_loss';
    this.factor = options.factor ?? 0.1;
    if (!(this.factor > 0 && this.factor < 1)) {
      throw new SeqcastError('config', `reduceLROnPlateau(): factor must be in (0, 1) (got ${this.factor})`);
    }
    this.patience = nonNegativeInteger('reduceLROnPlateau()', 'patience', options.patience ?? 10);
    this.minDelta = Math.abs(options.minDelta ?? 1e-4);
    this.cooldown = nonNegativeInteger('reduceLROnPlateau()', 'cooldown', options.cooldown ?? 0);
    this.minLr = options.minLr ?? 0;
  }

  onTrainBegin(info: TrainingInfo): void {
    this.model = info.model;
    this.best = higherIsBetter(this.monitor, info.model) ? -Infinity : Infinity;
    this.wait = 0;
    this.cooldownLeft = 0;
    if (typeof info.model.compiled?.optimizer.learningRate !== 'number') {
      throw new SeqcastError(
        'config',
        'reduceLROnPlateau(): the optimizer follows a learning-rate schedule; use one or the other',
      );
    }
  }

  onEpochEnd(_epoch: number, logs: EpochLogs): void {
    const current = monitored('reduceLROnPlateau()', this.monitor, logs);
    const optimizer = this.model!.compiled!.optimizer;
    if (this.cooldownLeft > 0) {
      this.cooldownLeft--;
      this.wait = 0;
    }
    const better = higherIsBetter(this.monitor, this.model!)
      ? current - this.minDelta > this.best
      : current < this.best - this.minDelta;
    if (better) {
      this.best = current;
      this.wait = 0;
    } else if (this.cooldownLeft === 0) {
      this.wait++;
      if (this.wait >= this.patience) {
        const lr = optimizer.learningRate as number;
        if (lr > this.minLr) {
          optimizer.learningRate = Math.max(lr * this.factor, this.minLr);
          this.cooldownLeft = this.cooldown;
          this.wait = 0;
        }
      }
    }
  }
}

export const earlyStopping = (options: EarlyStoppingOptions = {}): EarlyStopping =>
  new EarlyStopping(options);
export const reduceLROnPlateau = (options: ReduceLROnPlateauOptions = {}): ReduceLROnPlateau =>
  new ReduceLROnPlateau(options);

/**
 * A compiled metric whose Keras `_direction` is 'up' (accuracies, precision, recall) improves upwards,
 * found by its name in the model's compiled metrics; every other figure (loss, mae, lr, …) downwards.
 */
function higherIsBetter(monitor: string, model: Sequential): boolean {
  const name = monitor.startsWith('val_') ? monitor.slice(4) : monitor;
  const metric = model.compiled?.metrics.find((m) => m.name === name);
  return metric !== undefined && higherIsBetterMetric(metric.kind);
}

/** current beats best by more than minDelta, in the monitor's direction. */
function improves(up: boolean, current: number, minDelta: number, best: number): boolean {
  return up ? current - minDelta > best : current + minDelta < best;
}

function monitored(label: string, monitor: string, logs: EpochLogs): number {
  const v = logs[monitor];
  if (v === undefined) {
    throw new SeqcastError(
      'config',
      `${label}: '${monitor}' is not among the epoch's figures (${Object.keys(logs).join(', ')}); ` +
        (monitor.startsWith('val_')
          ? "give fit() validationSplit or validationData, or monitor 'loss'"
          : 'check its name'),
    );
  }
  return v;
}

function nonNegativeInteger(label: string, key: string, v: number): number {
  if (!Number.isInteger(v) || v < 0)
    throw new SeqcastError('config', `${label}: ${key} must be an integer ≥ 0 (got ${v})`);
  return v;
}
