/**
 * The training loop, and evaluate / predict. One epoch: shuffle the training samples with the seeded
 * generator (the validation part is never shuffled in), then per batch: forward → loss → backward →
 * clip → update. The epoch's loss is the batch losses' mean weighted by batch size (as Keras reports it);
 * metrics are computed over every element of the epoch (training-metrics.ts), an output's mask weighing its
 * rows. Sample and class weights: see weights.ts.
 *
 * terminateOnNaN (default on): if a batch's loss, gradients or updated weights are not finite, training
 * stops, the weights from before that update are kept, and History.stop says which epoch and batch.
 */
import { SeqcastError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { ParamSegment } from '../optim/clip.js';
import { Random } from '../random.js';
import type { FloatArray, Tensor } from '../tensor.js';
import { allocate, firstNonFinite, formatShape, sizeOf } from '../tensor.js';
import { Batcher, checkX, checkY } from './batches.js';
import type { Callback, EpochLogs, TrainingInfo } from './callbacks.js';
import { EarlyStopping } from './callbacks.js';
import type { CompiledModel } from './compile.js';
import type { TensorLike } from './inputs.js';
import type { Sequential } from './sequential.js';
import { batchSizeFor, checkStatefulSamples, shuffleFor } from './stateful-batches.js';
import { checkMetricsForOutput, MetricSums } from './training-metrics.js';
import type { ClassWeight, SampleWeightLike } from './weights.js';
import {
  batchRowWeights,
  checkSampleWeight,
  classWeightToSampleWeights,
  maskedRowWeights,
} from './weights.js';

export interface FitOptions {
  /** Default 1. */
  readonly epochs?: number;
  /** Default 32; a stateful model's batchSize, the only one it takes. */
  readonly batchSize?: number;
  /** Shuffle the training samples every epoch (seeded). Default true; false for a stateful model, which refuses true. */
  readonly shuffle?: boolean;
  /** Seed of the shuffles. Default: the model's seed. */
  readonly seed?: number;
  /** Hold out this last fraction of the samples (never shuffled into training) to validate on. */
  readonly validationSplit?: number;
  /** Validate on these samples instead. */
  readonly validationData?: readonly [TensorLike, TensorLike];
  /** Start counting epochs here (to resume). Default 0. */
  readonly initialEpoch?: number;
  readonly callbacks?: readonly Callback[];
  /** Stop cleanly at the first non-finite loss, gradient or weight. Default true; false throws instead. */
  readonly terminateOnNaN?: boolean;
  /**
   * One weight ≥ 0 per sample, multiplying its loss (Keras: the weighted sum over the batch divided by the
   * number of samples). With validationSplit, the held-out part's weights weight val_loss.
   */
  readonly sampleWeight?: SampleWeightLike;
  /** `{ class: weight }` for the training samples (Keras `class_weight`); not with sampleWeight. */
  readonly classWeight?: ClassWeight;
}

export interface StopReport {
  readonly reason: 'earlyStopping' | 'nonFinite' | 'callback';
  readonly epoch: number;
  /** The batch that went non-finite. */
  readonly batch?: number;
  readonly message: string;
}

export interface History {
  /** The epochs run (with initialEpoch, they start there). */
  readonly epoch: number[];
  /** Per epoch: loss, the metrics, val_loss and val_ metrics with validation, lr (the learning rate at the end). */
  readonly history: Record<string, number[]>;
  /** Per epoch: the global L2 norm of the gradients before clipping, over its batches. */
  readonly gradientNorm: { min: number; median: number; max: number }[];
  /** Per epoch: the fraction of batches in which clipping changed the gradients. */
  readonly clippedFraction: number[];
  /** Why training ended before `epochs`, or null. */
  stop: StopReport | null;
}

export async function fit(
  model: Sequential,
  x: TensorLike,
  y: TensorLike,
  options: FitOptions = {},
): Promise<History> {
  const compiled = requireCompiled(model, 'fit()');
  checkFitOptions(options);
  const epochs = options.epochs ?? 1;
  const batchSize = batchSizeFor(model, options.batchSize, 32, 'fit()');
  const shuffle = shuffleFor(model, options.shuffle);
  const terminateOnNaN = options.terminateOnNaN ?? true;
  const callbacks = options.callbacks ?? [];
  const sparse = compiled.loss.sparse === true;
  const X = checkX(model, x, 'fit()');
  const Y = checkY(model, X, y, 'fit()', sparse);
  const width = outputWidth(model);
  checkMetricsForOutput(compiled.metrics, width, 'fit()');
  const ySample = sizeOf(Y.shape.slice(1));
  const rowsPerSample = sparse ? ySample : ySample / width;
  const outSample = rowsPerSample * width;
  if (options.sampleWeight !== undefined && options.classWeight !== undefined) {
    throw new SeqcastError(
      'config',
      'fit(): give sampleWeight or classWeight, not both (Keras refuses both at once too)',
    );
  }
  const weights =
    options.sampleWeight !== undefined
      ? checkSampleWeight(options.sampleWeight, X.shape[0], 'fit()')
      : options.classWeight !== undefined
        ? classWeightToSampleWeights(options.classWeight, Y, width, rowsPerSample, sparse, 'fit()')
        : null;

  let nTrain = X.shape[0];
  let validation: [Tensor, Tensor] | null = null;
  let validationWeights: Float64Array | undefined;
  if (options.validationData !== undefined) {
    const Xv = checkX(model, options.validationData[0], 'fit(): validationData');
    validation = [Xv, checkY(model, Xv, options.validationData[1], 'fit(): validationData', sparse)];
  } else if (options.validationSplit !== undefined && options.validationSplit > 0) {
    nTrain = Math.floor(X.shape[0] * (1 - options.validationSplit));
    if (nTrain < 1 || nTrain >= X.shape[0]) {
      throw new SeqcastError(
        'config',
        `fit(): validationSplit ${options.validationSplit} of ${X.shape[0]} samples leaves ${nTrain} to train on and ` +
          `${X.shape[0] - nTrain} to validate; both need at least one`,
      );
    }
    validation = [slice(X, nTrain, X.shape[0]), slice(Y, nTrain, Y.shape[0])];
    if (options.sampleWeight !== undefined && weights !== null) validationWeights = weights.slice(nTrain);
  }

  checkStatefulSamples(model, nTrain, 'fit()');
  if (validation !== null) checkStatefulSamples(model, validation[0].shape[0], 'fit(): validation');
  const steps = Math.ceil(nTrain / batchSize);
  const xs = new Batcher(X, batchSize);
  const ys = new Batcher(Y, batchSize);
  const dOut = allocate(model.dtype, batchSize * outSample);
  const rowWeights = weights === null ? null : new Float64Array(batchSize * rowsPerSample);
  const order = Int32Array.from({ length: nTrain }, (_, i) => i);
  const rng = new Random(options.seed ?? model.seed);
  const segments = model.segments();
  const before = allocate(model.dtype, model.params.length);
  const norms = new Float64Array(steps);
  const history: History = { epoch: [], history: {}, gradientNorm: [], clippedFraction: [], stop: null };
  const info: TrainingInfo = {
    model,
    epochs,
    initialEpoch: options.initialEpoch ?? 0,
    stepsPerEpoch: steps,
    samples: nTrain,
    validationSamples: validation?.[0].shape[0] ?? 0,
  };

  model.stopTraining = false;
  for (const cb of callbacks) await cb.onTrainBegin?.(info);
  for (let epoch = info.initialEpoch; epoch < epochs && history.stop === null; epoch++) {
    for (const cb of callbacks) await cb.onEpochBegin?.(epoch);
    if (shuffle) shuffleInPlace(order, rng);
    let lossSum = 0;
    let clipped = 0;
    let done = 0;
    const sums = new MetricSums(compiled.metrics, compiled.loss);
    for (let b = 0; b < steps; b++) {
      const start = b * batchSize;
      const n = Math.min(batchSize, nTrain - start);
      const xb = shuffle ? xs.gather(order, start, n) : xs.range(start, n);
      const yb = shuffle ? ys.gather(order, start, n) : ys.range(start, n);
      const wb =
        weights === null || rowWeights === null
          ? null
          : batchRowWeights(
              weights,
              (r) => (shuffle ? order[start + r] : start + r),
              n,
              rowsPerSample,
              rowWeights,
            );
      before.set(model.params);
      const step = trainBatch(model, compiled, xb, yb, dOut, segments, width, wb);
      if (typeof step === 'string') {
        model.params.set(before);
        const report: StopReport = {
          reason: 'nonFinite',
          epoch,
          batch: b,
          message: `epoch ${epoch + 1}, batch ${b + 1}: ${step}`,
        };
        if (!terminateOnNaN) throw new SeqcastError('non-finite', `fit(): ${report.message}`);
        history.stop = report;
        break;
      }
      lossSum += step.loss * n;
      sums.add(step.out, yb.data, n * outSample, width, step.mask);
      norms[b] = step.norm;
      if (step.clipped) clipped++;
      done++;
      for (const cb of callbacks) {
        const r = cb.onBatchEnd?.(epoch, b, { loss: step.loss, size: n });
        if (r !== undefined) await r;
      }
    }
    if (done === 0) break;
    const logs: Record<string, number> = {
      loss: lossSum / (done === steps ? nTrain : sumSizes(done, batchSize, nTrain)),
    };
    for (const m of compiled.metrics) logs[m.name] = sums.value(m);
    if (validation !== null) {
      const v = evaluate(model, validation[0], validation[1], {
        batchSize,
        ...(validationWeights === undefined ? {} : { sampleWeight: validationWeights }),
      });
      for (const [k, val] of Object.entries(v)) logs[`val_${k}`] = val;
    }
    logs.lr = compiled.optimizer.currentLearningRate();
    record(history, epoch, logs, norms.subarray(0, done), clipped / done);
    for (const cb of callbacks) await cb.onEpochEnd?.(epoch, logs as EpochLogs);
    if (model.stopTraining && history.stop === null) {
      const es = callbacks.find(
        (c): c is EarlyStopping => c instanceof EarlyStopping && c.stoppedEpoch === epoch,
      );
      history.stop = {
        reason: es !== undefined ? 'earlyStopping' : 'callback',
        epoch,
        message:
          es !== undefined
            ? `early stopping: '${es.monitor}' did not improve for ${es.patience} epochs (best at epoch ${(es.bestEpoch ?? 0) + 1})`
            : `a callback stopped training after epoch ${epoch + 1}`,
      };
    }
  }
  for (const cb of callbacks) await cb.onTrainEnd?.();
  return history;
}

/** One optimiser step; returns the figures, or why it could not be taken (non-finite). */
function trainBatch(
  model: Sequential,
  compiled: CompiledModel,
  xb: Tensor,
  yb: Tensor,
  dOut: FloatArray,
  segments: readonly ParamSegment[],
  width: number,
  weights: Float64Array | null,
): { loss: number; out: FloatArray; mask: Uint8Array | null; norm: number; clipped: boolean } | string {
  let out: Tensor;
  try {
    out = model.forward(xb, true); // the training pass: dropout drops
  } catch (e) {
    if (e instanceof SeqcastError && e.code === 'non-finite') return e.message;
    throw e;
  }
  const n = out.data.length;
  const w = maskedRowWeights(model.outputMask, weights, n / width, 'fit()');
  const loss = compiled.loss.compute(out.data, yb.data, n, dOut, width, w);
  if (!Number.isFinite(loss)) return `the loss is ${loss}`;
  model.zeroGrad();
  try {
    model.backward({ shape: out.shape, data: dOut.subarray(0, n) });
  } catch (e) {
    if (e instanceof SeqcastError && e.code === 'non-finite') return e.message;
    throw e;
  }
  const report = compiled.optimizer.applyGradients(model.params, model.grads, segments);
  const bad = firstNonFinite(model.params);
  if (bad >= 0) return `the update made a weight ${model.params[bad]} (learning rate too high?)`;
  // the mask of this batch's output weighs its rows in the metrics (1 = a real step)
  const mask = model.outputMask?.data ?? null;
  return { loss, out: out.data, mask, norm: report.normBefore, clipped: report.engaged };
}

export interface EvaluateOptions {
  /** Default 32. */
  readonly batchSize?: number;
  /** One weight ≥ 0 per sample for the loss (not the metrics), as in fit. */
  readonly sampleWeight?: SampleWeightLike;
}

/** The loss and the compiled metrics on (x, y), in batches. */
export function evaluate(
  model: Sequential,
  x: TensorLike,
  y: TensorLike,
  options: EvaluateOptions = {},
): Record<string, number> {
  checkOptions('evaluate()', options, ['batchSize', 'sampleWeight']);
  const compiled = requireCompiled(model, 'evaluate()');
  const batchSize = checkBatchSize('evaluate()', batchSizeFor(model, options.batchSize, 32, 'evaluate()'));
  const sparse = compiled.loss.sparse === true;
  const X = checkX(model, x, 'evaluate()');
  const Y = checkY(model, X, y, 'evaluate()', sparse);
  const N = X.shape[0];
  checkStatefulSamples(model, N, 'evaluate()');
  const width = outputWidth(model);
  checkMetricsForOutput(compiled.metrics, width, 'evaluate()');
  const ySample = sizeOf(Y.shape.slice(1));
  const rowsPerSample = sparse ? ySample : ySample / width;
  const weights =
    options.sampleWeight === undefined ? null : checkSampleWeight(options.sampleWeight, N, 'evaluate()');
  const rowWeights = weights === null ? null : new Float64Array(batchSize * rowsPerSample);
  const xs = new Batcher(X, batchSize);
  const ys = new Batcher(Y, batchSize);
  const sums = new MetricSums(compiled.metrics, compiled.loss);
  let lossSum = 0;
  for (let start = 0; start < N; start += batchSize) {
    const n = Math.min(batchSize, N - start);
    const out = model.forward(xs.range(start, n));
    const yb = ys.range(start, n);
    const wb = maskedRowWeights(
      model.outputMask,
      weights === null || rowWeights === null
        ? null
        : batchRowWeights(weights, (r) => start + r, n, rowsPerSample, rowWeights),
      out.data.length / width,
      'evaluate()',
    );
    lossSum += compiled.loss.compute(out.data, yb.data, out.data.length, null, width, wb) * n;
    sums.add(out.data, yb.data, out.data.length, width, model.outputMask?.data ?? null);
  }
  const result: Record<string, number> = { loss: lossSum / N };
  for (const m of compiled.metrics) result[m.name] = sums.value(m);
  return result;
}

export interface PredictOptions {
  /** Samples per forward pass; memory stays bounded by it whatever N is. Default 256. */
  readonly batchSize?: number;
}

/** The model's output for every sample of x, computed batch by batch into one result tensor. */
export function predict(model: Sequential, x: TensorLike, options: PredictOptions = {}): Tensor {
  checkOptions('predict()', options, ['batchSize']);
  const batchSize = checkBatchSize('predict()', batchSizeFor(model, options.batchSize, 256, 'predict()'));
  const X = checkX(model, x, 'predict()');
  const N = X.shape[0];
  checkStatefulSamples(model, N, 'predict()');
  const xs = new Batcher(X, batchSize);
  let result: Tensor | null = null;
  for (let start = 0; start < N; start += batchSize) {
    const n = Math.min(batchSize, N - start);
    const out = model.forward(xs.range(start, n));
    const per = out.data.length / n;
    result ??= { shape: [N, ...out.shape.slice(1)], data: allocate(model.dtype, N * per) };
    result.data.set(out.data, start * per);
  }
  return result!;
}

/** The size of the model's output's last axis (classes, for a classifier). */
export function outputWidth(model: Sequential): number {
  const w = model.outputShape[model.outputShape.length - 1];
  if (w === null || w === undefined) {
    throw new SeqcastError(
      'shape',
      `the model's output ${formatShape([null, ...model.outputShape])} has no fixed last axis`,
    );
  }
  return w;
}

function requireCompiled(model: Sequential, label: string): CompiledModel {
  const c = model.compiled;
  if (c === null)
    throw new SeqcastError(
      'state',
      `${label}: compile() the model first, e.g. model.compile({ optimizer: 'adam', loss: 'mse' })`,
    );
  return c;
}

function checkFitOptions(o: FitOptions): void {
  const known = [
    'epochs',
    'batchSize',
    'shuffle',
    'seed',
    'validationSplit',
    'validationData',
    'initialEpoch',
    'callbacks',
    'terminateOnNaN',
    'sampleWeight',
    'classWeight',
  ];
  checkOptions('fit()', o, known);
  if (o.epochs !== undefined && (!Number.isInteger(o.epochs) || o.epochs < 1)) {
    throw new SeqcastError('config', `fit(): epochs must be an integer ≥ 1 (got ${o.epochs})`);
  }
  checkBatchSize('fit()', o.batchSize ?? 32);
  if (o.validationSplit !== undefined && !(o.validationSplit >= 0 && o.validationSplit < 1)) {
    throw new SeqcastError('config', `fit(): validationSplit must be in [0, 1) (got ${o.validationSplit})`);
  }
  if (o.validationSplit !== undefined && o.validationSplit > 0 && o.validationData !== undefined) {
    throw new SeqcastError('config', 'fit(): give validationSplit or validationData, not both');
  }
  const ie = o.initialEpoch ?? 0;
  if (!Number.isInteger(ie) || ie < 0 || ie >= (o.epochs ?? 1)) {
    throw new SeqcastError('config', `fit(): initialEpoch must be an integer in [0, epochs) (got ${ie})`);
  }
}

function checkBatchSize(label: string, b: number): number {
  if (!Number.isInteger(b) || b < 1)
    throw new SeqcastError('config', `${label}: batchSize must be an integer ≥ 1 (got ${b})`);
  return b;
}

function shuffleInPlace(order: Int32Array, rng: Random): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
}

function slice(t: Tensor, from: number, to: number): Tensor {
  const s = sizeOf(t.shape.slice(1));
  return { shape: [to - from, ...t.shape.slice(1)], data: t.data.subarray(from * s, to * s) };
}

function sumSizes(done: number, batchSize: number, n: number): number {
  return Math.min(done * batchSize, n);
}

function record(
  h: History,
  epoch: number,
  logs: Record<string, number>,
  norms: Float64Array,
  clippedFraction: number,
): void {
  h.epoch.push(epoch);
  for (const [k, v] of Object.entries(logs)) (h.history[k] ??= []).push(v);
  const sorted = Float64Array.from(norms).sort();
  const mid = sorted.length >> 1;
  h.gradientNorm.push({
    min: sorted[0],
    median: sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2,
    max: sorted[sorted.length - 1],
  });
  h.clippedFraction.push(clippedFraction);
}
