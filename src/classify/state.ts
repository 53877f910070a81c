/**
 * The one validator of a saved classifier's state (`userDefinedMetadata.seqcast.classifier` in model.json),
 * and of that state against its model: a state is data from a file, so every field is checked before use and
 * a damaged one gets one message naming the field. A model with a vectorizer it was not trained with (the
 * embedding reads another number of indices) is refused here.
 */
import { SeqcastError } from '../errors.js';
import type { Sequential } from '../model/sequential.js';
import { unknownKey } from '../options.js';
import type { LogisticState } from './logistic.js';
import type { ResolvedClassifyConfig } from './config.js';
import { resolveClassifyConfig } from './config.js';
import type { TextVectorizer, TextVectorizerState } from './text-vectorizer.js';
import { textVectorizerFromState } from './text-vectorizer.js';

export type BaselineState =
  | { readonly kind: 'bagOfWords'; readonly logistic: LogisticState }
  | {
      readonly kind: 'summaryStatistics';
      readonly mean: readonly number[];
      readonly std: readonly number[];
      readonly logistic: LogisticState;
    };

/** What a saved classifier keeps beside its model: enough to read raw texts (or sequences) and score them. */
export interface ClassifierState {
  readonly formatVersion: 1;
  readonly config: ResolvedClassifyConfig;
  /** Class labels in index order. */
  readonly classes: readonly string[];
  /** Steps of every model input. */
  readonly inputLength: number;
  readonly vectorizer: TextVectorizerState | null;
  /** Series: per feature, the training part's mean and standard deviation. */
  readonly scaler: { readonly mean: readonly number[]; readonly std: readonly number[] } | null;
  /** Series: features per frame; 0 for text. */
  readonly features: number;
  /** The training class shares (the majority baseline) and the fitted second baseline. */
  readonly classShares: readonly number[];
  readonly baseline: BaselineState;
}

const KEYS = [
  'formatVersion',
  'config',
  'classes',
  'inputLength',
  'vectorizer',
  'scaler',
  'features',
  'classShares',
  'baseline',
];

