/**
 * Forecaster: prepare (transform → chronological split → scaler fitted on the training rows → windows, in
 * prepare.ts) → recurrent model → inverse scaling → inverse transform → metrics beside the baselines, with
 * warnings (evaluation.ts). Evaluation scores the level rows after the training period.
 */
import { SeqcastError } from '../errors.js';
import type { Callback } from '../model/callbacks.js';
import { earlyStopping } from '../model/callbacks.js';
import type { History } from '../model/fit.js';
import type { Sequential } from '../model/sequential.js';
import { adam } from '../optim/optimizers.js';
import type { Scaler, ScalerState } from '../prep/scalers.js';
import { scalerFromState } from '../prep/scalers.js';
import type { Frequency } from '../series/frequency.js';
import { nextLabels } from '../series/frequency.js';
import type { Series } from '../series/series.js';
import type { Transform } from '../series/transforms.js';
import { getTransform } from '../series/transforms.js';
import type { ForecastConfig, ResolvedConfig } from './config.js';
import { resolveConfig } from './config.js';
import type { BaselineFactory, Evaluation } from './evaluation.js';
import { nonFinite, scoreEvaluation, unscale } from './evaluation.js';
import { forecastBaselines } from './baseline-set.js';
import { checkModelAgainst, checkState } from './state.js';
import { buildModel } from './pipeline.js';
import type { FittedPipeline, PreparedInput } from './prepare.js';
import { hasCovariates, inputWidth, prepare, prepareInput, testWindows } from './prepare.js';
import type { KnownScale } from './covariates.js';
import { covariateRows, futureValues, writeLeads } from './covariates.js';
import { checkOptions } from '../options.js';
import type { FlowRecord } from './training-flow.js';
import { gradientFlowRecorder } from './training-flow.js';

export type { Evaluation } from './evaluation.js';

/** What a saved forecaster keeps beside its model: enough to forecast from new data alone. */
export interface ForecasterState {
  readonly formatVersion: 1;
  readonly config: ResolvedConfig;
  /** The model's input columns: the targets first, then the other features. */
  readonly columns: readonly string[];
  readonly scaler: ScalerState | null;
  readonly frequency: Frequency;
  /** The label of the last level row used for training. */
  readonly trainedThrough: string;
  /** With known-future columns only: their scale (covariates.ts). */
  readonly knownScale?: KnownScale;
}

export interface FutureForecast {
  readonly labels: readonly string[];
  readonly values: Float64Array;
  /** 'direct' when the model's horizon covers the steps; 'recursive' when forecasts were fed back. */
  readonly method: 'direct' | 'recursive';
  /** The horizon the model was trained for: steps beyond it are recursive. */
  readonly trainedHorizon: number;
}

/** Options of `forecast()`. */
export interface ForecastOptions {
  /** Which target (default: the first). */
  readonly target?: string;
  /**
   * The known-future columns' values after the series' last row (a series with those columns, dated at its
   * frequency; rows on or before the last date are ignored). Needed when the forecaster has knownFuture.
   */
  readonly future?: Series;
}

/** Whether forecasts beyond the trained horizon can be made (recursively), and why (not). */
export interface RecursionInfo {
  readonly horizon: number;
  readonly allowed: boolean;
  readonly reason: string;
}

/** What fitting did, for summaries: the split and the shapes the model saw. */
export interface FitInfo {
  readonly trainRows: number;
  readonly testRows: number;
  /** Labels of the first and last training rows, and of the first test row. */
  readonly trainFrom: string;
  readonly trainTo: string;
  readonly testFrom: string;
  /** [N, window, inputs] and [N, horizon · targets]. */
  readonly trainX: readonly number[];
  readonly trainY: readonly number[];
  /** The windows of the test part, one per scored row: [rows, window, inputs]. */
  readonly testX: readonly number[];
  /** Training windows left out because they touch a missing value (a masked gap); 0 without gaps. */
  readonly maskedWindows: number;
  readonly fitSeconds: number;
  /**
   * With `gradientFlow: true` in the fit options: ‖∂L/∂h_t‖ per step on the last (up to) 64 training
   * windows, after the first epoch and at the end of training (how far back the training signal reached,
   * and how that changed). Empty otherwise.
   */
  readonly gradientFlow: readonly FlowRecord[];
}

export interface FitForecasterOptions {
  /** Extra callbacks, e.g. a progress display. */
  readonly callbacks?: readonly Callback[];
  /**
   * Measure the gradient flow through time during training (two extra forward and backward passes over
   * up to 64 windows, after epoch 1 and at the end) into `fitInfo.gradientFlow`. Default false.
   */
  readonly gradientFlow?: boolean;
}

const FIT_OPTIONS = ['callbacks', 'gradientFlow'];

