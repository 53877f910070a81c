/** The training options shared by `train` and `backtest`, and their mapping to a ForecastConfig. */
import type { Command } from 'commander';
import { Option } from 'commander';
import { SeqcastError } from '../errors.js';
import type { ForecastConfig, ModelKind } from '../forecast/config.js';
import type { CalendarFeature } from '../forecast/covariates.js';
import type { ScalerKind } from '../prep/scalers.js';
import type { MissingPolicy } from '../series/series.js';
import type { TransformName } from '../series/transforms.js';
import type { SeriesSource } from './inputs.js';
import { flagNumber } from './numbers.js';
import { readSeries } from './inputs.js';

export interface TrainFlags {
  dateColumn?: string;
  target?: string;
  features?: string;
  calendar?: string;
  knownFuture?: string;
  model?: string;
  units?: string;
  layers?: string;
  bidirectional?: boolean;
  window?: string;
  horizon?: string;
  stride?: string;
  split?: string;
  scaler: string;
  transform?: string;
  epochs?: string;
  batchSize?: string;
  learningRate?: string;
  clipnorm?: string;
  patience?: string;
  validationSplit?: string;
  seed?: string;
  missing: string;
}

const MODELS: Record<string, ModelKind> = { 'simple-rnn': 'simpleRNN', lstm: 'lstm', gru: 'gru' };
const TRANSFORMS: Record<string, TransformName> = {
  none: 'none',
  log: 'log',
  diff: 'diff',
  'log-diff': 'logDiff',
  'pct-change': 'pctChange',
};
/** --calendar's short names; the API's names are accepted too. */
const CALENDAR_FLAGS: Record<string, CalendarFeature> = {
  dow: 'dayOfWeek',
  dom: 'dayOfMonth',
  doy: 'dayOfYear',
  month: 'month',
  quarter: 'quarter',
};
const SCALERS: Record<string, ScalerKind | 'none'> = { minmax: 'minMax', standard: 'standard', none: 'none' };

export function addTrainOptions(cmd: Command): Command {
  return cmd
    .option('--date-column <name>', 'the column holding dates or integer indices (default: the first)')
    .option('--target <names>', 'column(s) to forecast, comma-separated (default: the first value column)')
    .option('--features <names>', 'extra input columns, comma-separated (past values only)')
    .option(
      '--calendar <features>',
      `calendar features of the target dates, comma-separated: ${Object.keys(CALENDAR_FLAGS).join(', ')} (or the API names)`,
    )
    .option(
      '--known-future <names>',
      'columns whose future values are known (planned promotions, …); forecast then needs --future FILE',
    )
    .addOption(
      new Option(
        '--model <kind>',
        'recurrent layer (default simple-rnn; seqcast train also tries gru on validation unless given)',
      ).choices(Object.keys(MODELS)),
    )
    .option('--units <n>', 'units per recurrent layer (default 32)')
    .option('--layers <n>', 'recurrent layers stacked (default 1)')
    .option('--bidirectional', 'wrap each recurrent layer in Bidirectional')
    .option('--window <n>', 'steps of history per window (default 12)')
    .option('--horizon <n>', 'steps predicted at once (default 1)')
    .option('--stride <n>', 'rows between training windows (default 1)')
    .option('--split <fraction|date>', 'training fraction (0.8) or the first test date (2011-01-01)')
    .addOption(
      new Option('--scaler <kind>', 'scaler fitted on the training part')
        .choices(Object.keys(SCALERS))
        .default('standard'),
    )
    .addOption(
      new Option(
        '--transform <kind>',
        'reversible transform (default: log-diff for positive data, else diff)',
      ).choices(Object.keys(TRANSFORMS)),
    )
    .option('--epochs <n>', 'training epochs (default 40)')
    .option('--batch-size <n>', 'samples per batch (default 32)')
    .option('--learning-rate <x>', "Adam's learning rate (default 0.001)")
    .option('--clipnorm <x>', 'clip each gradient tensor to this L2 norm')
    .option(
      '--patience <n>',
      'stop after n epochs without validation improvement (restores the best weights)',
    )
    .option(
      '--validation-split <x>',
      'last fraction of the training windows to validate on (default 0, or 0.1 with --patience)',
    )
    .option('--seed <n>', 'seed of weights and shuffles (default 42)')
    .addOption(
      new Option(
        '--missing <policy>',
        'empty values and dates missing from the calendar: error (refuse), drop (empty rows), interpolate or ffill ' +
          '(fill both), mask (leave both missing; windows touching them are left out)',
      )
        .choices(['error', 'drop', 'ffill', 'interpolate', 'mask'])
        .default('error'),
    );
}

export function configFromFlags(f: TrainFlags): ForecastConfig {
  const list = (v: string | undefined): string[] | undefined =>
    v === undefined
      ? undefined
      : v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '');
  const patience = flagNumber('patience', f.patience);
  const validationSplit = flagNumber('validation-split', f.validationSplit);
  if (patience !== undefined && validationSplit === 0) {
    throw new SeqcastError(
      'config',
      '--patience needs validation data to watch, but --validation-split 0 leaves none; drop one of them',
    );
  }
  let trainFraction: number | undefined;
  let splitDate: string | undefined;
  if (f.split !== undefined) {
    if (/^\d{4}-\d{2}-\d{2}/.test(f.split) || /^-?\d+$/.test(f.split)) splitDate = f.split;
    else trainFraction = flagNumber('split', f.split);
  }
  const target = list(f.target);
  const training = {
    epochs: flagNumber('epochs', f.epochs),
    batchSize: flagNumber('batch-size', f.batchSize),
    learningRate: flagNumber('learning-rate', f.learningRate),
    clipnorm: flagNumber('clipnorm', f.clipnorm),
    patience,
    validationSplit,
    seed: flagNumber('seed', f.seed),
  };
  const model = {
    kind: f.model === undefined ? undefined : MODELS[f.model],
    units: flagNumber('units', f.units),
    layers: flagNumber('layers', f.layers),
    bidirectional: f.bidirectional ?? false,
  };
  return dropUndefined({
    target: target === undefined ? undefined : target.length === 1 ? target[0] : target,
    features: list(f.features),
    calendar: list(f.calendar)?.map((c) => CALENDAR_FLAGS[c] ?? c), // resolveConfig names an unknown one
    knownFuture: list(f.knownFuture),
    transform: f.transform === undefined ? undefined : TRANSFORMS[f.transform],
    scaler: SCALERS[f.scaler],
    window: flagNumber('window', f.window),
    horizon: flagNumber('horizon', f.horizon),
    stride: flagNumber('stride', f.stride),
    trainFraction,
    splitDate,
    model: dropUndefined(model),
    training: dropUndefined(training),
  }) as ForecastConfig;
}

/**
 * What a training command works on: the series (a bundled dataset or a CSV file) and the configuration from
 * the flags, with a bundled dataset's value column as the default target.
 */
export function trainingInput(
  data: string,
  flags: TrainFlags,
): { source: SeriesSource; config: ForecastConfig } {
  const config = configFromFlags(flags);
  const source = readSeries(data, {
    ...(flags.dateColumn !== undefined ? { dateColumn: flags.dateColumn } : {}),
    missing: flags.missing as MissingPolicy | 'error' | 'mask',
  });
  return {
    source,
    config:
      config.target === undefined && source.valueColumn !== null
        ? { ...config, target: source.valueColumn }
        : config,
  };
}

function dropUndefined<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
