/**
 * The recommended pipeline, chosen on a validation part and never on the test part.
 *
 *   rows:   [0 ……………… training part ……………… splitLevel) [splitLevel …… test part …… L)
 *           [0 … fit part … valStart) [valStart … validation)
 *
 * 1. The training part is cut from the series (a copy: nothing after it is read) and its last rows are the
 *    validation part: v = max(⌈validationFraction · splitLevel⌉, the fewest residuals that give a finite
 *    conformal quantile at the highest level + H − 1).
 * 2. Candidates, each fitted on the fit part and scored on the validation part (RMSE over every horizon
 *    1 … H pooled, as the test part is scored):
 *      - networks: the configuration given, and one variation at a time of each choice the caller left open
 *        (transform, window, model kind, units) — a choice the caller set is fixed and not searched;
 *      - every baseline (naive, seasonal naive, drift, mean, AutoETS), fitted on the fit part;
 *      - the combination: the equal-weight mean of the best network and the best baseline (combination.ts).
 *    The winner is the lowest validation RMSE (on a tie, the simpler: a baseline, then the combination).
 * 3. The winning network configuration (the best network, whatever won) is refitted on the whole training
 *    part with the same Forecaster.fit — so a fixed configuration trains bit-identically with or without the
 *    search — and scored on the test part beside every baseline (`evaluation`, today's numbers), and the
 *    recommended pipeline (network, baseline or combination) is scored there too.
 * 4. Intervals: the winner's validation residuals at each horizon calibrate split-conformal intervals
 *    (intervals.ts), used around its test-part forecasts (their coverage and interval score are reported)
 *    and around the forecast after the series' last row. The residuals come from forecasts the model did not
 *    train on; the same validation part also chose the winner, which makes the intervals a little optimistic
 *    when several candidates are close.
 */
import { SeqcastError } from '../errors.js';
import type { Baseline } from '../baselines/baselines.js';
import { naive } from '../baselines/baselines.js';
import type { ScoreSet } from '../metrics/metrics.js';
import type { BaselineComparison } from '../metrics/verdict.js';
import { compareToBaselines } from '../metrics/verdict.js';
import type { Series } from '../series/series.js';
import { forecastBaselines } from './baseline-set.js';
import { combinePaths, pathScores } from './combination.js';
import type { ForecastConfig } from './config.js';
import type { Evaluation } from './evaluation.js';
import type { Callback } from '../model/callbacks.js';
import type { FitForecasterOptions } from './forecaster.js';
import { Forecaster } from './forecaster.js';
import type { Band, IntervalQuality, IntervalScale } from './intervals.js';
import {
  DEFAULT_LEVELS,
  bands,
  checkLevels,
  conformalHalfWidths,
  intervalQuality,
  minimumResiduals,
  scaledResiduals,
} from './intervals.js';
import { prepare } from './prepare.js';
import { explicitChoices, networkName, searchGrid } from './search-grid.js';

export interface RecommendOptions {
  /** Search over the network choices left open (transform, window, model kind, units). Default true. */
  readonly search?: boolean;
  /** The share of the training rows kept for validation (at least what the intervals need). Default 0.2. */
  readonly validationFraction?: number;
  /** Interval levels. Default [0.8, 0.95]. */
  readonly levels?: readonly number[];
  /** Options of the final fit (progress callbacks, gradient flow); the candidates' fits take none. */
  readonly fit?: FitForecasterOptions;
  /**
   * Called as each fit begins (every candidate on the validation part, then the refit), for progress: its
   * callbacks are added to that fit's (callbacks report, yield or stop; they change no number).
   */
  readonly onFit?: (stage: FitStage) => { readonly callbacks?: readonly Callback[] } | undefined;
  /** The network candidates, replacing the search's (for tests and experiments). */
  readonly candidates?: readonly ForecastConfig[];
  /**
   * The known-future columns' values after the last row (the config's `knownFuture`), for the forecast after
   * the data; without them a model with known-future columns makes none (`future` is then empty).
   */
  readonly future?: Series;
}