export class Forecaster {
  readonly model: Sequential;
  readonly config: ResolvedConfig;
  readonly columns: readonly string[];
  readonly history: History | null;
  /** Set by `fit`; null for a loaded forecaster. */
  readonly fitInfo: FitInfo | null;
  private readonly transform: Transform;
  private readonly scaler: Scaler | null;
  private readonly knownScale: KnownScale | null;
  private readonly frequency: Frequency;
  private readonly trainedThrough: string;

  private constructor(
    model: Sequential,
    state: ForecasterState,
    history: History | null,
    fitInfo: FitInfo | null = null,
  ) {
    this.model = model;
    this.config = state.config;
    this.columns = state.columns;
    this.transform = getTransform(state.config.transform);
    this.scaler = state.scaler === null ? null : scalerFromState(state.scaler);
    this.knownScale = state.knownScale ?? null;
    this.frequency = state.frequency;
    this.trainedThrough = state.trainedThrough;
    this.history = history;
    this.fitInfo = fitInfo;
  }

  /** Builds, fits and returns a forecaster trained on the rows before the split. */
  static async fit(
    series: Series,
    config: ForecastConfig = {},
    options: FitForecasterOptions = {},
  ): Promise<Forecaster> {
    for (const k of Object.keys(options)) {
      if (!FIT_OPTIONS.includes(k)) {
        throw new SeqcastError(
          'config',
          `Forecaster.fit() options: unknown option '${k}'; the options are ${FIT_OPTIONS.join(', ')}`,
        );
      }
    }
    const p = prepare(series, config);
    const cfg = p.config;
    const model = buildModel(cfg, inputWidth(p));
    model.compile({
      optimizer: adam({ learningRate: cfg.training.learningRate, clipnorm: cfg.training.clipnorm }),
      loss: 'mse',
    });
    const callbacks: Callback[] = [...(options.callbacks ?? [])];
    if (cfg.training.patience !== null) {
      callbacks.push(earlyStopping({ patience: cfg.training.patience, restoreBestWeights: true }));
    }
    const flow = options.gradientFlow === true ? gradientFlowRecorder(model, p.train) : null;
    if (flow !== null) callbacks.push(flow.callback);
    const started = performance.now();
    const history = await model.fit(p.train.x, p.train.y, {
      epochs: cfg.training.epochs,
      batchSize: cfg.training.batchSize,
      seed: cfg.training.seed,
      validationSplit: cfg.training.validationSplit,
      callbacks,
    });
    const fitSeconds = (performance.now() - started) / 1000;
    const { labels, splitLevel } = p;
    const state: ForecasterState = {
      formatVersion: 1,
      config: cfg,
      columns: p.columns,
      scaler: p.scaler === null ? null : p.scaler.state(),
      frequency: series.frequency,
      trainedThrough: labels[splitLevel - 1],
      ...(p.knownScale !== null ? { knownScale: p.knownScale } : {}),
    };
    const testRows = series.length - splitLevel;
    const fitInfo: FitInfo = {
      trainRows: splitLevel,
      testRows,
      trainFrom: labels[0],
      trainTo: labels[splitLevel - 1],
      testFrom: labels[splitLevel],
      trainX: p.train.x.shape,
      trainY: p.train.y.shape,
      testX: [testRows, cfg.window, inputWidth(p)],
      maskedWindows: p.maskedWindows,
      fitSeconds,
      gradientFlow: flow === null ? [] : flow.records,
    };
    return new Forecaster(model, state, history, fitInfo);
  }

  /** A forecaster from a model and its saved state (`state()`); the state is checked. */
  static fromState(model: Sequential, state: ForecasterState): Forecaster {
    const checked = checkState(state);
    // a saved configuration has every option set; states saved before trainFraction and splitDate became
    // exclusive carry both, and splitDate is the one that decided the split
    const saved = checked.config as unknown as ResolvedConfig;
    const cfg = resolveConfig(
      { ...saved, trainFraction: saved.splitDate != null ? undefined : (saved.trainFraction ?? undefined) },
      {
        // known-future columns are read from the data, not fed to the model as columns
        columns: [...checked.columns, ...(Array.isArray(saved.knownFuture) ? saved.knownFuture : [])],
        seasonalPeriod: saved.seasonalPeriod,
        positive: () => {
          throw new SeqcastError('config', 'forecaster state: the configuration has no transform');
        },
      },
    );
    checkModelAgainst(model, cfg, checked.columns);
    if (cfg.knownFuture.length > 0 !== (checked.knownScale !== undefined)) {
      throw new SeqcastError(
        'config',
        `forecaster state: the config has ${cfg.knownFuture.length} known-future column(s) but ${checked.knownScale === undefined ? 'no' : 'a'} knownScale is saved; the saved model is damaged or was edited — train and save it again`,
      );
    }
    if (checked.knownScale !== undefined && checked.knownScale.mean.length !== cfg.knownFuture.length) {
      throw new SeqcastError(
        'config',
        `forecaster state: knownScale has ${checked.knownScale.mean.length} columns but the config has ${cfg.knownFuture.length} known-future columns; the saved model is damaged or was edited — train and save it again`,
      );
    }
    return new Forecaster(model, { formatVersion: 1, ...checked, config: cfg }, null);
  }

