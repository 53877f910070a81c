/**
 * Builds a layer from its class name and a plain config object (camelCase keys, as `getConfig` writes them
 * and as the conformance cases state them). Unknown classes and unknown options are rejected by name.
 */
import { SeqcastError } from '../errors.js';
import { Bidirectional } from './bidirectional.js';
import { Dense } from './dense.js';
import { GRU } from './gru.js';
import type { Layer } from './layer.js';
import { LSTM } from './lstm.js';
import { Recurrent } from './recurrent.js';
import { SimpleRNN } from './simple-rnn.js';

export const LAYER_CLASSES = ['Dense', 'SimpleRNN', 'LSTM', 'GRU', 'Bidirectional'] as const;

export function layerFromConfig(className: string, config: Readonly<Record<string, unknown>>): Layer {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new SeqcastError(
      'config',
      `${className}: config must be an object (got ${JSON.stringify(config)})`,
    );
  }
  switch (className) {
    case 'Dense':
      return new Dense(config as never);
    case 'SimpleRNN':
      return new SimpleRNN(config as never);
    case 'LSTM':
      return new LSTM(config as never);
    case 'GRU':
      return new GRU(config as never);
    case 'Bidirectional': {
      const { layer, ...options } = config as { layer?: unknown };
      const inner = layer as { type?: unknown; className?: unknown; config?: unknown } | undefined;
      const innerClass = inner?.className ?? inner?.type;
      if (inner === undefined || typeof innerClass !== 'string' || typeof inner.config !== 'object') {
        throw new SeqcastError(
          'config',
          'Bidirectional: config.layer must be { className (or type): "SimpleRNN" | "LSTM" | "GRU", config: {...} }',
        );
      }
      const wrapped = layerFromConfig(innerClass, inner.config as Record<string, unknown>);
      if (!(wrapped instanceof Recurrent)) {
        throw new SeqcastError(
          'config',
          `Bidirectional: can only wrap SimpleRNN, LSTM or GRU (got ${innerClass})`,
        );
      }
      return new Bidirectional(wrapped, options as never);
    }
    default:
      throw new SeqcastError(
        'config',
        `unknown layer class '${className}'; seqcast has ${LAYER_CLASSES.map((c) => `'${c}'`).join(', ')}`,
      );
  }
}
