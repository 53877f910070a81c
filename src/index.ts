/**
 * seqcast: recurrent networks (SimpleRNN, LSTM, GRU, Bidirectional, Dense) with Keras semantics and
 * weight layouts, trained by exact backpropagation through time over Float32Array, for Node and the browser.
 */
export * from './baselines/index.js';
export * from './conformance/index.js';
export type { SeqcastErrorCode } from './errors.js';
export * from './explain/index.js';
export { SeqcastError } from './errors.js';
export type { Initializer } from './initializers.js';
export { initialize } from './initializers.js';
export * from './forecast/index.js';
export * from './kernels/index.js';
export * from './layers/index.js';
export * from './metrics/index.js';
export * from './model/index.js';
export * from './optim/index.js';
export * from './prep/index.js';
export { Random } from './random.js';
export * from './report/index.js';
export * from './series/index.js';
export type { DType, FloatArray, Shape, Tensor } from './tensor.js';
export { allocate, cloneTensor, firstNonFinite, formatShape, sizeOf, tensor, zeros } from './tensor.js';
