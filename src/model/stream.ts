/**
 * `Sequential.predictStep`'s stream: the model's layers rebuilt for one time step ([B, 1, ·]) on the model's
 * own weight arrays (views: training or setWeights changes them too), every recurrent layer stateful for the
 * stream's batch size B, so each step starts from the states the previous step left. Since the same
 * equations run on the same weights, step t gives what `predict` gives at step t of the whole sequence. The
 * model's own layers, and so `predict` and `fit`, never see the stream; only the states of a stateful
 * model's stateful layers are shared (`Recurrent.shareStates`): predictStep advances them as predict does.
 *
 * A Bidirectional or goBackwards layer reads a sequence from its end, which a stream has not seen yet: such
 * a model cannot stream.
 */
import { SeqcastError } from '../errors.js';
import { Bidirectional } from '../layers/bidirectional.js';
import { layerFromConfig } from '../layers/from-config.js';
import type { BuildContext, Layer } from '../layers/layer.js';
import type { StepMask } from '../layers/mask.js';
import { Recurrent } from '../layers/recurrent.js';
import type { FloatArray, Shape, Tensor } from '../tensor.js';
import { firstNonFinite, formatShape, unravelIndex } from '../tensor.js';
import { checkLayerOutput, nextMask } from './between-layers.js';
import type { TensorLike } from './inputs.js';
import { toTensor } from './inputs.js';

type LayerViews = (i: number) => { weights: FloatArray[]; grads: FloatArray[] };

export class Stream {
  private readonly original: readonly Layer[];
  private readonly inputShape: Shape;
  private readonly ctx: BuildContext;
  private readonly views: LayerViews;
  /** The one-step layers, built by the first step for its batch size. */
  private layers: Layer[] | null = null;
  private batch = 0;

  constructor(layers: readonly Layer[], inputShape: Shape, ctx: BuildContext, views: LayerViews) {
    if (layers.length === 0)
      throw new SeqcastError('state', 'predictStep(): the model has no layers yet; add() some');
    for (const layer of layers) {
      if (layer instanceof Bidirectional || (layer instanceof Recurrent && layer.goBackwards)) {
        const what = layer instanceof Bidirectional ? 'Bidirectional' : `${layer.className}, goBackwards`;
        throw new SeqcastError(
          'config',
          `predictStep(): layer '${layer.name}' (${what}) reads each sequence from its last step, which a stream has ` +
            `not seen yet, so the model cannot advance one step at a time; use predict() on whole sequences`,
        );
      }
    }
    if (!isSequenceInput(inputShape, layers[0])) {
      throw new SeqcastError(
        'shape',
        `predictStep(): the model takes ${formatShape([null, ...inputShape])} vectors, not sequences, so there is no ` +
          `time step to advance; use predict()`,
      );
    }
    this.original = layers;
    this.inputShape = inputShape;
    this.ctx = ctx;
    this.views = views;
  }

  /** One step of every sequence: x [B, F] or [B, 1, F] (indices: [B] or [B, 1]); a new tensor. */
  step(value: TensorLike): Tensor {
    const x = toTensor(value, 'predictStep(): x', this.ctx.dtype);
    const withTime = this.checkStep(x);
    const B = x.shape[0];
    if (this.layers === null) this.layers = this.build(B);
    else if (B !== this.batch) {
      throw new SeqcastError(
        'shape',
        `predictStep(): the stream holds ${this.batch} sequences since the last resetStates(), but x holds ${B}; ` +
          `call resetStates() to start a stream of another batch size`,
      );
    }
    let h: Tensor = { shape: [B, 1, ...x.shape.slice(withTime ? 2 : 1)], data: x.data };
    let mask: StepMask | null = null;
    for (const layer of this.layers) {
      layer.setInputMask?.(mask);
      const input = h;
      h = layer.forward(h, false);
      mask = nextMask(layer, mask, input, h);
      checkLayerOutput(layer, h, 'predictStep(): ');
    }
    const sequence = h.shape.length === 3;
    const shape = sequence && !withTime ? [h.shape[0], h.shape[2]] : [...h.shape];
    return { shape, data: h.data.slice() };
  }

  /** Checks one step's shape and values; returns whether it has the time axis. */
  private checkStep(x: Tensor): boolean {
    const rest = this.inputShape.slice(1) as number[]; // the shape of one step
    const full = x.shape.length === rest.length + 2 && x.shape[1] === 1;
    const bare = x.shape.length === rest.length + 1;
    const tail = x.shape.slice(full ? 2 : 1);
    const ok = (full || bare) && x.shape[0] >= 1 && tail.every((d, a) => d === rest[a]);
    if (!ok) {
      throw new SeqcastError(
        'shape',
        `predictStep(): x has shape ${formatShape(x.shape)}, but one step of the model's input ` +
          `${formatShape([null, ...this.inputShape])} is ${formatShape([null, 1, ...rest])} or ${formatShape([null, ...rest])}`,
      );
    }
    const bad = firstNonFinite(x.data);
    if (bad >= 0) {
      throw new SeqcastError(
        'non-finite',
        `predictStep(): x holds ${x.data[bad]} at ${formatShape(unravelIndex(bad, x.shape))}; fill missing values first`,
      );
    }
    return full;
  }

  /** The model's layers again, for one step of B sequences, on the model's weights. */
  private build(B: number): Layer[] {
    const stateful =
      this.ctx.batchSize !== undefined && this.original.some((l) => l instanceof Recurrent && l.stateful);
    if (stateful && B !== this.ctx.batchSize) {
      throw new SeqcastError(
        'shape',
        `predictStep(): the model is stateful with batchSize ${this.ctx.batchSize} but x holds ${B} sequences; its ` +
          `stateful layers advance their states, so every step must hold exactly ${this.ctx.batchSize}`,
      );
    }
    const ctx: BuildContext = { ...this.ctx, batchSize: B };
    let shape: Shape = [1, ...this.inputShape.slice(1)];
    const layers = this.original.map((layer, i) => {
      const twin =
        layer instanceof Recurrent
          ? layer.clone({ name: layer.name, stateful: true })
          : layerFromConfig(layer.className, layer.getConfig());
      twin.name = layer.name;
      // each one-step call continues the sequence: a masked step repeats the last output, as in predict
      if (twin instanceof Recurrent) twin.continuesSequence = true;
      shape = twin.build(shape, ctx);
      const { weights, grads } = this.views(i);
      twin.attach(weights, grads);
      if (layer instanceof Recurrent && layer.stateful) (twin as Recurrent).shareStates(layer);
      return twin;
    });
    this.batch = B;
    return layers;
  }
}

/** Whether the input is a sequence: [T, F], or [T] of indices into a first-layer Embedding. */
function isSequenceInput(inputShape: Shape, first: Layer): boolean {
  return inputShape.length === 2 || (inputShape.length === 1 && first.className === 'Embedding');
}
