/**
 * What TensorFlow.js itself cannot read of a seqcast model, for `saveModel(model, dir, { format: 'tfjs' })`.
 * seqcast's model folder is TF.js's layout, and TF.js reads every layer kind seqcast has, with two
 * exceptions that are TF.js's own limits (tfjs-layers `recurrent.ts`):
 *
 * - a GRU with `resetAfter: true` (Keras's default since 2.3, and seqcast's): TF.js's GRUCell throws
 *   "does not support reset_after parameter set to true"; `resetAfter: false` is the variant it has;
 * - Keras 3's hard sigmoid (`'hardSigmoid'`, written `hard_sigmoid_keras3`), which TF.js does not know;
 *   TF.js's own is `'hardSigmoidTfjs'` (written `hard_sigmoid`).
 *
 * Both are refused with the layer's name and the fix, before anything is written. So is PyTorch's flavour,
 * which TF.js has no form for: a layer with `recurrentBias` (TF.js would not load the second bias) and a model
 * compiled with `adam({ epsilonPlacement: 'pytorch' })` (TF.js's Adam adds ε as Keras does; seqcast's own
 * folder records the placement in the trainingConfig and in userDefinedMetadata.seqcast.compile).
 */
import { SeqcastError } from '../errors.js';
import type { Layer } from '../layers/layer.js';
import type { Sequential } from './sequential.js';

/** Throws the first thing of `model` TF.js cannot read (see the module comment); `where` starts the message. */
export function checkTfjsReadable(model: Sequential, where: string): void {
  const optimizer = model.compiled?.optimizer.getConfig();
  if (optimizer?.epsilonPlacement === 'pytorch') {
    throw new SeqcastError(
      'config',
      `${where}: the model is compiled with adam({ epsilonPlacement: 'pytorch' }), which TF.js's Adam does not have ` +
        `(it adds epsilon before the bias correction, as Keras does); compile it with adam() for TF.js, or save without { format: 'tfjs' }`,
    );
  }
  for (const layer of model.layers) {
    const config = layer.getConfig() as Record<string, unknown> & {
      layer?: { className?: string; config?: Record<string, unknown> };
    };
    const inner = layer.className === 'Bidirectional' ? config.layer?.config : undefined;
    const innerClass = layer.className === 'Bidirectional' ? config.layer?.className : layer.className;
    const options = inner ?? config;
    if (innerClass === 'GRU' && options.resetAfter === true) {
      fail(
        where,
        layer,
        'has resetAfter true, which TF.js cannot read (its GRUCell has no reset_after: tf.loadLayersModel throws)',
        `for a model meant for TF.js build the GRU with gru({ resetAfter: false }) and train it again`,
      );
    }
    if (options.recurrentBias === true) {
      fail(
        where,
        layer,
        "has recurrentBias (PyTorch's second bias, a trained weight), which TF.js's layers do not have",
        'for a model meant for TF.js build it without recurrentBias',
      );
    }
    for (const key of ['activation', 'recurrentActivation']) {
      if (options[key] === 'hardSigmoid') {
        fail(
          where,
          layer,
          `has ${key} 'hardSigmoid' (Keras 3's relu6(x + 3) / 6), which TF.js does not have`,
          `use 'hardSigmoidTfjs' (TF.js's clip(0.2·x + 0.5, 0, 1)) or 'sigmoid' and train it again`,
        );
      }
    }
  }
}

function fail(where: string, layer: Layer, what: string, fix: string): never {
  throw new SeqcastError(
    'config',
    `${where}: layer '${layer.name}' (${layer.className}) ${what}; ${fix}, or save without { format: 'tfjs' } (seqcast and Keras read it)`,
  );
}
