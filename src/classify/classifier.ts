/**
 * SequenceClassifier: a whole sequence in, one label out — the counterpart of Forecaster. `fit`:
 *
 *   labels → classes (data.ts) → seeded stratified split train / validation / test (split.ts) →
 *   text: TextVectorizer adapted on the TRAINING texts only → [N, L] indices (padding 0 at the end);
 *   series: per-feature standard scaling fitted on the training frames only → [N, L, F], padded with 0 →
 *   model (pipeline.ts) trained with class weights when unbalanced and early stopping on the validation part
 *   → scored on the test part beside the baselines fitted on the same training part (evaluation.ts).
 *
 * A saved classifier (`state()`, artifacts.ts, io-node.ts) keeps the vectorizer or the scaler, the classes
 * and the baselines, so a reloaded one reads raw texts.
 */
import { SeqcastError } from '../errors.js';
import type { Callback } from '../model/callbacks.js';
import { earlyStopping } from '../model/callbacks.js';
import type { History } from '../model/fit.js';
import type { Sequential } from '../model/sequential.js';
import { adam } from '../optim/optimizers.js';
import type { Tensor } from '../tensor.js';
import type { SummaryBaseline } from './baselines.js';
import {
  bagOfWords,
  fitBagOfWords,
  fitSummaryBaseline,
  majorityClass,
  predictMajority,
  predictSummaryBaseline,
} from './baselines.js';
import type { ClassifyConfig, ResolvedClassifyConfig } from './config.js';
import { resolveClassifyConfig } from './config.js';
import type { LabelledData, Samples, Sequence } from './data.js';
import { checkLabelledData, checkSequences, checkTexts, classesOf } from './data.js';
import type { BaselineName, ClassifierEvaluation, Scored } from './evaluation.js';
import { scoreClassifier } from './evaluation.js';
import { LogisticRegression } from './logistic.js';
import {
  buildClassifierModel,
  classWeights,
  gatherRows,
  MAX_TEXT_LENGTH,
  scaleAndPad,
  toProbabilities,
  unknownWords,
} from './pipeline.js';
import { stratifiedSplit } from './split.js';
import type { BaselineState, ClassifierState } from './state.js';
import { checkClassifierState, checkModelAgainstState } from './state.js';
import type { TextVectorizer } from './text-vectorizer.js';
import { textVectorizer } from './text-vectorizer.js';

export type { ClassifierState } from './state.js';

/** What fitting did: the parts, the shapes, the class weights and the time. */
export interface ClassifierFitInfo {
  readonly trainSamples: number;
  readonly validationSamples: number;
  readonly testSamples: number;
  /** Samples per class in the training part, in class order. */
  readonly trainCounts: readonly number[];
  /** Per class, or null when the classes were not weighted. */
  readonly classWeight: readonly number[] | null;
  readonly inputLength: number;
  /** Text: the vocabulary size (padding and [UNK] included); series: 0. */
  readonly vocabularySize: number;
  readonly fitSeconds: number;
  /** The sample positions of each part (into the data given to fit). */
  readonly split: { readonly train: Int32Array; readonly validation: Int32Array; readonly test: Int32Array };
}

export interface FitClassifierOptions {
  readonly callbacks?: readonly Callback[];
}

/** Class labels and [N, K] probabilities for samples. */
export interface ClassPrediction {
  readonly labels: readonly string[];
  readonly classIndex: Int32Array;
  readonly probabilities: Float64Array;
}

export class SequenceClassifier {
  readonly model: Sequential;
  readonly config: ResolvedClassifyConfig;
  readonly classes: readonly string[];
  readonly vectorizer: TextVectorizer | null;
  readonly history: History | null;
  /** Set by fit; null for a loaded classifier. */
  readonly fitInfo: ClassifierFitInfo | null;
  /** The scores on the test part, beside the baselines; set by fit. */
  readonly testEvaluation: ClassifierEvaluation | null;
  private readonly saved: ClassifierState;

  private constructor(
    model: Sequential,
    state: ClassifierState,
    vectorizer: TextVectorizer | null,
    history: History | null,
    fitInfo: ClassifierFitInfo | null,
    testEvaluation: ClassifierEvaluation | null,
  ) {
    this.model = model;
    this.saved = state;
    this.config = state.config;
    this.classes = state.classes;
    this.vectorizer = vectorizer;
    this.history = history;
    this.fitInfo = fitInfo;
    this.testEvaluation = testEvaluation;
  }

