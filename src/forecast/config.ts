/**
 * A forecaster's configuration: every option with its default, checked once. The defaults are the pipeline
 * seqcast recommends — log-differences, standard scaling, a small SimpleRNN — because on the tutorials'
 * data it beats the naive baseline where the tutorials' own pipeline (MinMax on levels) does not.
 */
import { SeqcastError } from '../errors.js';
import { checkOptions } from '../options.js';
import type { ScalerKind } from '../prep/scalers.js';
import type { Series } from '../series/series.js';
import type { TransformName } from '../series/transforms.js';
import type { CalendarFeature } from './covariates.js';
import { checkCalendarNames } from './covariates.js';
import { seasonalPeriodOf } from './pipeline.js';

export type ModelKind = 'simpleRNN' | 'lstm' | 'gru';
export const MODEL_KINDS: readonly ModelKind[] = ['simpleRNN', 'lstm', 'gru'];
export const TRANSFORMS: readonly TransformName[] = ['none', 'log', 'diff', 'logDiff', 'pctChange'];

export interface ForecastConfig {
  /** The column(s) to forecast. Default: the series' first column. */
  readonly target?: string | readonly string[];
  /** Extra input columns besides the target(s), read up to the window's last row (past values). Default none. */
  readonly features?: readonly string[];
  /** Calendar features of the target dates (covariates.ts: sin/cos pairs, known ahead). Default none. */
  readonly calendar?: readonly CalendarFeature[];
  /**
   * Columns whose values are known ahead (a planned promotion), read at the target dates; a forecast needs
   * their future values (covariates.ts). Default none.
   */
  readonly knownFuture?: readonly string[];
  /**
   * Default: 'logDiff' when every modelled column (targets and features) is positive throughout, else 'diff'
   * (a logarithm needs positive values).
   */
  readonly transform?: TransformName;
  /** Default 'standard'. */
  readonly scaler?: ScalerKind | 'none';
  /** Steps of history per window. Default 12. */
  readonly window?: number;
  /** Steps predicted at once (a Dense(horizon) head: direct multi-step). Default 1. */
  readonly horizon?: number;
  /** Rows between training windows. Default 1. */
  readonly stride?: number;
  /** The share of the rows in the training part. Default 0.8 when no splitDate is given; not with splitDate. */
  readonly trainFraction?: number;
  /** The first date (or integer index) of the test part. Not with trainFraction. */
  readonly splitDate?: string | null;
  readonly model?: {
    /** Default 'simpleRNN'. */
    readonly kind?: ModelKind;
    /** Default 32. */
    readonly units?: number;
    /** Recurrent layers stacked. Default 1. */
    readonly layers?: number;
    /** Default false. */
    readonly bidirectional?: boolean;
  };
  readonly training?: {
    /** Default 40. */
    readonly epochs?: number;
    /** Default 32. */
    readonly batchSize?: number;
    /** Adam's learning rate. Default 0.001. */
    readonly learningRate?: number;
    /** Per-tensor gradient clipping. Default none. */
    readonly clipnorm?: number | null;
    /** Early stopping on the validation loss after this many epochs without improvement. Default none. */
    readonly patience?: number | null;
    /** The last fraction of the training windows held out to validate on. Default 0 (0.1 with patience). */
    readonly validationSplit?: number;
    /** Default 42. */
    readonly seed?: number;
  };
  /** Season length for seasonal naive and MASE. Default from the frequency (12 for monthly data). */
  readonly seasonalPeriod?: number;
}

export interface ResolvedConfig {
  /** The columns forecast, in the model's output order. */
  readonly target: readonly string[];
  readonly features: readonly string[];
  readonly calendar: readonly CalendarFeature[];
  readonly knownFuture: readonly string[];
  readonly transform: TransformName;
  readonly scaler: ScalerKind | 'none';
  readonly window: number;
  readonly horizon: number;
  readonly stride: number;
  /** Exactly one of trainFraction and splitDate is set: the split the caller asked for. */
  readonly trainFraction: number | null;
  readonly splitDate: string | null;
  readonly model: {
    readonly kind: ModelKind;
    readonly units: number;
    readonly layers: number;
    readonly bidirectional: boolean;
  };
  readonly training: {
    readonly epochs: number;
    readonly batchSize: number;
    readonly learningRate: number;
    readonly clipnorm: number | null;
    readonly patience: number | null;
    readonly validationSplit: number;
    readonly seed: number;
  };
  readonly seasonalPeriod: number;
}

