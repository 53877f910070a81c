export type { ClipOptions, ClipReport, ParamSegment } from './clip.js';
export { clipGradients } from './clip.js';
export type {
  AdamOptions,
  EpsilonPlacement,
  OptimizerName,
  OptimizerSpec,
  RMSpropOptions,
  SGDOptions,
} from './optimizers.js';
export { Adam, adam, getOptimizer, Optimizer, RMSprop, rmsprop, SGD, sgd } from './optimizers.js';
export type { ExponentialDecayOptions, LearningRateSchedule } from './schedules.js';
export { exponentialDecay } from './schedules.js';
