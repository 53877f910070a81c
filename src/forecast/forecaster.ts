/**
 * Forecaster: series → transform → chronological split → scaler (fitted on the training rows) → windows →
 * recurrent model → inverse scaling → inverse transform → metrics beside the baselines, with warnings.
 *
 * Rows: the series has L level rows; a transform with lag 1 (diff, logDiff, pctChange) turns them into L − 1
 * rows of changes, change row r belonging to level row r + lag. The split is made on LEVEL rows, so the test
 * targets are the same level rows whatever the transform, and every model is compared with the same
 * baselines on the same dates. Evaluation scores the level rows after the training period.
 */
import { defaultBaselines } from '../baselines/baselines.js';
import { SeqcastError } from '../errors.js';
import type { ScoreSet } from '../metrics/metrics.js';
import { rmse, scoreAll } from '../metrics/metrics.js';
import type { BaselineComparison } from '../metrics/verdict.js';
import { compareToBaselines } from '../metrics/verdict.js';
import type { Callback } from '../model/callbacks.js';
import { earlyStopping } from '../model/callbacks.js';
import type { History } from '../model/fit.js';
import type { Sequential } from '../model/sequential.js';
import { adam } from '../optim/optimizers.js';
import type { Scaler, ScalerState } from '../prep/scalers.js';
import { fitScaler, scalerFromState } from '../prep/scalers.js';
import { chronologicalSplit, splitIndexAtLabel } from '../prep/split.js';
import { makeWindows } from '../prep/windows.js';
import type { Frequency } from '../series/frequency.js';
import { nextLabels } from '../series/frequency.js';
import type { Series } from '../series/series.js';
import type { Transform } from '../series/transforms.js';
import { getTransform } from '../series/transforms.js';
import type { ForecastConfig, ResolvedConfig } from './config.js';
import { buildModel, canPredict, defaultTransform, seasonalPeriodOf, transformed } from './pipeline.js';
import { resolveConfig } from './config.js';
import type { Warning } from './guards.js';
import { extrapolationWarning, lagWarning } from './guards.js';
import type { LayerGradientFlow } from '../explain/gradient-flow.js';
import { gradientFlow } from '../explain/gradient-flow.js';
import type { FloatArray } from '../tensor.js';

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
}

export interface Evaluation {
  /** Labels (dates) of the scored rows. */
  readonly labels: readonly string[];
  readonly actual: Float64Array;
  /** The model's one-step forecasts, in original units. */
  readonly forecast: Float64Array;
  /** Each baseline's one-step forecasts. */
  readonly baselineForecasts: Readonly<Record<string, Float64Array>>;
  readonly metrics: { readonly model: ScoreSet; readonly baselines: Readonly<Record<string, ScoreSet>> };
  readonly comparison: BaselineComparison;
  /** e.g. "beats naive by 5.1 % RMSE". */
  readonly verdict: string;
  readonly warnings: readonly Warning[];
  /** With horizon > 1: RMSE per step ahead, the model's and naive's. */
  readonly byHorizon: readonly { readonly step: number; readonly rmse: number; readonly naiveRmse: number }[];
}

export interface FutureForecast {
  readonly labels: readonly string[];
  readonly values: Float64Array;
  /** 'direct' when the model's horizon covers the steps; 'recursive' when forecasts were fed back. */
  readonly method: 'direct' | 'recursive';
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
  readonly fitSeconds: number;
  /**
   * ‖∂L/∂h_t‖ per step on the last (up to) 64 training windows, after the first epoch and at the end of
   * training: how far back the training signal reached, and how that changed.
   */
  readonly gradientFlow: readonly { readonly label: string; readonly layers: readonly LayerGradientFlow[] }[];
}

export interface FitForecasterOptions {
  /** Extra callbacks, e.g. a progress display. */
  readonly callbacks?: readonly Callback[];
}