/** One of recommend()'s fits, as it begins. */
export interface FitStage {
  /** 1-based, of `count`: the candidates, then the refit (the last). */
  readonly index: number;
  readonly count: number;
  readonly kind: 'candidate' | 'refit';
  /** The configuration fitted (a candidate's: the options as given with its variation). */
  readonly config: ForecastConfig;
}

export type CandidateKind = 'network' | 'baseline' | 'combination';

/** One candidate scored on the validation part. */
export interface Candidate {
  /** 'simpleRNN(32), window 12, logDiff', 'autoETS', 'mean of simpleRNN(32)… and autoETS'. */
  readonly name: string;
  readonly kind: CandidateKind;
  /** Validation scores, every horizon pooled. */
  readonly validation: ScoreSet;
  /** For a network: its configuration (every searched choice set). */
  readonly config?: ForecastConfig;
}

/** What the search did, and why the winner won. */
export interface Selection {
  /** The validation part: level rows [from, to] of the series, and the rows the candidates trained on. */
  readonly validation: {
    readonly from: string;
    readonly to: string;
    readonly rows: number;
    readonly fitRows: number;
  };
  /** The choices searched over, and those the caller fixed. */
  readonly searched: readonly string[];
  readonly fixed: readonly string[];
  /** Every candidate, in the order tried. */
  readonly candidates: readonly Candidate[];
  readonly winner: Candidate;
  readonly bestNetwork: Candidate;
  readonly bestBaseline: Candidate;
  /** The combination: the best network's weight (the best baseline has 1 − weight). */
  readonly combination: { readonly network: string; readonly baseline: string; readonly weight: number };
  /** One sentence: what won, by how much, against what. */
  readonly reason: string;
}

/** Split-conformal intervals: their levels and half-widths q̂ per horizon, from the validation residuals. */
export interface IntervalCalibration {
  readonly levels: readonly number[];
  /** halfWidths[level index][h − 1]; Infinity when there were too few residuals for that level. */
  readonly halfWidths: readonly (readonly number[])[];
  /** Residuals per horizon the quantiles were taken over. */
  readonly residuals: number;
  /** 'absolute': ŷ ± q̂; 'log' (a series modelled in logarithms): ŷ·e^(±q̂), q̂ on the log scale. */
  readonly scale: IntervalScale;
  readonly method: string;
}

/** The recommended pipeline on the test part. */
export interface RecommendedTest {
  readonly metrics: ScoreSet;
  readonly horizons: readonly ScoreSet[];
  /** Against naive and the best baseline, overall. */
  readonly comparison: BaselineComparison;
  readonly verdict: string;
  /** Its forecast paths [origins, H] (origins as in evaluation.paths) and their bands. */
  readonly forecast: Float64Array;
  readonly bands: readonly Band[];
  /** Coverage and interval score per level: overall, and at each horizon. */
  readonly intervals: readonly (IntervalQuality & { readonly horizons: readonly IntervalQuality[] })[];
}

/** The recommended pipeline's forecast of the H rows after the series' last row, with bands. */
export interface RecommendedFuture {
  readonly labels: readonly string[];
  readonly values: Float64Array;
  readonly bands: readonly Band[];
}

export interface Recommendation {
  /** The best network, refitted on the whole training part: what is saved and what `metrics.model` scores. */
  readonly forecaster: Forecaster;
  /** The network's test-part evaluation beside every baseline (as without the search). */
  readonly evaluation: Evaluation;
  readonly selection: Selection;
  readonly intervals: IntervalCalibration;
  /**
   * The network's own intervals (its validation residuals), for forecasts by the saved network alone
   * (`seqcast forecast`), whatever won.
   */
  readonly networkIntervals: IntervalCalibration;
  readonly test: RecommendedTest;
  readonly future: RecommendedFuture;
}

/** Forecaster.fit with the callbacks `onFit` adds for this stage (without onFit: the plain fit, as given). */
async function stagedFit(
  series: Series,
  config: ForecastConfig,
  options: RecommendOptions,
  stage: FitStage,
  fit?: FitForecasterOptions,
): Promise<Forecaster> {
  const more = options.onFit?.(stage)?.callbacks;
  return Forecaster.fit(
    series,
    config,
    more === undefined ? fit : { ...fit, callbacks: [...(fit?.callbacks ?? []), ...more] },
  );
}