function damaged(detail: string): SeqcastError {
  return new SeqcastError(
    'config',
    `classifier state: ${detail}; the saved model is damaged or was edited — train and save it again`,
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);
const finiteList = (v: unknown, n: number): v is number[] =>
  Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number' && Number.isFinite(x));

function checkLogistic(v: unknown, classes: number, features: number): LogisticState {
  const Kp = classes === 2 ? 1 : classes;
  if (
    !isObject(v) ||
    v.classes !== classes ||
    v.features !== features ||
    !finiteList(v.weights, Kp * features) ||
    !finiteList(v.intercepts, Kp)
  ) {
    throw damaged(`the baseline's logistic regression must have ${classes} classes and ${features} features`);
  }
  return v as unknown as LogisticState;
}

/** Checks a state read from a file; returns it with its vectorizer built. */
export function checkClassifierState(
  raw: unknown,
  model: Sequential | null = null,
): {
  state: ClassifierState;
  vectorizer: TextVectorizer | null;
} {
  if (!isObject(raw)) throw damaged('it must be an object');
  if (raw.formatVersion !== 1) {
    throw new SeqcastError(
      'config',
      'classifier state: formatVersion must be 1; this model was saved by another seqcast version',
    );
  }
  const extra = unknownKey(raw, KEYS);
  if (extra !== undefined) throw damaged(`it has an unknown field '${extra}'`);
  for (const k of KEYS) if (!(k in raw)) throw damaged(`the field '${k}' is missing`);
  if (!isObject(raw.config) || (raw.config.kind !== 'text' && raw.config.kind !== 'series')) {
    throw damaged("config must be an object whose kind is 'text' or 'series'");
  }
  const saved = raw.config as unknown as ResolvedClassifyConfig;
  const sampleKind = saved.kind;
  const m = saved.model ?? {};
  const config = resolveClassifyConfig(
    {
      testFraction: saved.testFraction,
      validationFraction: saved.validationFraction,
      ...(sampleKind === 'text' ? { text: saved.text ?? undefined } : {}),
      model: {
        kind: m.kind,
        units: m.units,
        bidirectional: m.bidirectional,
        dropout: m.dropout,
        ...(sampleKind === 'text' ? { embeddingDim: m.embeddingDim ?? undefined } : {}),
      },
      training: saved.training,
    },
    sampleKind,
  );
  const classes = raw.classes;
  if (
    !Array.isArray(classes) ||
    classes.length < 2 ||
    !classes.every((c) => typeof c === 'string' && c !== '') ||
    new Set(classes).size !== classes.length
  ) {
    throw damaged('classes must list two or more different labels');
  }
  const K = classes.length;
  if (typeof raw.inputLength !== 'number' || !Number.isInteger(raw.inputLength) || raw.inputLength < 1) {
    throw damaged('inputLength must be an integer ≥ 1');
  }
  if (!finiteList(raw.classShares, K)) throw damaged(`classShares must hold ${K} numbers`);
  let vectorizer: TextVectorizer | null = null;
  let features = 0;
  if (sampleKind === 'text') {
    if (raw.scaler !== null || raw.features !== 0)
      throw damaged('a text classifier has no scaler and 0 features');
    vectorizer = textVectorizerFromState(raw.vectorizer);
    if (model !== null) checkEmbedding(model, vectorizer); // before the baseline, whose size follows it
    if (vectorizer.outputSequenceLength !== raw.inputLength) {
      throw damaged(
        `the vectorizer pads to ${vectorizer.outputSequenceLength} words but inputLength is ${raw.inputLength}`,
      );
    }
  } else {
    if (raw.vectorizer !== null) throw damaged('a series classifier has no vectorizer');
    if (typeof raw.features !== 'number' || !Number.isInteger(raw.features) || raw.features < 1) {
      throw damaged('features must be an integer ≥ 1');
    }
    features = raw.features;
    const s = raw.scaler;
    if (
      !isObject(s) ||
      !finiteList(s.mean, features) ||
      !finiteList(s.std, features) ||
      !s.std.every((x) => x > 0)
    ) {
      throw damaged(`scaler must be { mean, std } with ${features} numbers each (std > 0)`);
    }
  }
  const b = raw.baseline;
  if (!isObject(b)) throw damaged('baseline must be an object');
  let baseline: BaselineState;
  if (sampleKind === 'text' && b.kind === 'bagOfWords') {
    baseline = { kind: 'bagOfWords', logistic: checkLogistic(b.logistic, K, vectorizer!.vocabularySize) };
  } else if (sampleKind === 'series' && b.kind === 'summaryStatistics') {
    const width = 5 * features + 1;
    if (!finiteList(b.mean, width) || !finiteList(b.std, width)) {
      throw damaged(`the summary baseline needs ${width} means and standard deviations`);
    }
    baseline = {
      kind: 'summaryStatistics',
      mean: b.mean,
      std: b.std,
      logistic: checkLogistic(b.logistic, K, width),
    };
  } else {
    throw damaged(`baseline.kind must be '${sampleKind === 'text' ? 'bagOfWords' : 'summaryStatistics'}'`);
  }
  return {
    state: {
      formatVersion: 1,
      config,
      classes: classes as string[],
      inputLength: raw.inputLength,
      vectorizer: vectorizer === null ? null : vectorizer.state(),
      scaler: sampleKind === 'series' ? (raw.scaler as ClassifierState['scaler']) : null,
      features,
      classShares: raw.classShares,
      baseline,
    },
    vectorizer,
  };
}

/** The model must read [inputLength] indices of the vectorizer (or [inputLength, F]) and give 1 or K outputs. */
export function checkModelAgainstState(
  model: Sequential,
  s: ClassifierState,
  vectorizer: TextVectorizer | null,
): void {
  const input = model.inputShape;
  const want = vectorizer === null ? [s.inputLength, s.features] : [s.inputLength];
  if (input.length !== want.length || input.some((d, i) => d !== want[i])) {
    throw new SeqcastError(
      'config',
      `classifier state: the model takes [None, ${input.join(', ')}] but the classifier feeds [None, ${want.join(', ')}] — the model and its state do not belong together`,
    );
  }
  const K = s.classes.length;
  const out = model.outputShape;
  const units = K === 2 ? 1 : K;
  if (out.length !== 1 || out[0] !== units) {
    throw new SeqcastError(
      'config',
      `classifier state: the model outputs [None, ${out.join(', ')}] but ${K} classes need [None, ${units}] — the model and its state do not belong together`,
    );
  }
  if (vectorizer !== null) checkEmbedding(model, vectorizer);
}

/** The model's Embedding must read exactly the vectorizer's indices: else it was trained with another one. */
export function checkEmbedding(model: Sequential, vectorizer: TextVectorizer): void {
  const first = model.layers[0] as { className?: string; inputDim?: number };
  if (first.className !== 'Embedding' || first.inputDim !== vectorizer.vocabularySize) {
    throw new SeqcastError(
      'config',
      `classifier state: the model's first layer reads ${first.className === 'Embedding' ? `${first.inputDim} word indices` : `no word indices (it is ${String(first.className)})`} ` +
        `but the saved vectorizer gives ${vectorizer.vocabularySize}: this model was not trained with this vectorizer`,
    );
  }
}
