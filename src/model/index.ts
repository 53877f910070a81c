export type { NamedTensor, SequentialOptions } from './sequential.js';
export { Sequential, sequential } from './sequential.js';
export type { Loss, LossName, LossSpec } from './losses.js';
export { getLoss, huber, meanAbsoluteError, meanSquaredError } from './losses.js';