  /** Splits, prepares, trains and scores; see the module comment. */
  static async fit(
    data: LabelledData,
    config: ClassifyConfig = {},
    options: FitClassifierOptions = {},
  ): Promise<SequenceClassifier> {
    for (const k of Object.keys(options)) {
      if (k !== 'callbacks') {
        throw new SeqcastError(
          'config',
          `SequenceClassifier.fit() options: unknown option '${k}'; the options are callbacks`,
        );
      }
    }
    const d = checkLabelledData(data, 'SequenceClassifier.fit()');
    const cfg = resolveClassifyConfig(config, d.kind);
    const classes = classesOf(d.labels);
    if (classes.length < 2) {
      throw new SeqcastError(
        'config',
        `SequenceClassifier.fit(): every label is '${classes[0] ?? ''}'; a classifier needs at least two classes`,
      );
    }
    const K = classes.length;
    const index = new Map(classes.map((c, k) => [c, k]));
    const y = Int32Array.from(d.labels, (l) => index.get(l)!);
    const split = stratifiedSplit(y, {
      testFraction: cfg.testFraction,
      validationFraction: cfg.validationFraction,
      seed: cfg.training.seed,
    });
    const testCounts = new Array<number>(K).fill(0);
    for (const i of split.test) testCounts[y[i]]++;
    const missing = testCounts.findIndex((c) => c === 0);
    if (missing >= 0) {
      const n = y.filter((c) => c === missing).length;
      throw new SeqcastError(
        'config',
        `SequenceClassifier.fit(): class '${classes[missing]}' has ${n} sample${n === 1 ? '' : 's'}, so none reaches the test part ` +
          `(testFraction ${cfg.testFraction}); give at least ${Math.ceil(0.5 / cfg.testFraction)} samples of every class`,
      );
    }
    const trainY = Int32Array.from(split.train, (i) => y[i]);
    const trainCounts = new Array<number>(K).fill(0);
    for (const c of trainY) trainCounts[c]++;

    let x: Tensor;
    let vectorizer: TextVectorizer | null = null;
    let scaler: ClassifierState['scaler'] = null;
    let inputLength: number;
    if (d.texts !== null) {
      const texts = d.texts;
      const counter = textVectorizer({ standardize: cfg.text!.standardize, split: cfg.text!.split });
      const longest = Array.from(split.train).reduce(
        (m, i) => Math.max(m, counter.tokens(texts[i]).length),
        0,
      );
      inputLength = cfg.text!.outputSequenceLength ?? Math.min(MAX_TEXT_LENGTH, Math.max(1, longest));
      vectorizer = textVectorizer({ ...cfg.text!, outputSequenceLength: inputLength }).adapt(
        texts,
        split.train,
      );
      x = vectorizer.vectorize(texts);
    } else {
      const seqs = d.sequences!;
      const prepared = scaleAndPad(seqs, d.features, split.train, null, null);
      x = prepared.x;
      scaler = prepared.scaler;
      inputLength = prepared.length;
    }
    const model = buildClassifierModel(cfg, K, inputLength, d.features, vectorizer?.vocabularySize ?? 0);
    model.compile({
      optimizer: adam({ learningRate: cfg.training.learningRate, clipnorm: cfg.training.clipnorm }),
      loss: K === 2 ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy',
      ...(cfg.training.monitor === 'val_accuracy' ? { metrics: ['accuracy' as const] } : {}),
    });
    const weights = classWeights(cfg.training.classWeight, trainCounts);
    const callbacks: Callback[] = [...(options.callbacks ?? [])];
    if (cfg.training.patience !== null && split.validation.length > 0) {
      callbacks.push(
        earlyStopping({
          monitor: cfg.training.monitor,
          patience: cfg.training.patience,
          restoreBestWeights: true,
        }),
      );
    }
    const rows = (idx: Int32Array): Tensor => gatherRows(x, idx);
    const labelsOf = (idx: Int32Array): Tensor => ({
      shape: [idx.length],
      data: Float32Array.from(idx, (i) => y[i]),
    });
    const started = performance.now();
    const history = await model.fit(rows(split.train), labelsOf(split.train), {
      epochs: cfg.training.epochs,
      batchSize: cfg.training.batchSize,
      seed: cfg.training.seed,
      callbacks,
      ...(split.validation.length > 0
        ? { validationData: [rows(split.validation), labelsOf(split.validation)] as const }
        : {}),
      ...(weights === null ? {} : { classWeight: Object.fromEntries(weights.map((w, k) => [k, w])) }),
    });
    const fitSeconds = (performance.now() - started) / 1000;

    const majority = majorityClass(trainY, K);
    let baseline: BaselineState;
    let summary: SummaryBaseline | null = null;
    if (vectorizer !== null) {
      const texts = d.texts!;
      const lr = fitBagOfWords(
        vectorizer,
        Array.from(split.train, (i) => texts[i]),
        trainY,
        K,
      );
      baseline = { kind: 'bagOfWords', logistic: lr.state() };
    } else {
      const seqs = d.sequences!;
      summary = fitSummaryBaseline(
        Array.from(split.train, (i) => seqs[i]),
        trainY,
        K,
        d.features,
      );
      baseline = {
        kind: 'summaryStatistics',
        mean: summary.mean,
        std: summary.std,
        logistic: summary.logistic.state(),
      };
    }
    const state: ClassifierState = {
      formatVersion: 1,
      config: cfg,
      classes,
      inputLength,
      vectorizer: vectorizer === null ? null : vectorizer.state(),
      scaler,
      features: d.features,
      classShares: Array.from(majority.shares),
      baseline,
    };
    const fitInfo: ClassifierFitInfo = {
      trainSamples: split.train.length,
      validationSamples: split.validation.length,
      testSamples: split.test.length,
      trainCounts,
      classWeight: weights,
      inputLength,
      vocabularySize: vectorizer?.vocabularySize ?? 0,
      fitSeconds,
      split,
    };
    const c = new SequenceClassifier(model, state, vectorizer, history, fitInfo, null);
    const testData: LabelledData =
      d.texts !== null
        ? {
            texts: Array.from(split.test, (i) => d.texts![i]),
            labels: Array.from(split.test, (i) => d.labels[i]),
          }
        : {
            sequences: Array.from(split.test, (i) => d.sequences![i]),
            labels: Array.from(split.test, (i) => d.labels[i]),
          };
    const evaluation = c.evaluate(testData);
    return new SequenceClassifier(model, state, vectorizer, history, fitInfo, evaluation);
  }

