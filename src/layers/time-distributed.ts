/**
 * TimeDistributed (Keras `TimeDistributed`, keras/src/layers/core/wrapper.py's subclass in rnn/): the wrapped
 * layer applied to every time step on its own, [B, T, F] → [B, T, U]. seqcast wraps a Dense, whose forward
 * and backward already work row by row on [B, T, F] (dense.ts): TimeDistributed(Dense) is that Dense, with
 * the check that its input is a sequence. Its weights are the Dense's (`kernel`, `bias`), named after the
 * TimeDistributed layer (`time_distributed/kernel`), as Keras 2 and TF.js name them; the mask passes on.
 */
import { SeqcastError } from '../errors.js';
import { checkOptions, listKeys, unknownKey } from '../options.js';
import type { FloatArray, Shape, Tensor } from '../tensor.js';
import { formatShape } from '../tensor.js';
import { Dense } from './dense.js';
import type { LayerDescriptor } from './descriptor.js';
import { fail, isJson, KERAS_HEAD_KEYS, prefixed } from './descriptor.js';
import type { BuildContext, Layer, WeightSpec } from './layer.js';

export interface TimeDistributedOptions {
  readonly name?: string;
}

/**
 * TimeDistributed's descriptor. Its configs hold the wrapped layer: camelCase `layer: { className, config }`,
 * Keras `layer: { class_name, config }`.
 */
export const TIME_DISTRIBUTED_LAYER: LayerDescriptor = {
  className: 'TimeDistributed',
  fromConfig(config, readLayer) {
    const { layer, ...options } = config;
    const inner = layer as { className?: unknown; config?: unknown } | undefined;
    if (!isJson(inner) || typeof inner.className !== 'string' || !isJson(inner.config)) {
      fail('TimeDistributed: config.layer must be { className: "Dense", config: {...} }');
    }
    return new TimeDistributed(
      denseOnly(readLayer(inner.className, inner.config), inner.className, 'TimeDistributed'),
      options as TimeDistributedOptions,
    );
  },
  toKeras(layer, writeLayer) {
    const inner = (layer as TimeDistributed).layer;
    return { layer: writeLayer(inner, inner.name) };
  },
  fromKeras(config, where, readWrapped) {
    const known = [...KERAS_HEAD_KEYS, 'layer'];
    const key = unknownKey(config, known);
    if (key !== undefined) {
      fail(
        `${where} has key '${key}', which seqcast does not know; the keys it reads are ${known.join(', ')}`,
      );
    }
    const entry = config.layer;
    const cls = isJson(entry) ? entry.class_name : undefined;
    const inner = denseOnly(readWrapped(entry, `${where} layer`), cls, where);
    return prefixed(where, () => new TimeDistributed(inner, { name: config.name as string }));
  },
};

function denseOnly(layer: Layer, cls: unknown, where: string): Dense {
  if (!(layer instanceof Dense)) {
    fail(
      `${where} wraps a ${JSON.stringify(cls)}; seqcast's TimeDistributed wraps ${listKeys(['Dense'])} only`,
    );
  }
  return layer;
}

export class TimeDistributed implements Layer {
  name: string;
  readonly className = 'TimeDistributed' as const;
  readonly layer: Dense;

  constructor(layer: Dense, options: TimeDistributedOptions = {}) {
    checkOptions('TimeDistributed', options, ['name']);
    if (!(layer instanceof Dense)) {
      throw new SeqcastError(
        'config',
        'TimeDistributed: the wrapped layer must be a Dense (dense({ units }))',
      );
    }
    this.layer = layer;
    this.name = options.name ?? '';
  }

  build(inputShape: Shape, ctx: BuildContext): Shape {
    if (inputShape.length !== 2) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}' (TimeDistributed) expects input [batch, timesteps, features] but received ${formatShape([null, ...inputShape])}`,
      );
    }
    if (this.layer.name === '') this.layer.name = `${this.name}_dense`;
    return this.layer.build(inputShape, ctx);
  }

  weightSpecs(): readonly WeightSpec[] {
    return this.layer.weightSpecs();
  }

  attach(weights: readonly FloatArray[], grads: readonly FloatArray[]): void {
    this.layer.attach(weights, grads);
  }

  forward(x: Tensor): Tensor {
    return this.layer.forward(x);
  }

  backward(dy: Tensor): Tensor {
    return this.layer.backward(dy);
  }

  getConfig(): {
    readonly name: string;
    readonly layer: { className: string; config: Record<string, unknown> };
  } {
    return { name: this.name, layer: { className: 'Dense', config: { ...this.layer.getConfig() } } };
  }
}

/** Applies a Dense to every time step: `timeDistributed(dense({ units: 10, activation: 'softmax' }))`. */
export function timeDistributed(layer: Dense, options: TimeDistributedOptions = {}): TimeDistributed {
  return new TimeDistributed(layer, options);
}
