export type { Baseline } from './baselines.js';
export { defaultBaselines, drift, mean, movingAverage, naive, seasonalNaive } from './baselines.js';
