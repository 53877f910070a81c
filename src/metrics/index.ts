export type { MapeOptions, MapeReport, ScoreSet } from './metrics.js';
export {
  mae,
  mape,
  mapeReport,
  mase,
  maskedNaiveScale,
  rmse,
  scoreAll,
  scoreScaled,
  skill,
  smape,
} from './metrics.js';
export type { BaselineComparison, RmseScore, VerdictOptions } from './verdict.js';
export { compareToBaselines, verdict } from './verdict.js';
