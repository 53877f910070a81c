export type { NamedTensor, SequentialOptions } from './sequential.js';
export { Sequential, sequential } from './sequential.js';