  /** The state to save beside the model. */
  state(): ForecasterState {
    return {
      formatVersion: 1,
      config: this.config,
      columns: this.columns,
      scaler: this.scaler === null ? null : this.scaler.state(),
      frequency: this.frequency,
      trainedThrough: this.trainedThrough,
      ...(this.knownScale !== null ? { knownScale: this.knownScale } : {}),
    };
  }

  /**
   * Whether `forecast()` can go beyond the trained horizon. Recursion feeds the forecasts back as the next
   * rows' inputs, which works when every input column is a target: calendar features and known-future
   * columns are known for the new rows (computed, or supplied); past-only features are not.
   */
  recursion(): RecursionInfo {
    const H = this.config.horizon;
    const past = this.columns.slice(this.config.target.length);
    if (past.length > 0) {
      return {
        horizon: H,
        allowed: false,
        reason: `recursion is impossible: the past-only feature${past.length > 1 ? 's' : ''} ${past.map((c) => `'${c}'`).join(', ')} ${past.length > 1 ? 'have' : 'has'} no future values to feed back`,
      };
    }
    const known = this.config.knownFuture;
    return {
      horizon: H,
      allowed: true,
      reason:
        `steps 1–${H} are direct; later steps are recursive (each forecast fed back as an input row)` +
        (this.config.calendar.length > 0 ? ', with the calendar features of the future dates' : '') +
        (known.length > 0 ? `, with the supplied future values of ${known.join(', ')}` : ''),
    };
  }

  /**
   * Scores one-step forecasts of every row after the training period (on the training series: the test
   * part), beside the baselines, with a verdict and warnings — for `target` (default: the first one).
   * `baselines` makes the baselines (default: every one, forecastBaselines; the validation search scores
   * its later candidates beside naive alone, since the baselines do not change between candidates).
   */
  evaluate(
    series: Series,
    target: string = this.config.target[0],
    baselines: BaselineFactory = forecastBaselines,
  ): Evaluation {
    const k = this.targetIndex(target, 'evaluate()');
    const input = this.input(series);
    const test = testWindows(input, this.pipeline(), this.trainedThrough);
    const out = this.model.predict(test.x); // [N, horizon · targets], step-major
    return scoreEvaluation(this.pipeline(), input, test, out.data, k, baselines);
  }

