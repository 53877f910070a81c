/**
 * GlobalAveragePooling1D (Keras `GlobalAveragePooling1D`, keras/src/layers/pooling/global_average_pooling1d.py):
 * the mean over the time axis, [B, T, F] → [B, F] (keepdims: [B, 1, F]). With a mask (Embedding's maskZero,
 * Masking) the mean is over the real steps only, as Keras computes it:
 *
 *     y[b, f] = Σ_t m[b, t] · x[b, t, f] / Σ_t m[b, t]          (m = 1 for a real step; without a mask, all 1)
 *
 * Backward: dx[b, t, f] = dy[b, f] · m[b, t] / Σ_t m[b, t]. The output carries no mask (the time axis is gone).
 * A sample whose every step is masked has no mean (Keras gives 0/0 = NaN): an error naming the sample.
 * Keras's data_format "channels_first" ([B, F, T]) is refused: seqcast's sequences are [B, T, F].
 */
import { SeqcastError } from '../errors.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor.js';
import { allocate, formatShape } from '../tensor.js';
import type { ConfigOf, OptionsOf } from './descriptor.js';
import { booleanOption, describeLayer } from './descriptor.js';
import type { BuildContext, Layer, WeightSpec } from './layer.js';
import { checkInput } from './layer.js';
import type { StepMask } from './mask.js';

const GLOBAL_AVERAGE_POOLING_1D_OPTIONS = {
  /** Keep the time axis, of length 1: [B, 1, F]. Default false: [B, F]. */
  keepdims: booleanOption('keepdims', false),
};

export type GlobalAveragePooling1DConfig = ConfigOf<typeof GLOBAL_AVERAGE_POOLING_1D_OPTIONS>;
export type GlobalAveragePooling1DOptions = OptionsOf<typeof GLOBAL_AVERAGE_POOLING_1D_OPTIONS>;

/** GlobalAveragePooling1D's descriptor (see descriptor.ts). */
export const GLOBAL_AVERAGE_POOLING_1D_LAYER = describeLayer({
  className: 'GlobalAveragePooling1D',
  options: GLOBAL_AVERAGE_POOLING_1D_OPTIONS,
  keras: {
    off: {
      data_format: {
        value: 'channels_last',
        hint: 'seqcast reads sequences as [batch, timesteps, features]; set "data_format": "channels_last"',
      },
    },
  },
  create: (config) => new GlobalAveragePooling1D(config),
});

export class GlobalAveragePooling1D implements Layer {
  name: string;
  readonly className = 'GlobalAveragePooling1D' as const;
  readonly keepdims: boolean;
  private inputShape: Shape | null = null;
  private dtype: DType = 'float32';
  private mask: StepMask | null = null;
  /** Per sample of the last forward: 1 / (the number of real steps). */
  private scale: FloatArray = new Float64Array(0);
  private usedMask: StepMask | null = null;
  private xShape: number[] = [];
  private y: FloatArray = new Float32Array(0);
  private dx: FloatArray = new Float32Array(0);

  constructor(options: GlobalAveragePooling1DOptions = {}) {
    const config = GLOBAL_AVERAGE_POOLING_1D_LAYER.resolve(options);
    this.keepdims = config.keepdims;
    this.name = config.name;
  }

  build(inputShape: Shape, ctx: BuildContext): Shape {
    const F = inputShape[1];
    if (inputShape.length !== 2 || F === null) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}' (GlobalAveragePooling1D) expects input [batch, timesteps, features] but received ${formatShape([null, ...inputShape])}`,
      );
    }
    this.inputShape = inputShape;
    this.dtype = ctx.dtype;
    return this.keepdims ? [1, F] : [F];
  }

  weightSpecs(): readonly WeightSpec[] {
    return [];
  }

  attach(): void {}

  setInputMask(mask: StepMask | null): void {
    this.mask = mask;
  }

  // x [B, T, F]; mask [B, T] or none; y [B, F]
  forward(x: Tensor): Tensor {
    if (this.inputShape === null)
      throw new SeqcastError('state', `layer '${this.name}': forward() before build()`);
    const B = checkInput(this.name, x, this.inputShape, this.dtype);
    const [, T, F] = x.shape;
    const mask = this.mask !== null && this.mask.batch === B && this.mask.steps === T ? this.mask : null;
    if (this.scale.length < B) this.scale = new Float64Array(B);
    if (this.y.length < B * F) this.y = allocate(this.dtype, B * F);
    const y = this.y;
    y.fill(0, 0, B * F);
    for (let b = 0; b < B; b++) {
      let real = 0;
      for (let t = 0; t < T; t++) {
        if (mask !== null && mask.data[b * T + t] === 0) continue;
        real++;
        const o = (b * T + t) * F;
        for (let f = 0; f < F; f++) y[b * F + f] += x.data[o + f];
      }
      if (real === 0) {
        throw new SeqcastError(
          'shape',
          `layer '${this.name}' (GlobalAveragePooling1D): every step of sample ${b} is masked, so it has no mean over real steps (Keras gives NaN); drop empty sequences`,
        );
      }
      const s = 1 / real;
      this.scale[b] = s;
      for (let f = 0; f < F; f++) y[b * F + f] *= s;
    }
    this.usedMask = mask;
    this.xShape = [...x.shape];
    return { shape: this.keepdims ? [B, 1, F] : [B, F], data: y.subarray(0, B * F) };
  }

  // dy [B, F]; dx [B, T, F]
  backward(dy: Tensor): Tensor {
    if (this.xShape.length === 0)
      throw new SeqcastError('state', `layer '${this.name}': backward() called before forward()`);
    const [B, T, F] = this.xShape;
    if (dy.data.length !== B * F) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}': the output gradient has shape ${formatShape(dy.shape)}, expected ${formatShape(this.keepdims ? [B, 1, F] : [B, F])}`,
      );
    }
    const n = B * T * F;
    if (this.dx.length < n) this.dx = allocate(this.dtype, n);
    const dx = this.dx;
    const mask = this.usedMask;
    for (let b = 0; b < B; b++) {
      const s = this.scale[b];
      for (let t = 0; t < T; t++) {
        const o = (b * T + t) * F;
        const real = mask === null || mask.data[b * T + t] !== 0;
        for (let f = 0; f < F; f++) dx[o + f] = real ? dy.data[b * F + f] * s : 0;
      }
    }
    return { shape: [B, T, F], data: dx.subarray(0, n) };
  }

  /** The time axis is pooled away: no mask after it (Keras's compute_mask returns None). */
  outputMask(): StepMask | null {
    return null;
  }

  getConfig(): GlobalAveragePooling1DConfig & { readonly name: string } {
    return { name: this.name, keepdims: this.keepdims };
  }
}

/** The mean over time, over the real steps when the input is masked: [B, T, F] → [B, F]. */
export function globalAveragePooling1D(options: GlobalAveragePooling1DOptions = {}): GlobalAveragePooling1D {
  return new GlobalAveragePooling1D(options);
}
