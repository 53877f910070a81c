/**
 * trace(model, x): the recurrence made visible. For one input window, every step t of every recurrent layer
 * — x_t and h_t; for an LSTM also c_t and the gates i, f, g, o; for a GRU z, r and the candidate — then each
 * Dense layer's output. Steps are in the order the layer reads them (reversed for goBackwards and for the
 * backward half of a Bidirectional layer, which is labelled).
 */
import { SeqcastError } from '../errors.js';
import { Bidirectional } from '../layers/bidirectional.js';
import { Recurrent } from '../layers/recurrent.js';
import { toTensor } from '../model/inputs.js';
import type { TensorLike } from '../model/inputs.js';
import type { Sequential } from '../model/sequential.js';
import type { Tensor } from '../tensor.js';

export interface StepTrace {
  /** 1-based, in reading order. */
  readonly t: number;
  readonly x: readonly number[];
  /** h, and c, i, f, g, o (LSTM) or z, r, candidate (GRU). */
  readonly values: Readonly<Record<string, readonly number[]>>;
}

export interface RecurrentTrace {
  readonly kind: 'recurrent';
  readonly layer: string;
  readonly className: string;
  /** 'forward', 'backward' (reads the window from its end) — for Bidirectional halves and goBackwards. */
  readonly direction: 'forward' | 'backward';
  readonly steps: readonly StepTrace[];
}

export interface DenseTrace {
  readonly kind: 'dense';
  readonly layer: string;
  readonly output: readonly number[];
}

export interface Trace {
  readonly layers: readonly (RecurrentTrace | DenseTrace)[];
  readonly output: readonly number[];
}

/** x: one window, [T, F] or [1, T, F] (nested arrays or a tensor). */
export function trace(model: Sequential, x: TensorLike): Trace {
  const window = oneWindow(model, x);
  const out = model.forward(window);
  const layers: (RecurrentTrace | DenseTrace)[] = [];
  model.layers.forEach((layer, i) => {
    if (layer instanceof Bidirectional) {
      layers.push(recurrentTrace(layer.forwardLayer, `${layer.name}/forward`));
      layers.push(recurrentTrace(layer.backwardLayer, `${layer.name}/backward`));
    } else if (layer instanceof Recurrent) {
      layers.push(recurrentTrace(layer, layer.name));
    } else {
      layers.push({ kind: 'dense', layer: layer.name, output: Array.from(model.layerOutputs[i].data) });
    }
  });
  return { layers, output: Array.from(out.data) };
}

function recurrentTrace(layer: Recurrent, name: string): RecurrentTrace {
  const r = layer.inspect();
  const I = r.input.length / r.steps;
  const U = layer.units;
  const steps: StepTrace[] = [];
  for (let t = 0; t < r.steps; t++) {
    const values: Record<string, number[]> = {};
    for (const [k, v] of Object.entries(r.internals)) values[k] = Array.from(v.subarray(t * U, (t + 1) * U));
    steps.push({ t: t + 1, x: Array.from(r.input.subarray(t * I, (t + 1) * I)), values });
  }
  return {
    kind: 'recurrent',
    layer: name,
    className: layer.className,
    direction: layer.goBackwards ? 'backward' : 'forward',
    steps,
  };
}

/** The input as a batch of one window, checked. */
export function oneWindow(model: Sequential, x: TensorLike): Tensor {
  let t = toTensor(x, 'trace(): x', model.dtype);
  if (t.shape.length === model.inputShape.length) t = { shape: [1, ...t.shape], data: t.data };
  if (t.shape[0] !== 1) {
    throw new SeqcastError(
      'shape',
      `trace(): give one window ([timesteps, features] or [1, timesteps, features]); got ${t.shape[0]} windows`,
    );
  }
  return t;
}
