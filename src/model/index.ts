export type {
  BatchLogs,
  Callback,
  EarlyStoppingOptions,
  EpochLogs,
  ReduceLROnPlateauOptions,
  TrainingInfo,
} from './callbacks.js';
export { EarlyStopping, earlyStopping, ReduceLROnPlateau, reduceLROnPlateau } from './callbacks.js';
export type { CompiledModel, CompileOptions } from './compile.js';
export type { ConfusionMetricOptions, Metric, MetricName, MetricSpec } from './training-metrics.js';
export { METRICS, precision, recall } from './training-metrics.js';
export type { EvaluateOptions, FitOptions, History, PredictOptions, StopReport } from './fit.js';
export type { NestedArray, TensorLike } from './inputs.js';
export { toTensor } from './inputs.js';
export type {
  BinaryCrossentropyOptions,
  CategoricalCrossentropyOptions,
  Loss,
  LossName,
  LossSpec,
  SparseCategoricalCrossentropyOptions,
} from './losses.js';
export {
  binaryCrossentropy,
  categoricalCrossentropy,
  getLoss,
  huber,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from './losses.js';
export type { ClassWeight, SampleWeightLike } from './weights.js';
export type { NamedTensor, SequentialOptions } from './sequential.js';
export { Sequential, sequential } from './sequential.js';
export type {
  ArtifactsInput,
  LoadLimits,
  ModelArtifacts,
  ModelJson,
  WeightBytes,
  WeightsManifestEntry,
  WeightsManifestGroup,
} from './artifacts.js';
export { fromArtifacts, readMetadata, SEQCAST_VERSION, toArtifacts } from './artifacts.js';
