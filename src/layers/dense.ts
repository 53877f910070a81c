/**
 * Dense (Keras `Dense`): y = act(x · W + b) on the last axis, so [B, F] → [B, U] and, applied at every
 * step, [B, T, F] → [B, T, U]. W = kernel [F, U], b = bias [U].
 *
 * Backward, with R = the number of rows (B or B·T):
 *     dz = dy ⊙ act'(y);   dW += xᵀ · dz;   db += Σ_rows dz;   dx = dz · Wᵀ
 *
 * `softmax` (Keras's `activations.softmax`, over the last axis) is not elementwise, so it is computed here
 * rather than by the backend, row by row, stable as keras/src/backend/numpy/nn.py writes it:
 *     y_j = exp(z_j − max z) / Σ_k exp(z_k − max z)        dz_j = y_j (dy_j − Σ_k dy_k y_k)
 */
import { SeqcastError } from '../errors.js';
import type { Initializer } from '../initializers.js';
import type { Activation, Backend } from '../kernels/backend.js';
import { ACTIVATIONS, mat, matT } from '../kernels/backend.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor.js';
import { allocate, formatShape } from '../tensor.js';
import { accumulateColumnSums, fillRowsWithBias } from './cell.js';
import type { BuildContext, Layer, WeightSpec } from './layer.js';
import type { ConfigOf, OptionSpec, OptionsOf } from './descriptor.js';
import {
  activationOption,
  booleanOption,
  describeLayer,
  isJson,
  offKeys,
  regularizersAndConstraintsOff,
  unitsOption,
} from './descriptor.js';
import { checkInput } from './layer.js';
import type { Initialization } from './initialization.js';
import { denseInitializationOption } from './initialization.js';

/** Dense's activations: the elementwise ones every backend computes, and softmax over the last axis. */
export type DenseActivation = Activation | 'softmax';

const ELEMENTWISE = activationOption('activation', 'linear');

/** Dense's `activation`: an elementwise activation or 'softmax', written as Keras and TF.js write it. */
function denseActivationOption(): OptionSpec<DenseActivation> {
  return {
    keras: 'activation',
    default: 'linear',
    check(where, key, v) {
      if (v === 'softmax') return 'softmax';
      if (v === undefined || (typeof v === 'string' && (ACTIVATIONS as readonly string[]).includes(v)))
        return ELEMENTWISE.check(where, key, v);
      throw new SeqcastError(
        'config',
        `${where}: ${key} must be one of ${[...ACTIVATIONS, 'softmax'].map((a) => `'${a}'`).join(', ')} (got ${JSON.stringify(v)})`,
      );
    },
    fromKeras(where, value, key) {
      const name = isJson(value) && value.class_name === 'function' ? value.config : value;
      if (name === 'softmax') return 'softmax';
      return ELEMENTWISE.fromKeras!(where, value, key);
    },
    toKeras: (v) => (v === 'softmax' ? 'softmax' : ELEMENTWISE.toKeras!(v)),
  };
}

const DENSE_OPTIONS = {
  /** The number of outputs. Required. */
  units: unitsOption(),
  /** Default 'linear'; 'softmax' normalises over the last axis. */
  activation: denseActivationOption(),
  /** Default true. */
  useBias: booleanOption('use_bias', true),
  /**
   * How the kernel and bias are first drawn: 'keras' (default: GlorotUniform and zeros) or 'pytorch'
   * (nn.Linear's default: both U(−1/√fanIn, 1/√fanIn), fanIn the input size; initialization.ts).
   */
  initialization: denseInitializationOption((layer) => layer.weightSpecs()[0].shape[0]),
};

export type DenseConfig = ConfigOf<typeof DENSE_OPTIONS>;
export type DenseOptions = OptionsOf<typeof DENSE_OPTIONS, 'units'>;

/** Dense's descriptor: its options, Keras names and keys (see descriptor.ts). */
export const DENSE_LAYER = describeLayer({
  className: 'Dense',
  options: DENSE_OPTIONS,
  keras: {
    written: {
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
    },
    accepted: ['lora_alpha'],
    off: {
      ...regularizersAndConstraintsOff([
        'kernel_regularizer',
        'bias_regularizer',
        'activity_regularizer',
        'kernel_constraint',
        'bias_constraint',
      ]),
      ...offKeys(
        ['lora_rank', 'quantization_config'],
        null,
        (k) => `seqcast does not implement ${k}; export the model without it`,
        false,
      ),
    },
  },
  create: (config) => new Dense(config),
});

export class Dense implements Layer {
  name: string;
  readonly className = 'Dense' as const;
  readonly units: number;
  readonly activation: DenseActivation;
  readonly useBias: boolean;
  readonly initialization: Initialization;
  private inputShape: Shape | null = null;
  private inputDim = 0;
  private dtype: DType = 'float32';
  private backend!: Backend;
  private kernel!: FloatArray;
  private bias: FloatArray | null = null;
  private dKernel!: FloatArray;
  private dBias: FloatArray | null = null;
  private x: FloatArray | null = null;
  private rows = 0;
  private outShape: number[] = [];
  private y: FloatArray = new Float32Array(0);
  private dz: FloatArray = new Float32Array(0);
  private dx: FloatArray = new Float32Array(0);

  constructor(options: DenseOptions) {
    const config = DENSE_LAYER.resolve(options);
    this.units = config.units;
    this.activation = config.activation;
    this.useBias = config.useBias;
    this.initialization = config.initialization;
    this.name = config.name;
  }

