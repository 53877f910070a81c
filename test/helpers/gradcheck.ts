/**
 * Shared pieces of the gradient checks and equivalence tests: random tensors from the library's seeded
 * generator, standalone layers with random weights, central finite differences, and a backend that records
 * how close any relu input came to its kink at 0.
 */
import type {
  Backend,
  DType,
  FloatArray,
  Layer,
  Random,
  Sequential,
  Shape,
  Tensor,
} from '../../src/index.js';
import { allocate, jsBackend, sizeOf } from '../../src/entries/kernels.js';
import type { StepOps } from '../../src/kernels/steps.js';
import { generalSteps } from '../../src/kernels/steps.js';

/** The finite-difference step of every check. */
export const FD_STEP = 1e-6;

/** Relu inputs closer to 0 than this make a finite difference straddle the kink. */
export const RELU_MARGIN = 1e-4;

export function uniformArray(rng: Random, n: number, low: number, high: number, dtype: DType): FloatArray {
  const out = allocate(dtype, n);
  for (let i = 0; i < n; i++) out[i] = rng.uniformRange(low, high);
  return out;
}

export function randomTensor(
  rng: Random,
  shape: readonly number[],
  dtype: DType = 'float64',
  low = -1,
  high = 1,
): Tensor {
  return { shape: [...shape], data: uniformArray(rng, sizeOf(shape), low, high, dtype) };
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`dot(): lengths differ (${a.length} and ${b.length})`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** max |a − b| / max(floor, max |b|): one number per tensor, `b` being the reference. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-8): number {
  if (a.length !== b.length) throw new Error(`relativeError(): lengths differ (${a.length} and ${b.length})`);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / Math.max(floor, scale);
}

export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: FloatArray;
}

export interface StandaloneLayer {
  readonly weights: readonly NamedArray[];
  readonly grads: readonly NamedArray[];
}

/**
 * Builds a layer outside any model (needed for returnState and initial states, which Sequential rejects):
 * every weight uniform in [low, high), every gradient zero.
 */
export function buildStandalone(
  layer: Layer,
  inputShape: Shape,
  rng: Random,
  dtype: DType = 'float64',
  backend: Backend = jsBackend,
  low = -0.6,
  high = 0.6,
): StandaloneLayer {
  layer.build(inputShape, { dtype, backend });
  const specs = layer.weightSpecs();
  const weights = specs.map((s) => ({
    name: s.name,
    shape: s.shape,
    data: uniformArray(rng, sizeOf(s.shape), low, high, dtype),
  }));
  const grads = specs.map((s) => ({ name: s.name, shape: s.shape, data: allocate(dtype, sizeOf(s.shape)) }));
  layer.attach(
    weights.map((w) => w.data),
    grads.map((g) => g.data),
  );
  return { weights, grads };
}

/** A variable of the loss: perturbed in place by the finite differences, restored exactly afterwards. */
export interface Variable {
  readonly name: string;
  readonly value: FloatArray;
}

export interface TensorCheck {
  readonly name: string;
  /** max |fd − analytic| / max(1e-8, max |analytic|) over the tensor. */
  readonly error: number;
  /** max |analytic| over the tensor: a check of an all-zero gradient proves little. */
  readonly scale: number;
}

/**
 * Compares `analytic()` (gradients aligned with `variables`, computed at the unperturbed point) with the
 * central differences (L(v + h) − L(v − h)) / 2h of `loss` for every element of every variable.
 */
export function gradientCheck(
  variables: readonly Variable[],
  loss: () => number,
  analytic: () => readonly ArrayLike<number>[],
  step = FD_STEP,
): TensorCheck[] {
  const exact = analytic().map((g) => Float64Array.from(g));
  if (exact.length !== variables.length) {
    throw new Error(`gradientCheck(): ${exact.length} gradients for ${variables.length} variables`);
  }
  return variables.map((v, k) => {
    const fd = new Float64Array(v.value.length);
    for (let i = 0; i < v.value.length; i++) {
      const saved = v.value[i];
      v.value[i] = saved + step;
      const up = loss();
      v.value[i] = saved - step;
      const down = loss();
      v.value[i] = saved;
      fd[i] = (up - down) / (2 * step);
    }
    let scale = 0;
    for (const g of exact[k]) scale = Math.max(scale, Math.abs(g));
    return { name: v.name, error: relativeError(fd, exact[k]), scale };
  });
}

export interface ReluProbe {
  readonly backend: Backend;
  /** Forget what was recorded so far. */
  reset(): void;
  /** The smallest non-zero |input| any relu has received since the last reset (Infinity if none). */
  margin(): number;
}

/**
 * The plain backend, recording every relu input before applying it. Exact zeros are left out: they come from
 * products with a relu that is already 0 (an LSTM's c_1 = i ⊙ relu(z_c) with c_0 = 0), stay exactly 0
 * under small perturbations, and so are no kink for a finite difference.
 */
export function reluProbe(): ReluProbe {
  let min = Infinity;
  const ops: StepOps = {
    gemm: jsBackend.gemm,
    activateBackward: jsBackend.activateBackward,
    activate(act, x, off, n) {
      // the kinks: relu at 0; the hard sigmoids at ±3 (Keras 3) and ±2.5 (TF.js)
      const kink = act === 'relu' ? 0 : act === 'hardSigmoid' ? 3 : act === 'hardSigmoidTfjs' ? 2.5 : -1;
      if (kink >= 0) {
        for (let i = off; i < off + n; i++) {
          const v = Math.abs(Math.abs(x[i]) - kink);
          if (v !== 0 && v < min) min = v;
        }
      }
      jsBackend.activate(act, x, off, n);
    },
  };
  // the steps through these activations, so that the relus inside a recurrent step are recorded too
  const backend: Backend = { name: 'js-relu-probe', ...ops, ...generalSteps(ops) };
  return {
    backend,
    reset: () => {
      min = Infinity;
    },
    margin: () => min,
  };
}

/**
 * `it.each(titled(cases))('%s', (_title, c) => …)`: each case's own title, whole (a `$title` placeholder
 * would be quoted and cut at 40 characters).
 */
export function titled<C extends { readonly title: string }>(cases: readonly C[]): [string, C][] {
  return cases.map((c) => [c.title, c]);
}

/**
 * gradientCheck() of every weight of `model` for the loss ⟨model.forward(x), dout⟩: the analytic gradients
 * from one zeroGrad → forward → backward pass.
 */
export function modelWeightCheck(model: Sequential, x: Tensor, dout: Tensor): TensorCheck[] {
  return gradientCheck(
    model.weights().map((w) => ({ name: w.name, value: w.data })),
    () => dot(model.forward(x).data, dout.data),
    () => {
      model.zeroGrad();
      model.forward(x);
      model.backward(dout);
      return model.gradients().map((g) => g.data);
    },
  );
}
