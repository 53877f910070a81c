/**
 * The baselines every sequence classifier is scored beside, fitted on the same training part:
 *
 * - majority class: always the most frequent training class (the lowest class index on ties); its
 *   probabilities are the training class shares, so its ROC AUC is 0.5.
 * - bag of words (text): the counts of each vocabulary index in a text (padding left out, [UNK] kept as one
 *   column) → L2 logistic regression (logistic.ts, C = 1 as scikit-learn's default). The vocabulary is the
 *   classifier's own, adapted on the training part.
 * - summary statistics (series): per feature the mean, population standard deviation, minimum, maximum and
 *   last value of a sequence, plus its length, standardised with the training part's means and standard
 *   deviations (a constant column gets scale 1) → the same logistic regression.
 */
import { SeqcastError } from '../errors.js';
import type { LogisticRegression, SparseRows } from './logistic.js';
import { fitLogistic, sparseFromDense } from './logistic.js';
import type { TextVectorizer } from './text-vectorizer.js';

type Sequence = readonly (readonly number[])[];

/** What a baseline gives for a set of samples: a class per sample and [N, K] probabilities. */
export interface BaselinePrediction {
  readonly predicted: Int32Array;
  readonly proba: Float64Array;
}

/** The most frequent class of the training labels, lowest index on ties, and the class shares. */
export function majorityClass(
  train: ArrayLike<number>,
  classes: number,
): { cls: number; shares: Float64Array } {
  if (train.length === 0) throw new SeqcastError('shape', 'majorityClass(): the training part is empty');
  const counts = new Float64Array(classes);
  for (let i = 0; i < train.length; i++) counts[train[i]]++;
  let cls = 0;
  for (let k = 1; k < classes; k++) if (counts[k] > counts[cls]) cls = k;
  return { cls, shares: counts.map((c) => c / train.length) };
}

export function predictMajority(
  fitted: { cls: number; shares: Float64Array },
  n: number,
): BaselinePrediction {
  const K = fitted.shares.length;
  const proba = new Float64Array(n * K);
  for (let i = 0; i < n; i++) proba.set(fitted.shares, i * K);
  return { predicted: new Int32Array(n).fill(fitted.cls), proba };
}

/** Counts of each vocabulary index per text: [N, vocabularySize] sparse, column 0 (padding) always empty. */
export function bagOfWords(vectorizer: TextVectorizer, texts: readonly string[]): SparseRows {
  const V = vectorizer.vocabularySize;
  const rowStart = new Int32Array(texts.length + 1);
  const cols: number[] = [];
  const values: number[] = [];
  texts.forEach((text, i) => {
    const counts = new Map<number, number>();
    for (const k of vectorizer.indices(text)) counts.set(k, (counts.get(k) ?? 0) + 1);
    for (const k of [...counts.keys()].sort((a, b) => a - b)) {
      cols.push(k);
      values.push(counts.get(k)!);
    }
    rowStart[i + 1] = cols.length;
  });
  return {
    rows: texts.length,
    columns: V,
    rowStart,
    cols: Int32Array.from(cols),
    values: Float64Array.from(values),
  };
}

/** The bag-of-words baseline fitted on the training texts and their class indices. */
export function fitBagOfWords(
  vectorizer: TextVectorizer,
  texts: readonly string[],
  labels: ArrayLike<number>,
  classes: number,
): LogisticRegression {
  return fitLogistic(bagOfWords(vectorizer, texts), labels, classes);
}

/** Per feature mean, std, min, max, last, then the length: [N, 5F + 1] dense, row-major. */
export function summaryStatistics(
  sequences: readonly (readonly (readonly number[])[])[],
  features: number,
): Float64Array {
  const width = 5 * features + 1;
  const out = new Float64Array(sequences.length * width);
  sequences.forEach((seq, i) => {
    const T = seq.length;
    for (let f = 0; f < features; f++) {
      let sum = 0;
      let min = Infinity;
      let max = -Infinity;
      for (let t = 0; t < T; t++) {
        const v = seq[t][f];
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
      const mean = sum / T;
      let ss = 0;
      for (let t = 0; t < T; t++) ss += (seq[t][f] - mean) ** 2;
      const o = i * width + 5 * f;
      out[o] = mean;
      out[o + 1] = Math.sqrt(ss / T);
      out[o + 2] = min;
      out[o + 3] = max;
      out[o + 4] = seq[T - 1][f];
    }
    out[i * width + 5 * features] = T;
  });
  return out;
}

/** Per-column means and standard deviations of dense [N, W] rows (population; a constant column gets 1). */
export function columnMoments(data: Float64Array, width: number): { mean: number[]; std: number[] } {
  const n = data.length / width;
  const mean = new Array<number>(width).fill(0);
  const std = new Array<number>(width).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < width; j++) mean[j] += data[i * width + j] / n;
  for (let i = 0; i < n; i++)
    for (let j = 0; j < width; j++) std[j] += (data[i * width + j] - mean[j]) ** 2 / n;
  for (let j = 0; j < width; j++) std[j] = Math.sqrt(std[j]) || 1;
  return { mean, std };
}

/** The fitted summary-statistics baseline: the training part's column moments and the regression. */
export interface SummaryBaseline {
  readonly features: number;
  readonly mean: readonly number[];
  readonly std: readonly number[];
  readonly logistic: LogisticRegression;
}

function summaryRows(
  b: { features: number; mean: readonly number[]; std: readonly number[] },
  seqs: readonly Sequence[],
): SparseRows {
  const width = 5 * b.features + 1;
  const raw = summaryStatistics(seqs, b.features);
  const z = raw.map((v, k) => (v - b.mean[k % width]) / b.std[k % width]);
  return sparseFromDense(z, seqs.length, width);
}

/** Fits the summary-statistics baseline on the training sequences and their class indices. */
export function fitSummaryBaseline(
  train: readonly Sequence[],
  labels: ArrayLike<number>,
  classes: number,
  features: number,
): SummaryBaseline {
  const { mean, std } = columnMoments(summaryStatistics(train, features), 5 * features + 1);
  const logistic = fitLogistic(summaryRows({ features, mean, std }, train), labels, classes);
  return { features, mean, std, logistic };
}

export function predictSummaryBaseline(b: SummaryBaseline, seqs: readonly Sequence[]): BaselinePrediction {
  const x = summaryRows(b, seqs);
  return { predicted: b.logistic.predict(x), proba: b.logistic.predictProba(x) };
}