export class Forecaster {
  readonly model: Sequential;
  readonly config: ResolvedConfig;
  readonly columns: readonly string[];
  readonly history: History | null;
  /** Set by `fit`; null for a loaded forecaster. */
  readonly fitInfo: FitInfo | null;
  private readonly transform: Transform;
  private readonly scaler: Scaler | null;
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
    const cfg = resolveConfig(
      { ...config, transform: config.transform ?? defaultTransform(series, config) },
      series.names,
      seasonalPeriodOf(series.frequency),
    );
    const columns = [...cfg.target, ...cfg.features];
    const transform = getTransform(cfg.transform);
    const levels = columns.map((c) => series.column(c));
    const z = transformed(levels, transform);
    const lag = transform.lag;
    const labels = series.labels();
    const splitLevel =
      cfg.splitDate !== null
        ? splitIndexAtLabel(labels, cfg.splitDate)
        : Math.floor(cfg.trainFraction * series.length);
    const split = chronologicalSplit(z.rows, { window: cfg.window, splitIndex: splitLevel - lag });
    const scaler = cfg.scaler === 'none' ? null : fitScaler(cfg.scaler, z.data, columns.length, split);
    const scaled = scaler === null ? z.data : scaler.transform(z.data);
    const C = columns.length;
    const train = makeWindows(scaled.subarray(0, split.splitIndex * C), C, {
      window: cfg.window,
      horizon: cfg.horizon,
      stride: cfg.stride,
      targets: cfg.target.map((_, k) => k),
    });
    const model = buildModel(cfg, C);
    model.compile({
      optimizer: adam({ learningRate: cfg.training.learningRate, clipnorm: cfg.training.clipnorm }),
      loss: 'mse',
    });
    const callbacks: Callback[] = [...(options.callbacks ?? [])];
    if (cfg.training.patience !== null) {
      callbacks.push(earlyStopping({ patience: cfg.training.patience, restoreBestWeights: true }));
    }
    // Gradient flow through time on a sample of training windows, after epoch 1 and at the end.
    const flows: { label: string; layers: readonly LayerGradientFlow[] }[] = [];
    const n = Math.min(64, train.starts.length);
    const sample = (t: {
      shape: readonly number[];
      data: FloatArray;
    }): { shape: number[]; data: FloatArray } => {
      const per = t.data.length / t.shape[0];
      return { shape: [n, ...t.shape.slice(1)], data: t.data.subarray((t.shape[0] - n) * per) };
    };
    let epochsRun = 0;
    callbacks.push({
      onEpochEnd(epoch) {
        epochsRun = epoch + 1;
        if (epoch === 0)
          flows.push({
            label: 'after epoch 1',
            layers: gradientFlow(model, sample(train.x), sample(train.y)).layers,
          });
      },
      onTrainEnd() {
        if (epochsRun > 1)
          flows.push({
            label: `after epoch ${epochsRun}`,
            layers: gradientFlow(model, sample(train.x), sample(train.y)).layers,
          });
      },
    });
    const started = performance.now();
    const history = await model.fit(train.x, train.y, {
      epochs: cfg.training.epochs,
      batchSize: cfg.training.batchSize,
      seed: cfg.training.seed,
      validationSplit: cfg.training.validationSplit,
      callbacks,
    });
    const state: ForecasterState = {
      formatVersion: 1,
      config: cfg,
      columns,
      scaler: scaler === null ? null : scaler.state(),
      frequency: series.frequency,
      trainedThrough: labels[splitLevel - 1],
    };
    const testRows = series.length - splitLevel;
    const fitInfo: FitInfo = {
      trainRows: splitLevel,
      testRows,
      trainFrom: labels[0],
      trainTo: labels[splitLevel - 1],
      testFrom: labels[splitLevel],
      trainX: train.x.shape,
      trainY: train.y.shape,
      testX: [testRows, cfg.window, C],
      fitSeconds: (performance.now() - started) / 1000,
      gradientFlow: flows,
    };
    return new Forecaster(model, state, history, fitInfo);
  }

  /** A forecaster from a model and its saved state (`state()`); the state is checked. */
  static fromState(model: Sequential, state: ForecasterState): Forecaster {
    if (state === null || typeof state !== 'object' || state.formatVersion !== 1) {
      throw new SeqcastError(
        'config',
        'forecaster state: formatVersion must be 1; this model was saved by another seqcast version',
      );
    }
    const cfg = resolveConfig(state.config, state.columns, state.config.seasonalPeriod);
    const expected = [null, cfg.window, state.columns.length];
    if (
      model.inputShape.length !== 2 ||
      model.inputShape[0] !== cfg.window ||
      model.inputShape[1] !== state.columns.length
    ) {
      throw new SeqcastError(
        'config',
        `forecaster state: the model takes [${['None', ...model.inputShape].join(', ')}] but the forecaster feeds [${expected.map((d) => d ?? 'None').join(', ')}]`,
      );
    }
    return new Forecaster(model, { ...state, config: cfg }, null);
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
    };
  }

  /**
   * Scores one-step forecasts of every row after the training period (on the training series: the test
   * part), beside the baselines, with a verdict and warnings — for `target` (default: the first one).
   */
  evaluate(series: Series, target: string = this.config.target[0]): Evaluation {
    const k = this.targetIndex(target, 'evaluate()');
    const { levels, scaled, labels } = this.prepare(series);
    const cfg = this.config;
    const lag = this.transform.lag;
    const C = this.columns.length;
    const testStart = labels.findIndex((l) => l > this.trainedThrough);
    if (testStart < 0) {
      throw new SeqcastError(
        'config',
        `evaluate(): the series ends at ${labels[labels.length - 1]}, inside the training period (through ${this.trainedThrough}); give data that goes past it`,
      );
    }
    const zStart = testStart - lag - cfg.window;
    if (zStart < 0) {
      throw new SeqcastError(
        'config',
        `evaluate(): the first scored row ${labels[testStart]} needs ${cfg.window + lag} rows of history before it`,
      );
    }
    const test = makeWindows(scaled.subarray(zStart * C), C, {
      window: cfg.window,
      horizon: 1,
      dtype: 'float32',
    });
    const out = this.model.predict(test.x); // [N, horizon · targets], step-major
    const H = cfg.horizon;
    const K = cfg.target.length;
    const N = test.starts.length;
    const level = levels[k];
    const at = (i: number, h: number): number => out.data[(i * H + h) * K + k];
    const rows = Int32Array.from({ length: N }, (_, i) => testStart + i);
    const previous = Float64Array.from(rows, (t) => level[t - 1]);
    const actual = Float64Array.from(rows, (t) => level[t]);
    const first = this.unscale(
      Float64Array.from({ length: N }, (_, i) => at(i, 0)),
      k,
    );
    const forecast = this.transform.inverseEach(first, previous);

    const train = level.subarray(0, testStart);
    const m = cfg.seasonalPeriod;
    const baselines = defaultBaselines(m).filter((b) => canPredict(b, testStart, m));
    const baselineForecasts: Record<string, Float64Array> = {};
    const baselineScores: Record<string, ScoreSet> = {};
    for (const b of baselines) {
      b.fit(train);
      const p = b.predict(level, rows, 1);
      baselineForecasts[b.name] = p;
      baselineScores[b.name] = scoreAll(actual, p, train, m);
    }
    const scores = scoreAll(actual, forecast, train, m);
    const comparison = compareToBaselines(scores, baselineScores);

    const warnings: Warning[] = [];
    const ex = extrapolationWarning(
      scaled.subarray(0, (testStart - lag) * C),
      scaled.subarray((testStart - lag) * C),
      cfg.transform,
    );
    if (ex !== null) warnings.push(ex);
    const lw = lagWarning(actual, forecast, previous);
    if (lw !== null) warnings.push(lw);

    const byHorizon: { step: number; rmse: number; naiveRmse: number }[] = [];
    if (H > 1) {
      for (let h = 1; h <= H; h++) {
        const a: number[] = [];
        const f: number[] = [];
        const n: number[] = [];
        for (let i = 0; i + h - 1 < N; i++) {
          const path = this.transform.inversePath(
            this.unscale(
              Array.from({ length: H }, (_, j) => at(i, j)),
              k,
            ),
            level[rows[i] - 1],
          );
          a.push(level[rows[i] + h - 1]);
          f.push(path[h - 1]);
          n.push(level[rows[i] - 1]);
        }
        byHorizon.push({ step: h, rmse: rmse(a, f), naiveRmse: rmse(a, n) });
      }
    }
    return {
      labels: Array.from(rows, (t) => labels[t]),
      actual,
      forecast,
      baselineForecasts,
      metrics: { model: scores, baselines: baselineScores },
      comparison,
      verdict: comparison.versusNaive,
      warnings,
      byHorizon,
    };
  }

  /**
   * Forecasts `steps` values of `target` (default: the first) after the series' last row, dated at its
   * frequency. Within the model's horizon this is direct; beyond it, forecasts are fed back as inputs
   * (recursive), which needs a model whose inputs are all targets (no other features).
   */
  forecast(series: Series, steps: number, target: string = this.config.target[0]): FutureForecast {
    if (!Number.isInteger(steps) || steps < 1) {
      throw new SeqcastError('config', `forecast(): steps must be an integer ≥ 1 (got ${steps})`);
    }
    const k = this.targetIndex(target, 'forecast()');
    const cfg = this.config;
    const H = cfg.horizon;
    const K = cfg.target.length;
    const C = this.columns.length;
    if (steps > H && C > K) {
      throw new SeqcastError(
        'config',
        `forecast(): ${steps} steps exceed the model's horizon of ${H}, and with input columns besides the targets ` +
          `(${this.columns.slice(K).join(', ')}) their future values are unknown; train with horizon ${steps}`,
      );
    }
    const { levels, scaled } = this.prepare(series);
    const rowsZ = scaled.length / C;
    if (rowsZ < cfg.window) {
      throw new SeqcastError(
        'config',
        `forecast(): the series has ${series.length} rows; a window of ${cfg.window} needs at least ${cfg.window + this.transform.lag}`,
      );
    }
    const window = Float32Array.from(scaled.subarray((rowsZ - cfg.window) * C));
    const zPath: number[] = [];
    while (zPath.length < steps) {
      const out = this.model.predict({ shape: [1, cfg.window, C], data: window });
      for (let h = 0; h < H && zPath.length < steps; h++) {
        zPath.push(out.data[h * K + k]);
        // slide the window by one row and append the predicted row (all columns are targets when recursing)
        window.copyWithin(0, C);
        for (let j = 0; j < K; j++) window[window.length - C + j] = out.data[h * K + j];
      }
    }
    const level = levels[k];
    const values = this.transform.inversePath(this.unscale(zPath, k), level[level.length - 1]);
    return { labels: nextLabels(series, steps), values, method: steps > H ? 'recursive' : 'direct' };
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
    const { scaled, labels } = this.prepare(series);
    const C = this.columns.length;
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

  private prepare(series: Series): { levels: Float64Array[]; scaled: Float64Array; labels: string[] } {
    const missing = this.columns.filter((c) => !series.names.includes(c));
    if (missing.length > 0) {
      throw new SeqcastError(
        'config',
        `the model was trained on the columns ${this.columns.map((c) => `'${c}'`).join(', ')}, but the data lacks ` +
          `${missing.map((c) => `'${c}'`).join(', ')} (it has ${series.names.map((c) => `'${c}'`).join(', ')}); give data with the same columns`,
      );
    }
    const levels = this.columns.map((c) => series.column(c));
    const z = transformed(levels, this.transform);
    const scaled = this.scaler === null ? z.data : this.scaler.transform(z.data);
    return { levels, scaled, labels: series.labels() };
  }

  /** Scaled values of target k back to transformed units. */
  private unscale(values: ArrayLike<number>, k: number): Float64Array {
    return this.scaler === null ? Float64Array.from(values) : this.scaler.inverseColumn(values, k);
  }
}
