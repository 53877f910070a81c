/**
 * The forecasting worker's training run, as `seqcast train` makes it (src/cli/train.ts): recommend() — the
 * validation search over the network choices left open, every baseline and their combination, conformal
 * intervals at 80 % and 95 % — or, for a short series, the 80 % intervals only, or, for one too short for
 * any validation part, the configured network fitted as it is, with a note saying so.
 *
 * Progress: recommend()'s `onFit` announces each fit as it begins (every candidate on the validation part,
 * then the refit) and takes the page's callbacks for it, made as it starts (so each sees the run's state
 * then, a Stop's budget). Callbacks change no number: the candidates train exactly as without the page.
 */
import type { Callback, Evaluation, ForecastConfig, Recommendation, Series } from 'seqcast';
import { DEFAULT_LEVELS, Forecaster, noRoomForValidation, recommend } from 'seqcast';

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
  /** A fit ended after `epochs` epochs. */
  fitted(epochs: number): void;
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
    hooks.fitted(f.history?.epoch.length ?? 0);
    const note = `no validation search and no prediction intervals: ${noRoom}; the configured network was fitted on the whole training part`;
    return { forecaster: f, evaluation: withWarning(f.evaluate(series), note), recommendation: null, note };
  }
  let base: ForecastConfig | undefined;
  const r = await recommend(series, config, {
    search,
    levels,
    fit: { gradientFlow: true }, // the Inside panel's training-time flow
    onFit: (stage) => {
      if (stage.kind === 'candidate' && stage.index === 1) base = stage.config;
      hooks.stage(
        stage.index,
        stage.count,
        stage.kind === 'refit'
          ? 'the best network, refitted on the whole training part'
          : `candidate ${stage.index} of ${stage.count - 1} on the validation part: ${variation(base, stage.config)}`,
      );
      return { callbacks: [...hooks.callbacks(), epochCount(hooks)] };
    },
  });
  const note =
    tooShort === null ? null : `80 % intervals only: ${tooShort}; the 80 % level needs fewer validation rows`;
  return {
    forecaster: r.forecaster,
    evaluation: note === null ? r.evaluation : withWarning(r.evaluation, note),
    recommendation: r,
    note,
  };
}

/** Tells `hooks.fitted` how many epochs a fit trained. */
function epochCount(hooks: RunHooks): Callback {
  let epochs = 0;
  return {
    onEpochEnd() {
      epochs += 1;
    },
    onTrainEnd() {
      hooks.fitted(epochs);
    },
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