  /** A classifier from a model and its saved state; both are checked, and against each other. */
  static fromState(model: Sequential, raw: unknown): SequenceClassifier {
    const { state, vectorizer } = checkClassifierState(raw, model);
    checkModelAgainstState(model, state, vectorizer);
    return new SequenceClassifier(model, state, vectorizer, null, null, null);
  }

  state(): ClassifierState {
    return this.saved;
  }

  /** Class labels and probabilities for texts (a text classifier) or sequences (a series classifier). */
  predict(samples: Samples): ClassPrediction {
    const x = this.input(samples, 'predict()');
    const out = this.model.predict(x);
    const probabilities = toProbabilities(out.data, samples.length, this.classes.length);
    const classIndex = argmaxRows(probabilities, this.classes.length);
    return { labels: Array.from(classIndex, (k) => this.classes[k]), classIndex, probabilities };
  }

  /** Steps of every model input (words of a text, frames of a series). */
  get inputLength(): number {
    return this.saved.inputLength;
  }

  /**
   * Scores every sample of `data` (labels among the trained classes) beside the baselines fitted with the
   * model: the majority class of the training part and the saved bag of words (or summary statistics).
   */
  evaluate(data: LabelledData): ClassifierEvaluation {
    const d = checkLabelledData(data, 'evaluate()');
    const index = new Map(this.classes.map((c, k) => [c, k]));
    const actual = Int32Array.from(d.labels, (l, i) => {
      const k = index.get(l);
      if (k === undefined) {
        throw new SeqcastError(
          'config',
          `evaluate(): labels[${i}] is '${l}', a class this classifier was not trained on (it knows ${this.classes.map((c) => `'${c}'`).join(', ')})`,
        );
      }
      return k;
    });
    const samples = (d.texts ?? d.sequences)!;
    const p = this.predict(samples);
    const model: Scored = { predicted: p.classIndex, proba: p.probabilities };
    const n = actual.length;
    const majority = predictMajority(
      { cls: argmax(this.saved.classShares), shares: Float64Array.from(this.saved.classShares) },
      n,
    );
    const b = this.saved.baseline;
    const baselines: Partial<Record<BaselineName, Scored>> = { majority };
    let unknownShare: number | null = null;
    if (b.kind === 'bagOfWords') {
      const lr = new LogisticRegression(b.logistic);
      const bow = bagOfWords(this.vectorizer!, d.texts!);
      baselines.bagOfWords = { predicted: lr.predict(bow), proba: lr.predictProba(bow) };
      unknownShare = unknownWords(this.vectorizer!, d.texts!);
    } else {
      const s: SummaryBaseline = {
        features: this.saved.features,
        mean: b.mean,
        std: b.std,
        logistic: new LogisticRegression(b.logistic),
      };
      baselines.summaryStatistics = predictSummaryBaseline(s, d.sequences!);
    }
    return scoreClassifier(this.classes, actual, model, baselines, unknownShare);
  }

  /** The model's input for samples, prepared exactly as in training. */
  input(samples: Samples, where = 'input()'): Tensor {
    if (!Array.isArray(samples) || samples.length === 0) {
      throw new SeqcastError(
        'config',
        `${where}: give a non-empty list of ${this.vectorizer !== null ? 'texts' : 'sequences'}`,
      );
    }
    if (this.vectorizer !== null) {
      if (samples.some((s) => typeof s !== 'string')) {
        throw new SeqcastError('config', `${where}: this classifier reads texts; give a list of strings`);
      }
      checkTexts(samples, where);
      return this.vectorizer.vectorize(samples as readonly string[]);
    }
    if (samples.some((s) => typeof s === 'string')) {
      throw new SeqcastError('config', `${where}: this classifier reads numeric sequences, not texts`);
    }
    checkSequences(samples, where, this.saved.features);
    const all = Int32Array.from({ length: samples.length }, (_, i) => i);
    return scaleAndPad(
      samples as readonly Sequence[],
      this.saved.features,
      all,
      this.saved.scaler,
      this.saved.inputLength,
    ).x;
  }
}

function argmax(v: readonly number[]): number {
  let best = 0;
  for (let k = 1; k < v.length; k++) if (v[k] > v[best]) best = k;
  return best;
}

function argmaxRows(p: Float64Array, K: number): Int32Array {
  const n = p.length / K;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (p[i * K + k] > p[i * K + best]) best = k;
    out[i] = best;
  }
  return out;
}
