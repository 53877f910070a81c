export { classifierFromArtifacts, classifierToArtifacts } from './artifacts.js';
export type { BaselinePrediction, SummaryBaseline } from './baselines.js';
export {
  bagOfWords,
  fitBagOfWords,
  fitSummaryBaseline,
  majorityClass,
  predictMajority,
  predictSummaryBaseline,
  summaryStatistics,
} from './baselines.js';
export type { LabelledTexts, ReadLabelledCsvOptions } from './csv.js';
export type { LabelledSeries, ReadSeriesCsvOptions } from './series-csv.js';
export { readLabelledSeriesCsv } from './series-csv.js';
export { readLabelledCsv } from './csv.js';
export type { ClassifierFitInfo, ClassPrediction, FitClassifierOptions } from './classifier.js';
export { SequenceClassifier } from './classifier.js';
export type {
  ClassifierModelKind,
  ClassifyConfig,
  ClassWeightMode,
  ResolvedClassifyConfig,
  SampleKind,
} from './config.js';
export { resolveClassifyConfig } from './config.js';
export type { Label, LabelledData, Samples, Sequence } from './data.js';
export { classesOf } from './data.js';
export type { BaselineName, ClassifierEvaluation, ClassifierWarning, ScoreSummary } from './evaluation.js';
export type { LogisticOptions, LogisticState, SparseRows } from './logistic.js';
export { fitLogistic, LogisticRegression, sparseFromDense } from './logistic.js';
export type { ClassScores, ClassificationScores } from './scores.js';
export {
  accuracy,
  balancedAccuracy,
  classificationScores,
  confusionMatrix,
  perClassScores,
  rocAuc,
  wilsonInterval,
} from './scores.js';
export type { StratifiedSplit, StratifiedSplitOptions } from './split.js';
export { stratifiedSplit } from './split.js';
export type { BaselineState, ClassifierState } from './state.js';
export type {
  SplitMode,
  Standardize,
  TextVectorizerOptions,
  TextVectorizerState,
} from './text-vectorizer.js';
export { TextVectorizer, textVectorizer, textVectorizerFromState } from './text-vectorizer.js';
export type { WordTrace } from './word-trace.js';
export { wordTrace } from './word-trace.js';
export type { WordPlotOptions, WordPlotText } from './word-plot.js';
export { wordTracePlotSpec } from './word-plot.js';
