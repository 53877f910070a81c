/**
 * seqcast: recurrent networks (SimpleRNN, LSTM, GRU, Bidirectional, Dense) with Keras semantics and
 * weight layouts, trained by exact backpropagation through time over Float32Array, for Node and the browser.
 *
 * This entry holds what programs call. Two subpaths hold the rest:
 *   seqcast/kernels       backends, activation functions, the plain reference steps, buffer helpers
 *   seqcast/conformance   reading and running conformance cases
 * and seqcast/node adds folders (saving and loading) and rendering plots to SVG and PNG.
 */
export * from './baselines/index.js';
export * from './classify/index.js';
export type { SeqcastErrorCode } from './errors.js';
export * from './explain/index.js';
export { SeqcastError } from './errors.js';
export type { Initializer } from './initializers.js';
export { initialize } from './initializers.js';
export * from './forecast/index.js';
export type { Activation, Backend, BackendChoice, BackendName } from './kernels/index.js';
export { ACTIVATIONS, availableBackends, resolveBackend, setDefaultBackend } from './kernels/index.js';
export type {
  BidirectionalOptions,
  BuildContext,
  DenseActivation,
  DenseOptions,
  DropoutOptions,
  EmbeddingOptions,
  EmbeddingsInitializer,
  GlobalAveragePooling1DOptions,
  GRUOptions,
  Layer,
  LayerClass,
  LSTMOptions,
  MaskingOptions,
  MergeMode,
  RecurrentCell,
  RecurrentGradients,
  RecurrentOptions,
  RecurrentOutput,
  SimpleRNNOptions,
  SpatialDropout1DOptions,
  StepMask,
  TimeDistributedOptions,
  WeightSpec,
} from './layers/index.js';
export {
  Bidirectional,
  bidirectional,
  Dense,
  dense,
  Dropout,
  dropout,
  Embedding,
  embedding,
  GlobalAveragePooling1D,
  globalAveragePooling1D,
  GRU,
  gru,
  GRUCell,
  LAYER_CLASSES,
  layerFromConfig,
  LSTM,
  lstm,
  LSTMCell,
  Masking,
  masking,
  MERGE_MODES,
  Recurrent,
  SimpleRNN,
  simpleRNN,
  SimpleRNNCell,
  SpatialDropout1D,
  spatialDropout1D,
  TimeDistributed,
  timeDistributed,
} from './layers/index.js';
export * from './metrics/index.js';
export * from './model/index.js';
export type { KerasLoadOptions } from './model/keras/load.js';
export { fromKerasFile, toKerasFile } from './model/keras/load.js';
export type {
  FromPyTorchOptions,
  PyTorchMapping,
  PyTorchTensor,
  ReadSafetensorsOptions,
  SafeTensor,
  SafeTensorInput,
  SafetensorsDType,
  StateDict,
} from './model/pytorch/index.js';
export { fromPyTorch, readSafetensors, writeSafetensors } from './model/pytorch/index.js';
export { ONNX_INPUT, ONNX_OUTPUT, toOnnx } from './model/onnx/to-onnx.js';
export type { ClipOptions, ClipReport, ParamSegment } from './optim/index.js';
export {
  Adam,
  adam,
  exponentialDecay,
  getOptimizer,
  Optimizer,
  RMSprop,
  rmsprop,
  SGD,
  sgd,
} from './optim/index.js';
export type {
  AdamOptions,
  EpsilonPlacement,
  ExponentialDecayOptions,
  LearningRateSchedule,
  OptimizerName,
  OptimizerSpec,
  RMSpropOptions,
  SGDOptions,
} from './optim/index.js';
export * from './prep/index.js';
export { Random } from './random.js';
export * from './report/index.js';
export * from './series/index.js';
export type { DType, FloatArray, Shape, Tensor } from './tensor.js';
export { formatShape, tensor, zeros } from './tensor.js';
