/**
 * The one validator of a saved forecaster's state (`userDefinedMetadata.seqcast.forecaster` in model.json),
 * and of that state against its model. A state is data from a file: every field is checked for presence,
 * type and range before anything uses it, so a damaged or edited file gets one message naming the field,
 * never `Cannot read properties of undefined` or a forecast computed from a negative standard deviation.
 */
import { SeqcastError } from '../errors.js';
import type { Sequential } from '../model/sequential.js';
import { unknownKey } from '../options.js';
import type { ScalerState } from '../prep/scalers.js';
import type { Frequency, FrequencyUnit } from '../series/frequency.js';
import type { ResolvedConfig } from './config.js';
import { covariateChannels } from './covariates.js';

const UNITS: readonly FrequencyUnit[] = ['day', 'businessDay', 'week', 'month', 'quarter', 'year', 'step'];
const KEYS = ['formatVersion', 'config', 'columns', 'scaler', 'frequency', 'trainedThrough'];
/** Written only when used (so a state without them is byte-identical to before): */
const OPTIONAL_KEYS = ['knownScale'];

/** The fields of a state whose config is still to be resolved (resolveConfig checks the configuration). */
export interface CheckedState {
  readonly config: Record<string, unknown>;
  readonly columns: readonly string[];
  readonly scaler: ScalerState | null;
  readonly frequency: Frequency;
  readonly trainedThrough: string;
  /** The known-future columns' scale (covariates.ts), when the config has known-future columns. */
  readonly knownScale?: { readonly mean: readonly number[]; readonly std: readonly number[] };
}

