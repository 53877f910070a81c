export { forecasterFromArtifacts, forecasterToArtifacts } from './artifacts.js';
export type { ForecastConfig, ModelKind, ResolvedConfig } from './config.js';
export { MODEL_KINDS } from './config.js';
export type { CalendarFeature } from './covariates.js';
export { CALENDAR_FEATURES } from './covariates.js';
export type {
  Evaluation,
  FitForecasterOptions,
  ForecastOptions,
  RecursionInfo,
  FitInfo,
  ForecasterState,
  FutureForecast,
} from './forecaster.js';
export { Forecaster } from './forecaster.js';
export { seasonalPeriodOf } from './pipeline.js';
export type { Warning } from './guards.js';
export { extrapolationWarning, lagWarning } from './guards.js';
export type { BacktestOptions, BacktestResult, BacktestScore, Fold, FoldResult } from './backtest.js';
export { backtest, walkForwardFolds } from './backtest.js';
export { forecastBaselines } from './baseline-set.js';
export type { HorizonLoss, HorizonScores } from './evaluation.js';
export type { EvaluationPaths } from './evaluation.js';
export type { Band, IntervalQuality } from './intervals.js';
export {
  DEFAULT_LEVELS,
  bands,
  conformalHalfWidths,
  conformalQuantile,
  intervalQuality,
  intervalScore,
} from './intervals.js';
export { COMBINATION_WEIGHT, combinePaths } from './combination.js';
export type {
  Candidate,
  FitStage,
  IntervalCalibration,
  Recommendation,
  RecommendOptions,
  RecommendedFuture,
  RecommendedTest,
  Selection,
} from './select.js';
export { noRoomForValidation, recommend } from './select.js';
export type { SavedIntervals } from './saved-intervals.js';
export type { BacktestIntervals } from './backtest-intervals.js';
