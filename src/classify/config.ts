/**
 * A sequence classifier's configuration: every option with its default, checked here and nowhere else
 * (`resolveClassifyConfig`). The defaults depend on one thing, what the samples are:
 *
 *   text     TextVectorizer (every training word, Keras's standardisation) → Embedding(64, maskZero)
 *            → Bidirectional(LSTM(32)) → Dense(1, sigmoid) or Dense(K, softmax) — the configuration of the
 *            PyTorch reference of issue 17 (Adam 1e-3, 15 epochs, batch 32).
 *   series   standard scaling per feature (training part) → Masking → LSTM(64) → Dense.
 *
 * Both hold out a stratified 20 % test part and 10 % validation part; training stops early when the
 * validation loss has not improved for 3 epochs (the best weights are kept), and classes get Keras-style
 * "balanced" weights n / (K · n_k) when the largest class is more than 1.5 times the smallest.
 */
import { SeqcastError } from '../errors.js';
import { checkOptions, listKeys } from '../options.js';
import type { SplitMode, Standardize } from './text-vectorizer.js';
import { SPLIT_MODES, STANDARDIZE } from './text-vectorizer.js';

export type ClassifierModelKind = 'simpleRNN' | 'lstm' | 'gru';
export const CLASSIFIER_MODEL_KINDS: readonly ClassifierModelKind[] = ['simpleRNN', 'lstm', 'gru'];
export type ClassWeightMode = 'auto' | 'balanced' | 'none';
export const CLASS_WEIGHT_MODES: readonly ClassWeightMode[] = ['auto', 'balanced', 'none'];
export type SampleKind = 'text' | 'series';

export interface ClassifyConfig {
  /** Share of each class held out for the test part. Default 0.2. */
  readonly testFraction?: number;
  /** Share of each class held out to validate on (early stopping). Default 0.1; 0 trains on the rest. */
  readonly validationFraction?: number;
  /** Text only: the vectorizer's options. */
  readonly text?: {
    /** Default null: every word of the training part. */
    readonly maxTokens?: number | null;
    /** Default null: the longest training text, at most 200 words. */
    readonly outputSequenceLength?: number | null;
    readonly standardize?: Standardize | null;
    readonly split?: SplitMode;
  };
  readonly model?: {
    /** Default 'lstm'. */
    readonly kind?: ClassifierModelKind;
    /** Default 32 for text, 64 for series. */
    readonly units?: number;
    /** Text only: the embedding width. Default 64. */
    readonly embeddingDim?: number;
    /** Default true for text, false for series. */
    readonly bidirectional?: boolean;
    /** Input dropout of the recurrent layer (Keras `dropout`). Default 0. */
    readonly dropout?: number;
  };
  readonly training?: {
    /** Default 15. */
    readonly epochs?: number;
    /** Default 32. */
    readonly batchSize?: number;
    /** Adam's. Default 0.001. */
    readonly learningRate?: number;
    /** Default none. */
    readonly clipnorm?: number | null;
    /** Early stopping on val_loss after this many epochs without improvement. Default 3 (null without validation). */
    readonly patience?: number | null;
    /** What early stopping watches on the validation part: 'val_loss' (default) or 'val_accuracy'. */
    readonly monitor?: 'val_loss' | 'val_accuracy';
    /** 'auto' (default): balanced weights when the classes are unbalanced (see the header). */
    readonly classWeight?: ClassWeightMode;
    /** Seed of the split, the weights and the shuffles. Default 42. */
    readonly seed?: number;
  };
}

export interface ResolvedClassifyConfig {
  readonly kind: SampleKind;
  readonly testFraction: number;
  readonly validationFraction: number;
  /** null for series. */
  readonly text: {
    readonly maxTokens: number | null;
    readonly outputSequenceLength: number | null;
    readonly standardize: Standardize | null;
    readonly split: SplitMode;
  } | null;
  readonly model: {
    readonly kind: ClassifierModelKind;
    readonly units: number;
    /** null for series. */
    readonly embeddingDim: number | null;
    readonly bidirectional: boolean;
    readonly dropout: number;
  };
  readonly training: {
    readonly epochs: number;
    readonly batchSize: number;
    readonly learningRate: number;
    readonly clipnorm: number | null;
    readonly patience: number | null;
    readonly monitor: 'val_loss' | 'val_accuracy';
    readonly classWeight: ClassWeightMode;
    readonly seed: number;
  };
}