/**
 * Where the validation part begins in a training part of `splitLevel` rows, or why there is no room for
 * one: it must hold enough windows for the widest interval level at every horizon and leave at least
 * max(2 × window, 24) windows to fit on.
 */
function validationPlan(
  splitLevel: number,
  reach: number,
  window: number,
  H: number,
  levels: readonly number[],
  fraction: number,
): { valStart: number } | string {
  const need = minimumResiduals(levels[levels.length - 1]) + H - 1;
  const v = Math.max(Math.ceil(fraction * splitLevel), need);
  const valStart = splitLevel - v;
  if (valStart - reach >= Math.max(2 * window, 24)) return { valStart };
  return (
    `the training part has ${splitLevel} rows; a validation part of ${v} (enough for ${Math.round(100 * levels[levels.length - 1])} % intervals ` +
    `at horizon ${H}) leaves ${valStart} to fit on, too few for a window of ${window}`
  );
}

/**
 * Why `recommend()` cannot carve a validation part from this series's training part (too short), or
 * null when it can. `seqcast train` then fits the configured network without the search and intervals.
 */
export function noRoomForValidation(
  series: Series,
  config: ForecastConfig = {},
  options: Pick<RecommendOptions, 'levels' | 'validationFraction'> = {},
): string | null {
  const levels = checkLevels(options.levels ?? DEFAULT_LEVELS, 'recommend()');
  const prepared = prepare(series, config);
  const cfg = prepared.config;
  const plan = validationPlan(
    prepared.splitLevel,
    cfg.window + prepared.transform.lag,
    cfg.window,
    cfg.horizon,
    levels,
    options.validationFraction ?? 0.2,
  );
  return typeof plan === 'string' ? plan : null;
}

const OPTIONS = ['search', 'validationFraction', 'levels', 'fit', 'onFit', 'candidates', 'future'];

