/** The baselines every forecast score is shown beside: the one list evaluation and backtest use. */
import { MIN_TRAIN, autoETS } from '../baselines/auto-ets.js';
import type { Baseline } from '../baselines/baselines.js';
import { defaultBaselines } from '../baselines/baselines.js';

/**
 * naive, seasonalNaive(m) (m ≥ 2), drift and mean, and AutoETS (fitted on the training part only, then run
 * through the test part with its parameters held fixed).
 */
export function forecastBaselines(m: number): Baseline[] {
  return [...defaultBaselines(m), autoETS(m)];
}

/** Whether baseline b can forecast from the first origin (the training part's length) with season m. */
export function canPredict(b: Baseline, firstOrigin: number, m: number): boolean {
  if (b.name.startsWith('seasonalNaive')) return firstOrigin >= m;
  if (b.name === 'autoETS') return firstOrigin >= MIN_TRAIN;
  return true;
}