/** Every option checked, every default decided; see the header. */
export function resolveClassifyConfig(c: ClassifyConfig, kind: SampleKind): ResolvedClassifyConfig {
  checkOptions('classifier', c, ['testFraction', 'validationFraction', 'text', 'model', 'training']);
  checkOptions('classifier text', c.text ?? {}, [
    'maxTokens',
    'outputSequenceLength',
    'standardize',
    'split',
  ]);
  checkOptions('classifier model', c.model ?? {}, [
    'kind',
    'units',
    'embeddingDim',
    'bidirectional',
    'dropout',
  ]);
  checkOptions('classifier training', c.training ?? {}, [
    'epochs',
    'batchSize',
    'learningRate',
    'clipnorm',
    'patience',
    'monitor',
    'classWeight',
    'seed',
  ]);
  if (kind === 'series' && c.text !== undefined) {
    throw new SeqcastError(
      'config',
      'classifier: text options are for texts; these samples are numeric sequences',
    );
  }
  if (kind === 'series' && c.model?.embeddingDim !== undefined) {
    throw new SeqcastError(
      'config',
      'classifier: model.embeddingDim is for texts; numeric sequences need no embedding',
    );
  }
  const testFraction = fraction('testFraction', c.testFraction ?? 0.2, true);
  const validationFraction = fraction('validationFraction', c.validationFraction ?? 0.1, false);
  if (testFraction + validationFraction >= 1) {
    throw new SeqcastError(
      'config',
      `classifier: testFraction + validationFraction must be < 1 (got ${testFraction} + ${validationFraction})`,
    );
  }
  const modelKind = c.model?.kind ?? 'lstm';
  if (!CLASSIFIER_MODEL_KINDS.includes(modelKind)) {
    fail('model.kind', `one of ${listKeys(CLASSIFIER_MODEL_KINDS)}`, modelKind);
  }
  const bidirectional = c.model?.bidirectional ?? kind === 'text';
  if (typeof bidirectional !== 'boolean') fail('model.bidirectional', 'true or false', bidirectional);
  const dropout = c.model?.dropout ?? 0;
  if (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))
    fail('model.dropout', 'in [0, 1)', dropout);
  const lr = c.training?.learningRate ?? 0.001;
  if (typeof lr !== 'number' || !(lr > 0) || !Number.isFinite(lr)) fail('training.learningRate', '> 0', lr);
  const clipnorm = c.training?.clipnorm ?? null;
  if (clipnorm !== null && !(clipnorm > 0)) fail('training.clipnorm', '> 0 or null', clipnorm);
  const given = c.training?.patience;
  const patience =
    given === undefined
      ? validationFraction > 0
        ? 3
        : null
      : given === null
        ? null
        : nonNegativeInt('training.patience', given);
  if (patience !== null && validationFraction === 0) {
    throw new SeqcastError(
      'config',
      'classifier: training.patience needs a validation part to watch, but validationFraction is 0; give one or drop patience',
    );
  }
  const monitor = c.training?.monitor ?? 'val_loss';
  if (monitor !== 'val_loss' && monitor !== 'val_accuracy') {
    fail('training.monitor', "'val_loss' or 'val_accuracy'", monitor);
  }
  const classWeight = c.training?.classWeight ?? 'auto';
  if (!CLASS_WEIGHT_MODES.includes(classWeight)) {
    fail('training.classWeight', `one of ${listKeys(CLASS_WEIGHT_MODES)}`, classWeight);
  }
  const seed = c.training?.seed ?? 42;
  if (!Number.isSafeInteger(seed) || seed < 0) fail('training.seed', 'a safe integer ≥ 0', seed);
  let text: ResolvedClassifyConfig['text'] = null;
  if (kind === 'text') {
    const t = c.text ?? {};
    const maxTokens = t.maxTokens ?? null;
    if (maxTokens !== null && (!Number.isInteger(maxTokens) || maxTokens < 3)) {
      fail('text.maxTokens', 'an integer ≥ 3 or null', maxTokens);
    }
    const length = t.outputSequenceLength ?? null;
    if (length !== null) positiveInt('text.outputSequenceLength', length);
    const standardize = t.standardize === undefined ? 'lower_and_strip_punctuation' : t.standardize;
    if (standardize !== null && !STANDARDIZE.includes(standardize)) {
      fail('text.standardize', `one of ${listKeys(STANDARDIZE)} or null`, standardize);
    }
    const split = t.split ?? 'whitespace';
    if (!SPLIT_MODES.includes(split)) fail('text.split', `one of ${listKeys(SPLIT_MODES)}`, split);
    text = { maxTokens, outputSequenceLength: length, standardize, split };
  }
  return {
    kind,
    testFraction,
    validationFraction,
    text,
    model: {
      kind: modelKind,
      units: positiveInt('model.units', c.model?.units ?? (kind === 'text' ? 32 : 64)),
      embeddingDim: kind === 'text' ? positiveInt('model.embeddingDim', c.model?.embeddingDim ?? 64) : null,
      bidirectional,
      dropout,
    },
    training: {
      epochs: positiveInt('training.epochs', c.training?.epochs ?? 15),
      batchSize: positiveInt('training.batchSize', c.training?.batchSize ?? 32),
      learningRate: lr,
      clipnorm,
      patience,
      monitor,
      classWeight,
      seed,
    },
  };
}

function fraction(what: string, v: unknown, positive: boolean): number {
  if (typeof v !== 'number' || !(positive ? v > 0 && v < 1 : v >= 0 && v < 1)) {
    fail(what, positive ? 'in (0, 1)' : 'in [0, 1)', v);
  }
  return v as number;
}

function positiveInt(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail(what, 'an integer ≥ 1', v);
  return v as number;
}

function nonNegativeInt(what: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) fail(what, 'an integer ≥ 0', v);
  return v as number;
}

function fail(what: string, expected: string, got: unknown): never {
  const shown = JSON.stringify(got) ?? String(got);
  throw new SeqcastError(
    'config',
    `classifier: ${what} must be ${expected} (got ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown})`,
  );
}
