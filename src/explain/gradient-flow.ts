/**
 * gradientFlow(model, x, y): how far the training signal reaches back in time. For every recurrent layer
 * and every step t (in reading order): ‖∂L/∂h_t‖, the whole gradient reaching h_t (from the outputs and
 * from later steps), and ‖∂L/∂x_t‖, with L the model's compiled loss (mean squared error if none) on
 * (x, y), norms taken over the batch and units. Weight gradients are left zeroed.
 */
import { Bidirectional } from '../layers/bidirectional.js';
import { Recurrent } from '../layers/recurrent.js';
import { checkX, checkY } from '../model/batches.js';
import type { TensorLike } from '../model/inputs.js';
import { meanSquaredError } from '../model/losses.js';
import type { Sequential } from '../model/sequential.js';
import { allocate } from '../tensor.js';

export interface LayerGradientFlow {
  readonly layer: string;
  readonly className: string;
  readonly direction: 'forward' | 'backward';
  /** ‖∂L/∂h_t‖ for t = 1 … T in reading order. */
  readonly gradH: readonly number[];
  /** ‖∂L/∂x_t‖ for t = 1 … T in reading order. */
  readonly gradX: readonly number[];
}

export interface GradientFlow {
  readonly loss: number;
  readonly layers: readonly LayerGradientFlow[];
}

export function gradientFlow(model: Sequential, x: TensorLike, y: TensorLike): GradientFlow {
  const X = checkX(model, x, 'gradientFlow()');
  const loss = model.compiled?.loss ?? meanSquaredError();
  const Y = checkY(model, X, y, 'gradientFlow()', loss.sparse === true);
  const recurrent: { layer: Recurrent; name: string }[] = [];
  for (const l of model.layers) {
    if (l instanceof Bidirectional) {
      recurrent.push(
        { layer: l.forwardLayer, name: `${l.name}/forward` },
        { layer: l.backwardLayer, name: `${l.name}/backward` },
      );
    } else if (l instanceof Recurrent) recurrent.push({ layer: l, name: l.name });
  }
  for (const r of recurrent) r.layer.probeGradients(true);
  try {
    const out = model.forward(X);
    const grad = allocate(model.dtype, out.data.length);
    const value = loss.compute(out.data, Y.data, out.data.length, grad, out.shape[out.shape.length - 1]);
    model.zeroGrad();
    model.backward({ shape: out.shape, data: grad });
    model.zeroGrad();
    const layers = recurrent.map(({ layer, name }) => {
      const r = layer.inspect();
      const norms = (a: Float64Array): number[] => {
        const per = a.length / r.steps;
        return Array.from({ length: r.steps }, (_, t) => {
          let s = 0;
          for (let k = t * per; k < (t + 1) * per; k++) s += a[k] * a[k];
          return Math.sqrt(s);
        });
      };
      return {
        layer: name,
        className: layer.className,
        direction: layer.goBackwards ? ('backward' as const) : ('forward' as const),
        gradH: norms(r.dh!),
        gradX: norms(r.dx!),
      };
    });
    return { loss: value, layers };
  } finally {
    for (const r of recurrent) r.layer.probeGradients(false);
  }
}
