export type { BidirectionalConfig, BidirectionalOptions, MergeMode } from './bidirectional.js';
export { Bidirectional, bidirectional, MERGE_MODES } from './bidirectional.js';
export type { RecurrentCell } from './cell.js';
export type { DenseActivation, DenseConfig, DenseOptions } from './dense.js';
export { Dense, dense } from './dense.js';
export type { DropoutConfig, DropoutOptions } from './dropout.js';
export { Dropout, dropout } from './dropout.js';
export type { EmbeddingConfig, EmbeddingOptions, EmbeddingsInitializer } from './embedding.js';
export { Embedding, embedding } from './embedding.js';
export { LAYER_CLASSES, layerFromConfig } from './from-config.js';
export type {
  GlobalAveragePooling1DConfig,
  GlobalAveragePooling1DOptions,
} from './global-average-pooling-1d.js';
export { GlobalAveragePooling1D, globalAveragePooling1D } from './global-average-pooling-1d.js';
export type { GRUConfig, GRUOptions } from './gru.js';
export { GRU, gru, GRUCell, gruStepNaive } from './gru.js';
export type { BuildContext, Layer, LayerClass, WeightSpec } from './layer.js';
export type { LSTMConfig, LSTMOptions } from './lstm.js';
export type { StepMask } from './mask.js';
export type { MaskingConfig, MaskingOptions } from './masking.js';
export { Masking, masking } from './masking.js';
export { LSTM, lstm, LSTMCell, lstmStepNaive } from './lstm.js';
export type { RecurrentGradients, RecurrentOutput } from './recurrent.js';
export type * from './recurrent-options.js';
export { Recurrent } from './recurrent.js';
export type { SimpleRNNConfig, SimpleRNNOptions } from './simple-rnn.js';
export { SimpleRNN, simpleRNN, SimpleRNNCell, simpleRnnStepNaive } from './simple-rnn.js';
export type { SpatialDropout1DConfig, SpatialDropout1DOptions } from './spatial-dropout-1d.js';
export { SpatialDropout1D, spatialDropout1D } from './spatial-dropout-1d.js';
export type { TimeDistributedOptions } from './time-distributed.js';
export { TimeDistributed, timeDistributed } from './time-distributed.js';
