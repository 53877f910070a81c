export type { Baseline } from './baselines.js';
export { defaultBaselines, drift, mean, movingAverage, naive, seasonalNaive } from './baselines.js';
export type { AutoEtsBaseline } from './auto-ets.js';
export { autoETS } from './auto-ets.js';
export type { EtsFit, EtsParams, EtsSpec } from './ets.js';
export { etsFilter, etsForecast } from './ets.js';
export { selectEts, fitEts } from './ets-fit.js';