function damaged(detail: string): SeqcastError {
  return new SeqcastError(
    'config',
    `forecaster state: ${detail}; the saved model is damaged or was edited — train and save it again`,
  );
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function finiteList(v: unknown, n: number, what: string): readonly number[] {
  if (!Array.isArray(v) || v.length !== n || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw damaged(`${what} must be a list of ${n} finite numbers, one per column (got ${show(v)})`);
  }
  return v as number[];
}

function show(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

/** Checks every field of a state read from a file; see the module comment. */
export function checkState(raw: unknown): CheckedState {
  if (!isObject(raw)) throw damaged(`it must be an object (got ${show(raw)})`);
  if (raw.formatVersion !== 1) {
    throw new SeqcastError(
      'config',
      'forecaster state: formatVersion must be 1; this model was saved by another seqcast version',
    );
  }
  const extra = unknownKey(raw, [...KEYS, ...OPTIONAL_KEYS]);
  if (extra !== undefined)
    throw damaged(
      `it has an unknown field '${extra}' (the fields are ${[...KEYS, ...OPTIONAL_KEYS].join(', ')})`,
    );
  for (const k of KEYS) if (!(k in raw)) throw damaged(`the field '${k}' is missing`);
  const { config, columns, scaler, frequency, trainedThrough } = raw;
  if (!isObject(config)) throw damaged(`config must be an object (got ${show(config)})`);
  if (
    !Array.isArray(columns) ||
    columns.length === 0 ||
    !columns.every((c) => typeof c === 'string' && c !== '') ||
    new Set(columns).size !== columns.length
  ) {
    throw damaged(`columns must list the model's input columns, each once (got ${show(columns)})`);
  }
  const C = columns.length;
  if (config.scaler !== 'none' && scaler === null) {
    throw damaged(`the config says scaler '${String(config.scaler)}' but the saved scaler is null`);
  }
  if (config.scaler === 'none' && scaler !== null) {
    throw damaged(`the config says scaler 'none' but a scaler is saved`);
  }
  let checkedScaler: ScalerState | null = null;
  if (scaler !== null) {
    if (!isObject(scaler) || scaler.kind !== config.scaler) {
      throw damaged(
        `the scaler must be the config's '${String(config.scaler)}' scaler (got ${show(scaler)})`,
      );
    }
    if (scaler.kind === 'standard') {
      const mean = finiteList(scaler.mean, C, 'scaler.mean');
      const std = finiteList(scaler.std, C, 'scaler.std');
      const bad = std.findIndex((s) => s < 0);
      if (bad >= 0)
        throw damaged(`scaler.std[${bad}] is ${std[bad]}; a standard deviation is never negative`);
      checkedScaler = { kind: 'standard', mean, std };
    } else {
      const dataMin = finiteList(scaler.dataMin, C, 'scaler.dataMin');
      const dataMax = finiteList(scaler.dataMax, C, 'scaler.dataMax');
      const range = finiteList(scaler.featureRange, 2, 'scaler.featureRange');
      const bad = dataMin.findIndex((lo, f) => lo > dataMax[f]);
      if (bad >= 0) throw damaged(`scaler.dataMin[${bad}] is above scaler.dataMax[${bad}]`);
      if (!(range[0] < range[1]))
        throw damaged(`scaler.featureRange must be [a, b] with a < b (got ${show(range)})`);
      checkedScaler = { kind: 'minMax', dataMin, dataMax, featureRange: [range[0], range[1]] };
    }
  }
  if (
    !isObject(frequency) ||
    !UNITS.includes(frequency.unit as FrequencyUnit) ||
    typeof frequency.step !== 'number' ||
    !Number.isSafeInteger(frequency.step) ||
    frequency.step < 1
  ) {
    throw damaged(
      `frequency must be { unit: ${UNITS.join(' | ')}, step: an integer ≥ 1 } (got ${show(frequency)})`,
    );
  }
  if (typeof trainedThrough !== 'string' || trainedThrough === '') {
    throw damaged(`trainedThrough must be the label of the last training row (got ${show(trainedThrough)})`);
  }
  let knownScale: CheckedState['knownScale'];
  if (raw.knownScale !== undefined) {
    const ks = raw.knownScale;
    const n = isObject(ks) && Array.isArray(ks.mean) ? ks.mean.length : -1;
    if (!isObject(ks) || n < 1) throw damaged(`knownScale must be { mean, std } (got ${show(ks)})`);
    const mean = finiteList(ks.mean, n, 'knownScale.mean');
    const std = finiteList(ks.std, n, 'knownScale.std');
    const bad = std.findIndex((s) => !(s > 0));
    if (bad >= 0) throw damaged(`knownScale.std[${bad}] is ${std[bad]}; it must be > 0`);
    knownScale = { mean, std };
  }
  return {
    ...(knownScale !== undefined ? { knownScale } : {}),
    config,
    columns: columns as string[],
    scaler: checkedScaler,
    frequency: { unit: frequency.unit as FrequencyUnit, step: frequency.step },
    trainedThrough,
  };
}

/** Checks that the model reads and writes what the resolved configuration says: [window, C] → [horizon · K]. */
export function checkModelAgainst(model: Sequential, cfg: ResolvedConfig, columns: readonly string[]): void {
  const C = columns.length + covariateChannels(cfg); // the covariates of the H target rows follow the columns
  const missing = [...cfg.target, ...cfg.features].filter((c) => !columns.includes(c));
  if (missing.length > 0 || columns.length !== cfg.target.length + cfg.features.length) {
    throw damaged(
      `columns (${columns.join(', ')}) must be the targets and then the features of the config ` +
        `(${[...cfg.target, ...cfg.features].join(', ')})`,
    );
  }
  const input = model.inputShape;
  if (input.length !== 2 || input[0] !== cfg.window || input[1] !== C) {
    throw new SeqcastError(
      'config',
      `forecaster state: the model takes [${['None', ...input].join(', ')}] but the forecaster feeds [None, ${cfg.window}, ${C}]`,
    );
  }
  const out = model.outputShape;
  const want = cfg.horizon * cfg.target.length;
  if (out.length !== 1 || out[0] !== want) {
    throw new SeqcastError(
      'config',
      `forecaster state: the model outputs [${['None', ...out].join(', ')}] but the forecaster reads [None, ${want}] ` +
        `(horizon ${cfg.horizon} × ${cfg.target.length} target${cfg.target.length > 1 ? 's' : ''})` +
        (out.length > 1
          ? '; a recurrent layer that returns sequences must be followed by one that does not (return_sequences: false on the last)'
          : '') +
        ' — the model and its forecaster state do not belong together',
    );
  }
}