  build(inputShape: Shape, ctx: BuildContext): Shape {
    const F = inputShape[inputShape.length - 1];
    if (inputShape.length < 1 || inputShape.length > 2 || F === null || F === undefined) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}' (Dense) expects input [batch, features] or [batch, timesteps, features] ` +
          `but received ${formatShape([null, ...inputShape])}`,
      );
    }
    this.inputShape = inputShape;
    this.inputDim = F;
    this.dtype = ctx.dtype;
    this.backend = ctx.backend;
    return [...inputShape.slice(0, -1), this.units];
  }

  weightSpecs(): readonly WeightSpec[] {
    const pytorch: Initializer | null =
      this.initialization === 'pytorch' ? { kind: 'pytorchUniform', fanIn: this.inputDim } : null;
    const specs: WeightSpec[] = [
      { name: 'kernel', shape: [this.inputDim, this.units], init: pytorch ?? { kind: 'glorotUniform' } },
    ];
    if (this.useBias) specs.push({ name: 'bias', shape: [this.units], init: pytorch ?? { kind: 'zeros' } });
    return specs;
  }

  attach(weights: readonly FloatArray[], grads: readonly FloatArray[]): void {
    this.kernel = weights[0];
    this.dKernel = grads[0];
    this.bias = this.useBias ? weights[1] : null;
    this.dBias = this.useBias ? grads[1] : null;
  }

  // x [R, F] (R = B or B·T); kernel [F, U]; y [R, U]
  forward(x: Tensor): Tensor {
    if (this.inputShape === null)
      throw new SeqcastError('state', `layer '${this.name}': forward() before build()`);
    checkInput(this.name, x, this.inputShape, this.dtype);
    const F = this.inputDim;
    const U = this.units;
    const R = x.data.length / F;
    if (this.y.length < R * U) this.y = allocate(this.dtype, R * U);
    const y = this.y;
    fillRowsWithBias(y, 0, R, this.bias, 0, U);
    this.backend.gemm(R, U, F, mat(x.data, 0, F), mat(this.kernel, 0, U), mat(y, 0, U), true);
    if (this.activation === 'softmax') softmaxRows(y, R, U);
    else this.backend.activate(this.activation, y, 0, R * U);
    this.x = x.data;
    this.rows = R;
    this.outShape = [...x.shape.slice(0, -1), U];
    return { shape: this.outShape, data: y.subarray(0, R * U) };
  }

  backward(dy: Tensor): Tensor {
    if (this.x === null)
      throw new SeqcastError('state', `layer '${this.name}': backward() called before forward()`);
    const F = this.inputDim;
    const U = this.units;
    const R = this.rows;
    if (dy.data.length !== R * U || dy.shape.length !== this.outShape.length) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}': the output gradient has shape ${formatShape(dy.shape)}, expected ${formatShape(this.outShape)}`,
      );
    }
    if (this.dz.length < R * U) this.dz = allocate(this.dtype, R * U);
    if (this.dx.length < R * F) this.dx = allocate(this.dtype, R * F);
    const dz = this.dz;
    dz.set(dy.data.length === R * U ? dy.data : dy.data.subarray(0, R * U));
    if (this.activation === 'softmax') softmaxRowsBackward(this.y, dz, R, U);
    else this.backend.activateBackward(this.activation, this.y, 0, dz, 0, R * U);
    this.backend.gemm(F, U, R, matT(this.x, 0, F), mat(dz, 0, U), mat(this.dKernel, 0, U), true);
    if (this.dBias !== null) accumulateColumnSums(this.backend, dz, 0, R, U, U, this.dBias, 0);
    this.backend.gemm(R, F, U, mat(dz, 0, U), matT(this.kernel, 0, U), mat(this.dx, 0, F), false);
    return { shape: [...this.outShape.slice(0, -1), F], data: this.dx.subarray(0, R * F) };
  }

  getConfig(): DenseConfig & { readonly name: string } {
    return {
      name: this.name,
      units: this.units,
      activation: this.activation,
      useBias: this.useBias,
      initialization: this.initialization,
    };
  }
}

/** A fully-connected layer on the last axis: `y = act(x · kernel + bias)`. */
export function dense(options: DenseOptions): Dense {
  return new Dense(options);
}

// y [R, U] in place: each row z → softmax(z), the row maximum subtracted first.
function softmaxRows(y: FloatArray, R: number, U: number): void {
  for (let r = 0; r < R; r++) {
    const o = r * U;
    let m = -Infinity;
    for (let j = 0; j < U; j++) m = Math.max(m, y[o + j]);
    let s = 0;
    for (let j = 0; j < U; j++) {
      y[o + j] = Math.exp(y[o + j] - m);
      s += y[o + j];
    }
    for (let j = 0; j < U; j++) y[o + j] /= s;
  }
}

// y [R, U] the softmax outputs; dz [R, U] holds dy on entry and dL/dz on return: dz_j = y_j (dy_j − Σ_k dy_k y_k).
function softmaxRowsBackward(y: FloatArray, dz: FloatArray, R: number, U: number): void {
  for (let r = 0; r < R; r++) {
    const o = r * U;
    let dot = 0;
    for (let j = 0; j < U; j++) dot += dz[o + j] * y[o + j];
    for (let j = 0; j < U; j++) dz[o + j] = y[o + j] * (dz[o + j] - dot);
  }
}
