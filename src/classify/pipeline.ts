/** The pieces SequenceClassifier is built from: the model, class weights, scaling and padding of series. */
import { bidirectional } from '../layers/bidirectional.js';
import { dense } from '../layers/dense.js';
import { embedding } from '../layers/embedding.js';
import { gru } from '../layers/gru.js';
import type { Layer } from '../layers/layer.js';
import { lstm } from '../layers/lstm.js';
import { masking } from '../layers/masking.js';
import { simpleRNN } from '../layers/simple-rnn.js';
import type { Sequential } from '../model/sequential.js';
import { sequential } from '../model/sequential.js';
import type { Tensor } from '../tensor.js';
import type { ResolvedClassifyConfig } from './config.js';
import type { Sequence } from './data.js';
import type { TextVectorizer } from './text-vectorizer.js';
import { UNKNOWN_INDEX } from './text-vectorizer.js';

/** The longest text a default classifier reads, in words (longer ones are cut at the end). */
export const MAX_TEXT_LENGTH = 200;
/** The longest series a classifier reads, in frames, when the training part is longer. */
export const MAX_SERIES_LENGTH = 2000;

/**
 * text:   Embedding(V, E, maskZero) → [Bidirectional] RNN(units) → Dense(1, sigmoid) | Dense(K, softmax)
 * series: Masking(0) → [Bidirectional] RNN(units) → the same head.
 */
export function buildClassifierModel(
  cfg: ResolvedClassifyConfig,
  classes: number,
  inputLength: number,
  features: number,
  vocabularySize: number,
): Sequential {
  const make = { simpleRNN, lstm, gru }[cfg.model.kind];
  const cell = make({ units: cfg.model.units, dropout: cfg.model.dropout });
  const layers: Layer[] = [
    cfg.kind === 'text'
      ? embedding({ inputDim: vocabularySize, outputDim: cfg.model.embeddingDim!, maskZero: true })
      : masking({ maskValue: 0 }),
    cfg.model.bidirectional ? bidirectional(cell) : cell,
    classes === 2
      ? dense({ units: 1, activation: 'sigmoid' })
      : dense({ units: classes, activation: 'softmax' }),
  ];
  return sequential(layers, {
    inputShape: cfg.kind === 'text' ? [inputLength] : [inputLength, features],
    seed: cfg.training.seed,
  });
}

/**
 * scikit-learn's and Keras tutorials' "balanced" weights n / (K · n_k), or null: 'none', or 'auto' with
 * classes within a factor 1.5 of each other.
 */
export function classWeights(mode: 'auto' | 'balanced' | 'none', counts: readonly number[]): number[] | null {
  if (mode === 'none') return null;
  const max = Math.max(...counts);
  const min = Math.min(...counts);
  if (mode === 'auto' && max <= 1.5 * min) return null;
  const n = counts.reduce((a, b) => a + b, 0);
  return counts.map((c) => n / (counts.length * c));
}

/**
 * Series as the model reads them: each feature standard-scaled with the training frames' mean and
 * population std (`scaler`, or fitted here on the `train` sequences only when null; a constant feature
 * gets std 1), then padded with 0 (or cut) at the end to `length` frames (default: the longest training
 * sequence, at most MAX_SERIES_LENGTH). The Masking layer skips the padding; a real frame whose scaled
 * features are all exactly 0 would be skipped too.
 */
export function scaleAndPad(
  seqs: readonly Sequence[],
  F: number,
  train: ArrayLike<number>,
  scaler: { readonly mean: readonly number[]; readonly std: readonly number[] } | null,
  length: number | null,
): { x: Tensor; scaler: { mean: number[]; std: number[] }; length: number } {
  let mean: number[];
  let std: number[];
  if (scaler === null) {
    mean = new Array<number>(F).fill(0);
    std = new Array<number>(F).fill(0);
    let frames = 0;
    for (let k = 0; k < train.length; k++) {
      for (const frame of seqs[train[k]]) {
        frames++;
        for (let f = 0; f < F; f++) mean[f] += frame[f];
      }
    }
    for (let f = 0; f < F; f++) mean[f] /= frames;
    for (let k = 0; k < train.length; k++) {
      for (const frame of seqs[train[k]]) for (let f = 0; f < F; f++) std[f] += (frame[f] - mean[f]) ** 2;
    }
    for (let f = 0; f < F; f++) std[f] = Math.sqrt(std[f] / frames) || 1;
  } else {
    mean = [...scaler.mean];
    std = [...scaler.std];
  }
  let L = length;
  if (L === null) {
    L = 1;
    for (let k = 0; k < train.length; k++) L = Math.max(L, seqs[train[k]].length);
    L = Math.min(L, MAX_SERIES_LENGTH);
  }
  const data = new Float32Array(seqs.length * L * F);
  seqs.forEach((s, i) => {
    const T = Math.min(L, s.length);
    for (let t = 0; t < T; t++) {
      for (let f = 0; f < F; f++) data[(i * L + t) * F + f] = (s[t][f] - mean[f]) / std[f];
    }
  });
  return { x: { shape: [seqs.length, L, F], data }, scaler: { mean, std }, length: L };
}

/** [N, K] probabilities from the model's output: [N, 1] sigmoid outputs become [1 − p, p]. */
export function toProbabilities(out: ArrayLike<number>, n: number, K: number): Float64Array {
  const p = new Float64Array(n * K);
  if (K === 2) {
    for (let i = 0; i < n; i++) {
      p[i * 2] = 1 - out[i];
      p[i * 2 + 1] = out[i];
    }
  } else {
    for (let j = 0; j < n * K; j++) p[j] = out[j];
  }
  return p;
}

/** The share of the texts' words that the vectorizer reads as [UNK]. */
export function unknownWords(v: TextVectorizer, texts: readonly string[]): number {
  let unknown = 0;
  let total = 0;
  for (const t of texts) {
    for (const k of v.indices(t)) {
      total++;
      if (k === UNKNOWN_INDEX) unknown++;
    }
  }
  return total === 0 ? 0 : unknown / total;
}

export function gatherRows(x: Tensor, idx: Int32Array): Tensor {
  const per = x.data.length / x.shape[0];
  const data = new Float32Array(idx.length * per);
  idx.forEach((i, r) => data.set(x.data.subarray(i * per, (i + 1) * per), r * per));
  return { shape: [idx.length, ...x.shape.slice(1)], data };
}