/** What the defaults depend on: the data's columns, its season length, and which columns are positive. */
export interface ConfigContext {
  /** The column names, in order (the first is the default target). */
  readonly columns: readonly string[];
  /** The season length of the data's frequency (seasonalPeriodOf). */
  readonly seasonalPeriod: number;
  /** Whether every value of a column is > 0 (decides the default transform). */
  readonly positive: (column: string) => boolean;
}

/** The context of a series: its columns, the season length of its frequency, and positivity per column. */
export function contextOf(series: Series): ConfigContext {
  return {
    columns: series.names,
    seasonalPeriod: seasonalPeriodOf(series.frequency),
    positive: (column) => series.column(column).every((v) => Number.isNaN(v) || v > 0), // NaN: a masked gap
  };
}

/**
 * Every option checked and every default decided, here and nowhere else. `context` supplies what the
 * defaults depend on (contextOf(series) for a series).
 */
export function resolveConfig(c: ForecastConfig, context: ConfigContext): ResolvedConfig {
  const { columns } = context;
  checkOptions('forecaster', c, [
    'target',
    'features',
    'calendar',
    'knownFuture',
    'transform',
    'scaler',
    'window',
    'horizon',
    'stride',
    'trainFraction',
    'splitDate',
    'model',
    'training',
    'seasonalPeriod',
  ]);
  checkOptions('forecaster model', c.model ?? {}, ['kind', 'units', 'layers', 'bidirectional']);
  checkOptions('forecaster training', c.training ?? {}, [
    'epochs',
    'batchSize',
    'learningRate',
    'clipnorm',
    'patience',
    'validationSplit',
    'seed',
  ]);
  const names = (v: unknown, what: string): v is readonly string[] =>
    Array.isArray(v) && v.every((n) => typeof n === 'string')
      ? true
      : fail(what, 'a list of column names', v);
  if (c.target !== undefined && typeof c.target !== 'string') names(c.target, 'target');
  if (c.features !== undefined) names(c.features, 'features');
  if (c.splitDate != null && typeof c.splitDate !== 'string')
    fail('splitDate', "a date such as '2011-01-01'", c.splitDate);
  if (c.trainFraction !== undefined && typeof c.trainFraction !== 'number')
    fail('trainFraction', 'a number', c.trainFraction);
  if (c.model?.bidirectional !== undefined && typeof c.model.bidirectional !== 'boolean')
    fail('model.bidirectional', 'true or false', c.model.bidirectional);
  const seed = c.training?.seed ?? 42;
  if (!Number.isSafeInteger(seed)) fail('training.seed', 'a safe integer', seed);
  const target =
    c.target === undefined ? [columns[0]] : typeof c.target === 'string' ? [c.target] : [...c.target];
  const column = (name: string, what: string): string => {
    if (!columns.includes(name)) {
      throw new SeqcastError(
        'config',
        `forecaster: ${what} '${name}' is not a column; the columns are ${columns.map((n) => `'${n}'`).join(', ')}`,
      );
    }
    return name;
  };
  if (target.length === 0 || new Set(target).size !== target.length) {
    throw new SeqcastError(
      'config',
      `forecaster: target must name one or more different columns (got [${target.join(', ')}])`,
    );
  }
  for (const t of target) column(t, 'target');
  const features = (c.features ?? []).filter((f) => !target.includes(f)).map((f) => column(f, 'feature'));
  const calendar = checkCalendarNames(c.calendar ?? []);
  if (c.knownFuture !== undefined) names(c.knownFuture, 'knownFuture');
  const knownFuture = (c.knownFuture ?? []).map((f) => column(f, 'known-future column'));
  const twice =
    knownFuture.find((f) => target.includes(f) || features.includes(f)) ??
    knownFuture.find((f, i) => knownFuture.indexOf(f) !== i);
  if (twice !== undefined) {
    throw new SeqcastError(
      'config',
      `forecaster: '${twice}' is named twice; a column is a target, a (past-only) feature or a known-future column, once`,
    );
  }
  // log-differences when every column the model reads is positive; plain differences otherwise
  const transform =
    c.transform ?? ([...target, ...features].every((n) => context.positive(n)) ? 'logDiff' : 'diff');
  if (!TRANSFORMS.includes(transform)) {
    throw new SeqcastError(
      'config',
      `forecaster: transform must be one of ${TRANSFORMS.map((t) => `'${t}'`).join(', ')} (got ${JSON.stringify(transform)})`,
    );
  }
  const scaler = c.scaler ?? 'standard';
  if (!['minMax', 'standard', 'none'].includes(scaler)) {
    throw new SeqcastError(
      'config',
      `forecaster: scaler must be 'minMax', 'standard' or 'none' (got ${JSON.stringify(scaler)})`,
    );
  }
  const kind = c.model?.kind ?? 'simpleRNN';
  if (!MODEL_KINDS.includes(kind)) {
    throw new SeqcastError(
      'config',
      `forecaster: model.kind must be one of ${MODEL_KINDS.map((k) => `'${k}'`).join(', ')} (got ${JSON.stringify(kind)})`,
    );
  }
  const patience = c.training?.patience ?? null;
  const splitDate = c.splitDate ?? null;
  if (splitDate !== null && c.trainFraction !== undefined) {
    throw new SeqcastError(
      'config',
      `forecaster: give trainFraction (${c.trainFraction}) or splitDate ('${splitDate}'), not both; they both decide where the test part begins`,
    );
  }
  const trainFraction = splitDate !== null ? null : (c.trainFraction ?? 0.8);
  if (trainFraction !== null && !(trainFraction > 0 && trainFraction < 1))
    throw new SeqcastError('config', `forecaster: trainFraction must be in (0, 1) (got ${trainFraction})`);
  const validationSplit = c.training?.validationSplit ?? (patience !== null ? 0.1 : 0);
  if (!(validationSplit >= 0 && validationSplit < 1)) {
    throw new SeqcastError(
      'config',
      `forecaster: training.validationSplit must be in [0, 1) (got ${validationSplit})`,
    );
  }
  const lr = c.training?.learningRate ?? 0.001;
  if (!(lr > 0))
    throw new SeqcastError('config', `forecaster: training.learningRate must be > 0 (got ${lr})`);
  const clipnorm = c.training?.clipnorm ?? null;
  if (clipnorm !== null && !(clipnorm > 0))
    throw new SeqcastError('config', `forecaster: training.clipnorm must be > 0 (got ${clipnorm})`);
  return {
    target,
    features,
    calendar,
    knownFuture,
    transform,
    scaler,
    window: positiveInt('window', c.window ?? 12),
    horizon: positiveInt('horizon', c.horizon ?? 1),
    stride: positiveInt('stride', c.stride ?? 1),
    trainFraction,
    splitDate,
    model: {
      kind,
      units: positiveInt('model.units', c.model?.units ?? 32),
      layers: positiveInt('model.layers', c.model?.layers ?? 1),
      bidirectional: c.model?.bidirectional ?? false,
    },
    training: {
      epochs: positiveInt('training.epochs', c.training?.epochs ?? 40),
      batchSize: positiveInt('training.batchSize', c.training?.batchSize ?? 32),
      learningRate: lr,
      clipnorm,
      patience: patience === null ? null : nonNegativeInt('training.patience', patience),
      validationSplit,
      seed,
    },
    seasonalPeriod: positiveInt('seasonalPeriod', c.seasonalPeriod ?? context.seasonalPeriod),
  };
}

function positiveInt(what: string, v: number): number {
  if (!Number.isInteger(v) || v < 1)
    throw new SeqcastError('config', `forecaster: ${what} must be an integer ≥ 1 (got ${v})`);
  return v;
}

function nonNegativeInt(what: string, v: number): number {
  if (!Number.isInteger(v) || v < 0)
    throw new SeqcastError('config', `forecaster: ${what} must be an integer ≥ 0 (got ${v})`);
  return v;
}

function fail(what: string, expected: string, got: unknown): never {
  const shown = JSON.stringify(got) ?? String(got);
  throw new SeqcastError(
    'config',
    `forecaster: ${what} must be ${expected} (got ${shown.length > 60 ? `${shown.slice(0, 60)}…` : shown})`,
  );
}