/** Chooses the pipeline on validation, refits it on the training part, and scores it on the test part. */
export async function recommend(
  series: Series,
  config: ForecastConfig = {},
  options: RecommendOptions = {},
): Promise<Recommendation> {
  for (const k of Object.keys(options)) {
    if (!OPTIONS.includes(k)) {
      throw new SeqcastError(
        'config',
        `recommend(): unknown option '${k}'; the options are ${OPTIONS.join(', ')}`,
      );
    }
  }
  const levels = checkLevels(options.levels ?? DEFAULT_LEVELS, 'recommend()');
  const fraction = options.validationFraction ?? 0.2;
  if (!(fraction > 0 && fraction < 0.5)) {
    throw new SeqcastError('config', `recommend(): validationFraction must be in (0, 0.5) (got ${fraction})`);
  }
  const prepared = prepare(series, config); // every option checked; where the test part begins
  const cfg = prepared.config;
  const H = cfg.horizon;
  const m = cfg.seasonalPeriod;
  const splitLevel = prepared.splitLevel;
  const labels = series.labels();
  const plan = validationPlan(
    splitLevel,
    cfg.window + prepared.transform.lag,
    cfg.window,
    H,
    levels,
    fraction,
  );
  if (typeof plan === 'string') {
    throw new SeqcastError(
      'config',
      `recommend(): ${plan}; give a longer series, a smaller window or fewer interval levels, or fit without the validation part (Forecaster.fit)`,
    );
  }
  const valStart = plan.valStart;
  // the training part alone: a copy, so nothing the selection does can read the test part
  const trainPart = series.slice({ to: labels[splitLevel - 1] });
  const { grid, searched, fixed } = searchGrid(config, cfg, options.search ?? true, options.candidates);
  const onValidation = (c: ForecastConfig): ForecastConfig => ({
    ...c,
    trainFraction: undefined,
    splitDate: labels[valStart],
  });

  const candidates: Candidate[] = [];
  let baselineEval: Evaluation | null = null;
  let best: { candidate: Candidate; evaluation: Evaluation } | null = null;
  for (const c of grid) {
    const f = await stagedFit(trainPart, onValidation(c), options, {
      index: candidates.length + 1,
      count: grid.length + 1,
      kind: 'candidate',
      config: c,
    });
    // the baselines do not depend on the network: score them once, beside the first candidate
    const e = f.evaluate(trainPart, cfg.target[0], baselineEval === null ? forecastBaselines : naiveOnly);
    if (baselineEval === null) baselineEval = e;
    const resolved = explicitChoices(c, f.config);
    const candidate: Candidate = {
      name: networkName(f.config),
      kind: 'network',
      validation: e.metrics.model,
      config: resolved,
    };
    candidates.push(candidate);
    if (best === null || candidate.validation.rmse < best.candidate.validation.rmse)
      best = { candidate, evaluation: e };
  }
  const vp = baselineEval!.paths;
  const bestNet = best!;
  const baselineNames = Object.keys(vp.baselines);
  const baselineCandidates = baselineNames.map((n): Candidate => ({
    name: n,
    kind: 'baseline',
    validation: baselineEval!.metrics.baselines[n],
  }));
  candidates.push(...baselineCandidates);
  let bestBase = baselineCandidates[0];
  for (const b of baselineCandidates) if (b.validation.rmse < bestBase.validation.rmse) bestBase = b;
  const netPath = bestNet.evaluation.paths.model;
  const comboPath = combinePaths(netPath, vp.baselines[bestBase.name]);
  const combination: Candidate = {
    name: `mean of ${bestNet.candidate.name} and ${bestBase.name}`,
    kind: 'combination',
    validation: pathScores(vp.actual, comboPath, H, vp.scale).overall,
  };
  candidates.push(combination);
  const winner = chooseWinner(bestNet.candidate, bestBase, combination);

  // intervals from the winner's validation residuals
  const winnerPath =
    winner.kind === 'network' ? netPath : winner.kind === 'baseline' ? vp.baselines[winner.name] : comboPath;
  // a pipeline in logarithms (log, logDiff: a positive series) is calibrated on the log scale
  const netTransform = bestNet.candidate.config!.transform;
  const scale: IntervalScale = netTransform === 'log' || netTransform === 'logDiff' ? 'log' : 'absolute';
  const calibrate = (path: Float64Array, what: string): IntervalCalibration => {
    const res = scaledResiduals(vp.actual, path, scale);
    return {
      levels,
      halfWidths: levels.map((l) => conformalHalfWidths(res, H, l)),
      residuals: res.length / H,
      scale,
      method: methodText(scale, res.length / H, labels[valStart], labels[splitLevel - 1], what),
    };
  };
  const calibration = calibrate(winnerPath, 'the chosen pipeline');
  const networkCalibration = calibrate(netPath, 'the best network');

  // refit the best network on the whole training part, exactly as without the search
  const refit = bestNet.candidate.config!;
  const forecaster = await stagedFit(
    series,
    refit,
    options,
    { index: grid.length + 1, count: grid.length + 1, kind: 'refit', config: refit },
    options.fit,
  );
  const evaluation = forecaster.evaluate(series);
  const tp = evaluation.paths;
  const useBaseline =
    winner.kind !== 'network' && tp.baselines[bestBase.name] === undefined ? null : bestBase.name;
  const testPath =
    winner.kind === 'network' || useBaseline === null
      ? tp.model
      : winner.kind === 'baseline'
        ? tp.baselines[winner.name]
        : combinePaths(tp.model, tp.baselines[useBaseline]);
  const scores = pathScores(tp.actual, testPath, H, tp.scale);
  const comparison = compareToBaselines(scores.overall, evaluation.metrics.baselines);
  const testBands = bands(testPath, H, levels, calibration.halfWidths, scale);
  const quality = testBands.map((b) => {
    const horizons: IntervalQuality[] = [];
    for (let h = 0; h < H; h++) {
      const at = (x: Float64Array): Float64Array => x.filter((_, i) => i % H === h);
      horizons.push(intervalQuality(at(b.lower), at(b.upper), at(tp.actual), b.level));
    }
    return { ...intervalQuality(b.lower, b.upper, tp.actual, b.level), horizons };
  });

  // the future: H rows after the last, the baselines fitted on the training part as for the test part
  const target = cfg.target[0];
  const level = series.column(target);
  // known-future columns need their future values (options.future); without them, no forecast after the data
  const netFuture =
    cfg.knownFuture.length > 0 && options.future === undefined
      ? null
      : forecaster.forecast(series, H, {
          target,
          ...(options.future !== undefined ? { future: options.future } : {}),
        });
  const baselineFuture = (name: string): Float64Array => {
    const b = forecastBaselines(m).find((x) => x.name === name)! as Baseline;
    b.fit(level.subarray(0, splitLevel));
    return b.predict(level, [level.length], H);
  };
  const futureValues =
    netFuture === null
      ? new Float64Array(0)
      : winner.kind === 'network' || useBaseline === null
        ? netFuture.values
        : winner.kind === 'baseline'
          ? baselineFuture(winner.name)
          : combinePaths(netFuture.values, baselineFuture(useBaseline));

  const selection: Selection = {
    validation: {
      from: labels[valStart],
      to: labels[splitLevel - 1],
      rows: splitLevel - valStart,
      fitRows: valStart,
    },
    searched,
    fixed,
    candidates,
    winner,
    bestNetwork: bestNet.candidate,
    bestBaseline: bestBase,
    combination: { network: bestNet.candidate.name, baseline: bestBase.name, weight: 0.5 },
    reason:
      reasonOf(winner, bestNet.candidate, bestBase, combination) +
      (winner.kind !== 'network' && useBaseline === null
        ? `; but ${bestBase.name} could not be fitted on the whole training part, so the network is what is scored and forecast`
        : ''),
  };
  return {
    forecaster,
    evaluation,
    selection,
    intervals: calibration,
    networkIntervals: networkCalibration,
    test: {
      metrics: scores.overall,
      horizons: scores.horizons,
      comparison,
      verdict: comparison.versusNaive,
      forecast: testPath,
      bands: testBands,
      intervals: quality,
    },
    future: {
      labels: netFuture?.labels ?? [],
      values: futureValues,
      bands: bands(futureValues, H, levels, calibration.halfWidths, scale),
    },
  };
}

