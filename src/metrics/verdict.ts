/**
 * Plain sentences that compare a model's error with a baseline's (lower is better), so a report says
 * "worse than naive by 12.3 % RMSE" instead of leaving the reader to divide two numbers.
 *
 *     ratio = model / baseline,  percent = (1 − ratio) · 100
 *     |percent| ≤ 0.05        "ties naive on RMSE"
 *     ratio < 1               "beats naive by 5.1 % RMSE"              (percent, one decimal)
 *     1 < ratio < 1.5         "worse than naive by 12.3 % RMSE"        (−percent, one decimal)
 *     ratio ≥ 1.5             "8.1× worse than naive on RMSE"          (ratio, one decimal)
 */
import { SeqcastError } from '../errors.js';
import { skill } from './metrics.js';

export interface VerdictOptions {
  /** The metric's name as printed (default 'RMSE'). */
  readonly metric?: string;
  /** The baseline's name as printed (default 'naive'). */
  readonly baselineName?: string;
}

/** Below this distance in percent, model and baseline tie. */
const TIE_PERCENT = 0.05;
/** From this ratio on, the verdict says "N× worse" rather than a percentage. */
const TIMES_WORSE_RATIO = 1.5;

/** One sentence comparing a model's error score with a baseline's on the same metric (lower is better). */
export function verdict(model: number, baseline: number, options: VerdictOptions = {}): string {
  const metric = options.metric ?? 'RMSE';
  const name = options.baselineName ?? 'naive';
  if (!Number.isFinite(model) || model < 0) {
    throw new SeqcastError(
      'non-finite',
      `verdict(): model must be a finite error score ≥ 0 (got ${model}); pass a metric such as rmse()`,
    );
  }
  if (!Number.isFinite(baseline) || baseline <= 0) {
    throw new SeqcastError(
      'config',
      `verdict(): baseline must be a finite error score > 0 (got ${baseline}); a baseline with zero error ` +
        `leaves nothing to compare against`,
    );
  }
  const ratio = model / baseline;
  const percent = (1 - ratio) * 100;
  if (Math.abs(percent) <= TIE_PERCENT) return `ties ${name} on ${metric}`;
  if (ratio < 1) return `beats ${name} by ${percent.toFixed(1)} % ${metric}`;
  if (ratio >= TIMES_WORSE_RATIO) return `${ratio.toFixed(1)}× worse than ${name} on ${metric}`;
  return `worse than ${name} by ${(-percent).toFixed(1)} % ${metric}`;
}

/** Anything that carries an RMSE, such as the ScoreSet of `scoreAll`. */
export interface RmseScore {
  readonly rmse: number;
}

/** How a model compares with a set of baselines on RMSE. */
export interface BaselineComparison {
  /** The baseline with the lowest RMSE (the first one listed, on a tie). */
  readonly bestBaseline: string;
  readonly bestBaselineRmse: number;
  /** The verdict against 'naive', e.g. "beats naive by 5.1 % RMSE". */
  readonly versusNaive: string;
  /** The verdict against the best baseline (the same as versusNaive when naive is the best). */
  readonly versusBest: string;
  /** 1 − model / naive on RMSE; null when naive is exact (RMSE 0), which leaves no skill to measure. */
  readonly skillVersusNaive: number | null;
  /** 1 − model / best baseline on RMSE; null when that baseline is exact. */
  readonly skillVersusBest: number | null;
  /** Both verdicts in one line. */
  readonly summary: string;
}

/**
 * Compares a model's scores with every baseline's on RMSE: finds the best baseline and gives the verdicts
 * against 'naive' (which must be among the baselines) and against the best one.
 */
export function compareToBaselines(
  modelScores: RmseScore,
  baselineScores: Readonly<Record<string, RmseScore>>,
): BaselineComparison {
  const names = Object.keys(baselineScores);
  if (!Object.hasOwn(baselineScores, 'naive')) {
    throw new SeqcastError(
      'config',
      `compareToBaselines(): baselineScores needs a 'naive' entry (got ${names.length === 0 ? 'none' : names.map((n) => `'${n}'`).join(', ')}); ` +
        `score naive() too (defaultBaselines() includes it)`,
    );
  }
  for (const name of names) {
    const score = baselineScores[name].rmse;
    if (!Number.isFinite(score) || score < 0) {
      throw new SeqcastError(
        'config',
        `compareToBaselines(): baselineScores['${name}'].rmse must be a finite number ≥ 0 (got ${score})`,
      );
    }
  }
  let best = names[0];
  for (const name of names) {
    if (baselineScores[name].rmse < baselineScores[best].rmse) best = name;
  }
  const model = modelScores.rmse;
  const naiveRmse = baselineScores['naive'].rmse;
  const bestRmse = baselineScores[best].rmse;
  // A baseline can be exact (a constant test part, for naive): say so rather than divide by its zero.
  const against = (rmse: number, name: string): string =>
    rmse > 0
      ? verdict(model, rmse, { baselineName: name })
      : model === 0
        ? `ties ${name} on RMSE (both exact)`
        : `worse than ${name}, which is exact on this test part (RMSE 0)`;
  const versusNaive = against(naiveRmse, 'naive');
  const versusBest = against(bestRmse, best);
  const summary =
    best === 'naive'
      ? `${versusNaive} (naive is the best baseline)`
      : `${versusNaive}; ${versusBest} (${best} is the best baseline)`;
  return {
    bestBaseline: best,
    bestBaselineRmse: bestRmse,
    versusNaive,
    versusBest,
    skillVersusNaive: naiveRmse > 0 ? skill(model, naiveRmse) : null,
    skillVersusBest: bestRmse > 0 ? skill(model, bestRmse) : null,
    summary,
  };
}