  /**
   * Forecasts `steps` values of `target` (default: the first) after the series' last row, dated at its
   * frequency. Within the model's horizon this is direct; beyond it, forecasts are fed back as inputs
   * (recursive), which needs a model whose inputs are all targets, calendar features and known-future
   * columns (`recursion()` says whether, and why not). With known-future columns, `options.future` supplies
   * their values for the ceil(steps / H) · H dates the model reads. The third argument may be the target's
   * name (as before) or the options.
   */
  forecast(
    series: Series,
    steps: number,
    targetOrOptions: string | ForecastOptions = {},
    options: ForecastOptions = {},
  ): FutureForecast {
    if (!Number.isInteger(steps) || steps < 1) {
      throw new SeqcastError('config', `forecast(): steps must be an integer ≥ 1 (got ${steps})`);
    }
    const opts =
      typeof targetOrOptions === 'string' ? { ...options, target: targetOrOptions } : targetOrOptions;
    checkOptions('forecast() options', opts, ['target', 'future']);
    const k = this.targetIndex(opts.target ?? this.config.target[0], 'forecast()');
    const cfg = this.config;
    const H = cfg.horizon;
    const K = cfg.target.length;
    const C = inputWidth(this.pipeline());
    const recursion = this.recursion();
    if (steps > H && !recursion.allowed) {
      throw new SeqcastError(
        'config',
        `forecast(): ${steps} steps exceed the model's trained horizon of ${H}, and ${recursion.reason}; ` +
          `forecast at most ${H} step${H > 1 ? 's' : ''}, or train with horizon ${steps} ` +
          `(or give ${this.columns.slice(K).join(', ')} as knownFuture columns if their future values are known)`,
      );
    }
    // the covariates of every date the model reads: each call reads the H dates after its window
    const calls = Math.ceil(steps / H);
    const future = hasCovariates(cfg)
      ? futureValues(
          series,
          opts.future,
          cfg.knownFuture,
          calls * H,
          calls === 1
            ? `each forecast reads the covariates of all ${H} steps of the trained horizon`
            : `${calls} forecasts of ${H} steps, each reading the covariates of its ${H} steps`,
        )
      : undefined;
    const { levels, inputs } = prepareInput(series, this.pipeline(), future);
    const rowsZ = inputs.length / C;
    if (rowsZ < cfg.window) {
      throw new SeqcastError(
        'config',
        `forecast(): the series has ${series.length} rows; a window of ${cfg.window} needs at least ${cfg.window + this.transform.lag}`,
      );
    }
    const last = inputs.subarray((rowsZ - cfg.window) * C);
    if (last.some(Number.isNaN)) {
      throw new SeqcastError(
        'non-finite',
        `forecast(): the last ${cfg.window + this.transform.lag} rows, which the model reads, touch a missing value (a masked gap); ` +
          `fill the gaps (series.fillGaps('interpolate')) or forecast from data whose last rows are known`,
      );
    }
    const window = Float32Array.from(last);
    const zPath: number[] = [];
    // with covariates, the input row of future date n (n = 1, 2, …) is [forecast | cov(n + 1) … cov(n + H)]
    const ahead =
      future === undefined ? null : covariateRows(series, cfg, this.knownScale, future.index, future.values);
    const HF = C - this.columns.length;
    while (zPath.length < steps) {
      const out = this.model.predict({ shape: [1, cfg.window, C], data: window });
      for (let h = 0; h < H && zPath.length < steps; h++) {
        zPath.push(out.data[h * K + k]);
        // slide the window by one row and append the predicted row (all columns are targets when recursing)
        window.copyWithin(0, C);
        for (let j = 0; j < K; j++) window[window.length - C + j] = out.data[h * K + j];
        // the new row is future date n = zPath.length, level row L − 1 + n: its covariates lead it by 1 … H
        if (ahead !== null)
          writeLeads(ahead, cfg, series.length - 1 + zPath.length, window, window.length - HF);
      }
    }
    const level = levels[k];
    const values = this.transform.inversePath(this.unscale(zPath, k), level[level.length - 1]);
    const labels = nextLabels(series, steps);
    const bad = values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw nonFinite('forecast()', values[bad], labels[bad], steps);
    return { labels, values, method: steps > H ? 'recursive' : 'direct', trainedHorizon: H };
  }

  /**
   * The model's input for one window of `series`, scaled and transformed exactly as the model reads it:
   * window `index` of all windows (negative counts from the end; -1, the default, is the window a forecast
   * reads), with the labels of the rows that feed it.
   */
  inputWindow(
    series: Series,
    index = -1,
  ): { readonly x: { shape: number[]; data: Float32Array }; readonly labels: readonly string[] } {
    const { inputs: scaled, labels } = this.input(series);
    const C = inputWidth(this.pipeline());
    const W = this.config.window;
    const lag = this.transform.lag;
    const count = scaled.length / C - W + 1;
    if (count < 1) {
      throw new SeqcastError(
        'config',
        `the data has ${series.length} rows, but a window of ${W} needs at least ${W + lag} (transform ${this.config.transform})`,
      );
    }
    const i = index < 0 ? count + index : index;
    if (!Number.isInteger(i) || i < 0 || i >= count) {
      throw new SeqcastError(
        'config',
        `window ${index} does not exist: the data holds windows 0 .. ${count - 1} (or -1 .. -${count})`,
      );
    }
    if (scaled.subarray(i * C, (i + W) * C).some(Number.isNaN)) {
      throw new SeqcastError(
        'config',
        `window ${index} reads a missing value: a masked gap, or the known-future columns (${this.config.knownFuture.join(', ') || 'none'}) after the data's last row, which only forecast() is given; choose an earlier window`,
      );
    }
    return {
      x: { shape: [1, W, C], data: Float32Array.from(scaled.subarray(i * C, (i + W) * C)) },
      labels: labels.slice(i + lag, i + lag + W),
    };
  }

  private targetIndex(target: string, label: string): number {
    const k = this.config.target.indexOf(target);
    if (k < 0) {
      throw new SeqcastError(
        'config',
        `${label}: '${target}' is not a target of this forecaster; its targets are ${this.config.target.map((t) => `'${t}'`).join(', ')}`,
      );
    }
    return k;
  }

  private pipeline(): FittedPipeline {
    return {
      config: this.config,
      columns: this.columns,
      transform: this.transform,
      scaler: this.scaler,
      knownScale: this.knownScale,
    };
  }

  private input(series: Series): PreparedInput {
    return prepareInput(series, this.pipeline());
  }

  /** Scaled values of target k back to transformed units. */
  private unscale(values: ArrayLike<number>, k: number): Float64Array {
    return unscale(this.pipeline(), values, k);
  }
}