function methodText(scale: IntervalScale, n: number, from: string, to: string, what: string): string {
  return (
    `split conformal: the ⌈(n + 1)·level⌉-th smallest ${scale === 'log' ? '|log actual − log forecast|' : '|actual − forecast|'} ` +
    `of the ${n} validation forecasts at each horizon (${from} .. ${to}), made by ${what} fitted on the rows before them`
  );
}

/** Only naive: what later candidates are scored beside (the verdict needs it; the baselines are scored once). */
function naiveOnly(): Baseline[] {
  return [naive()];
}

/** The lowest validation RMSE; on a tie the simpler: the baseline, then the combination, then the network. */
export function chooseWinner(net: Candidate, base: Candidate, combo: Candidate): Candidate {
  let w = base;
  if (combo.validation.rmse < w.validation.rmse) w = combo;
  if (net.validation.rmse < w.validation.rmse) w = net;
  return w;
}

function reasonOf(winner: Candidate, net: Candidate, base: Candidate, combo: Candidate): string {
  const others = [net, base, combo].filter((c) => c !== winner);
  const runner = others.reduce((a, b) => (b.validation.rmse < a.validation.rmse ? b : a));
  const gain =
    runner.validation.rmse > 0
      ? (100 * (runner.validation.rmse - winner.validation.rmse)) / runner.validation.rmse
      : 0;
  const what =
    winner.kind === 'baseline'
      ? `the baseline ${winner.name} won on validation, so the recommended pipeline is that baseline (the networks did worse there)`
      : winner.kind === 'combination'
        ? `the combination (${winner.name}) won on validation`
        : `the network ${winner.name} won on validation`;
  return `${what}: RMSE ${fmt(winner.validation.rmse)}, ${gain.toFixed(1)} % below the runner-up ${runner.name} (${fmt(runner.validation.rmse)})`;
}

function fmt(x: number): string {
  return Math.abs(x) >= 100 ? x.toFixed(1) : x.toPrecision(4);
}
