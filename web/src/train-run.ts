/**
 * The forecasting worker's training run, as `seqcast train` makes it (src/cli/train.ts): recommend() — the
 * validation search over the network choices left open, every baseline and their combination, conformal
 * intervals at 80 % and 95 % — or, for a short series, the 80 % intervals only, or, for one too short for
 * any validation part, the configured network fitted as it is, with a note saying so.
 *
 * Progress. recommend() passes its `fit` options to the final refit only and fits its candidates with none,
 * so while it runs `Forecaster.fit` is wrapped: each call posts its stage ("candidate 2 of 5 …", then the
 * refit: the call with options) and gets the page's callbacks, made as it starts. Callbacks change no
 * number (they report, yield, and stop when asked), so the candidates train exactly as recommend() trains
 * them. The wrapper is removed when recommend() returns or fails. A `RecommendOptions` option for the
 * candidates' fits would make it unnecessary.
 */
import type {
  Callback,
  Evaluation,
  FitForecasterOptions,
  ForecastConfig,
  Recommendation,
  Series,
} from 'seqcast';
import {
  DEFAULT_LEVELS,
  Forecaster,
  contextOf,
  noRoomForValidation,
  recommend,
  resolveConfig,
  searchGrid,
} from 'seqcast';

export interface TrainRun {
  readonly forecaster: Forecaster;
  readonly evaluation: Evaluation;
  /** Null when the series left no room for a validation part. */
  readonly recommendation: Recommendation | null;
  /** Why there is no search and no intervals, or why only 80 %; null otherwise. */
  readonly note: string | null;
}

export interface RunHooks {
  /** Fit `index` (1-based) of `count` begins. */
  stage(index: number, count: number, text: string): void;
  /** The callbacks of one fit (progress, yielding, stop); called once per fit. */
  callbacks(): Callback[];
  /** A fit ended (with its epochs trained). */
  fitted(f: Forecaster): void;
}

export async function trainRun(
  series: Series,
  config: ForecastConfig,
  search: boolean,
  hooks: RunHooks,
): Promise<TrainRun> {
  const tooShort = noRoomForValidation(series, config);
  const levels = tooShort === null ? DEFAULT_LEVELS : [0.8];
  const noRoom = tooShort === null ? null : noRoomForValidation(series, config, { levels });
  if (noRoom !== null) {
    hooks.stage(1, 1, 'the configured network, on the whole training part');
    const f = await Forecaster.fit(series, config, { callbacks: hooks.callbacks(), gradientFlow: true });
    hooks.fitted(f);
    const note = `no validation search and no prediction intervals: ${noRoom}; the configured network was fitted on the whole training part`;
    return { forecaster: f, evaluation: withWarning(f.evaluate(series), note), recommendation: null, note };
  }
  const grid = searchGrid(config, resolveConfig(config, contextOf(series)), search).grid;
  const count = grid.length + 1;
  let fits = 0;
  const fit = Forecaster.fit;
  Forecaster.fit = async (s: Series, c?: ForecastConfig, o?: FitForecasterOptions): Promise<Forecaster> => {
    fits += 1;
    const final = o !== undefined;
    hooks.stage(
      final ? count : Math.min(fits, count - 1),
      count,
      final
        ? 'the best network, refitted on the whole training part'
        : `candidate ${fits} of ${grid.length} on the validation part: ${variation(grid[0], grid[fits - 1])}`,
    );
    // the callbacks are made when the fit starts, so that each sees the run's state then (a Stop's budget)
    const f = await fit.call(Forecaster, s, c, {
      ...o,
      callbacks: [...(o?.callbacks ?? []), ...hooks.callbacks()],
    });
    hooks.fitted(f);
    return f;
  };
  let r: Recommendation;
  try {
    r = await recommend(series, config, {
      search,
      levels,
      fit: { gradientFlow: true }, // the Inside panel's training-time flow; the wrapper adds the callbacks
    });
  } finally {
    Forecaster.fit = fit;
  }
  const note =
    tooShort === null ? null : `80 % intervals only: ${tooShort}; the 80 % level needs fewer validation rows`;
  return {
    forecaster: r.forecaster,
    evaluation: note === null ? r.evaluation : withWarning(r.evaluation, note),
    recommendation: r,
    note,
  };
}

/** What a candidate changes from the configuration as given (searchGrid varies one choice at a time). */
function variation(base: ForecastConfig | undefined, c: ForecastConfig | undefined): string {
  if (base === undefined || c === undefined) return 'a network';
  if (c === base) return 'the configuration as given';
  const changed: string[] = [];
  if (c.transform !== base.transform) changed.push(`transform ${c.transform}`);
  if (c.window !== base.window) changed.push(`window ${c.window}`);
  if (c.model?.kind !== base.model?.kind) changed.push(`${c.model?.kind}`);
  if (c.model?.units !== base.model?.units) changed.push(`${c.model?.units} units`);
  return changed.length === 0 ? 'a network' : changed.join(', ');
}

/** The evaluation with one more warning (as `seqcast train` adds it). */
function withWarning(e: Evaluation, message: string): Evaluation {
  return { ...e, warnings: [...e.warnings, { kind: 'validation', message }] };
}
