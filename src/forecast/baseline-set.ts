/** The baselines every forecast score is shown beside: the one list evaluation and backtest use. */
import type { Baseline } from '../baselines/baselines.js';
import { defaultBaselines } from '../baselines/baselines.js';

/** naive, seasonalNaive(m) (m ≥ 2), drift and mean. */
export function forecastBaselines(m: number): Baseline[] {
  return defaultBaselines(m);
}
