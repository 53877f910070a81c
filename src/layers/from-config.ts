/**
 * The layer registry: the descriptor of every layer class, by class name. It builds a layer from its class
 * name and a plain config object (camelCase keys, as `getConfig` writes them and as the conformance cases
 * state them); the topology code reads and writes Keras configs through the same descriptors. Unknown
 * classes and unknown options are rejected by name.
 */
import { SeqcastError } from '../errors.js';
import { listKeys } from '../options.js';
import { BIDIRECTIONAL_LAYER } from './bidirectional.js';
import { DENSE_LAYER } from './dense.js';
import { DROPOUT_LAYER } from './dropout.js';
import type { LayerDescriptor } from './descriptor.js';
import { EMBEDDING_LAYER } from './embedding.js';
import { GLOBAL_AVERAGE_POOLING_1D_LAYER } from './global-average-pooling-1d.js';
import { GRU_LAYER } from './gru.js';
import type { Layer, LayerClass } from './layer.js';
import { LSTM_LAYER } from './lstm.js';
import { MASKING_LAYER } from './masking.js';
import { SIMPLE_RNN_LAYER } from './simple-rnn.js';
import { SPATIAL_DROPOUT_1D_LAYER } from './spatial-dropout-1d.js';
import { TIME_DISTRIBUTED_LAYER } from './time-distributed.js';

const DESCRIPTORS: { readonly [C in LayerClass]: LayerDescriptor } = {
  Dense: DENSE_LAYER,
  Embedding: EMBEDDING_LAYER,
  SimpleRNN: SIMPLE_RNN_LAYER,
  LSTM: LSTM_LAYER,
  GRU: GRU_LAYER,
  Bidirectional: BIDIRECTIONAL_LAYER,
  Masking: MASKING_LAYER,
  Dropout: DROPOUT_LAYER,
  GlobalAveragePooling1D: GLOBAL_AVERAGE_POOLING_1D_LAYER,
  SpatialDropout1D: SPATIAL_DROPOUT_1D_LAYER,
  TimeDistributed: TIME_DISTRIBUTED_LAYER,
};

export const LAYER_CLASSES = Object.keys(DESCRIPTORS) as readonly LayerClass[];

/** The descriptor of a layer class, or undefined for a class seqcast does not have. */
export function layerDescriptor(className: unknown): LayerDescriptor | undefined {
  return typeof className === 'string' && Object.hasOwn(DESCRIPTORS, className)
    ? DESCRIPTORS[className as LayerClass]
    : undefined;
}

export function layerFromConfig(className: string, config: Readonly<Record<string, unknown>>): Layer {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new SeqcastError(
      'config',
      `${className}: config must be an object (got ${JSON.stringify(config)})`,
    );
  }
  const descriptor = layerDescriptor(className);
  if (descriptor === undefined) {
    throw new SeqcastError(
      'config',
      `unknown layer class '${className}'; seqcast has ${listKeys(LAYER_CLASSES)}`,
    );
  }
  return descriptor.fromConfig(config, layerFromConfig);
}
