/**
 * Masking (Keras `Masking`): marks the padding of a batch of sequences, so that the layers after it skip it.
 * A step of a sequence is masked when every feature equals `maskValue`:
 *     mask[b, t] = any_f(x[b, t, f] ≠ maskValue),   y = x ⊙ mask           (keras/src/layers/core/masking.py)
 * and the mask goes with the output to the next layers (see mask.ts for what a recurrent layer does with it).
 * Backward: dx = dy ⊙ mask.
 */
import { SeqcastError } from '../errors.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor.js';
import { allocate, formatShape } from '../tensor.js';
import type { ConfigOf, OptionSpec, OptionsOf } from './descriptor.js';
import { describeLayer, fail } from './descriptor.js';
import type { BuildContext, Layer, WeightSpec } from './layer.js';
import { checkInput } from './layer.js';
import type { StepMask } from './mask.js';

function maskValueOption(): OptionSpec<number> {
  const check = (where: string, key: string, v: unknown): number => {
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new SeqcastError('config', `${where}: ${key} must be a finite number (got ${JSON.stringify(v)})`);
    }
    return v;
  };
  return {
    keras: 'mask_value',
    default: 0,
    check,
    fromKeras(where, v, key) {
      if (v === undefined) return 0;
      if (typeof v !== 'number' || !Number.isFinite(v))
        fail(`${where} has ${key} ${JSON.stringify(v)}; expected a number`);
      return v;
    },
  };
}

const MASKING_OPTIONS = {
  /** The value that marks padding; a step whose every feature equals it is masked. Default 0. */
  maskValue: maskValueOption(),
};

export type MaskingConfig = ConfigOf<typeof MASKING_OPTIONS>;
export type MaskingOptions = OptionsOf<typeof MASKING_OPTIONS>;

/** Masking's descriptor: its option, Keras name and keys (see descriptor.ts). */
export const MASKING_LAYER = describeLayer({
  className: 'Masking',
  options: MASKING_OPTIONS,
  keras: {},
  create: (config) => new Masking(config),
});

export class Masking implements Layer {
  name: string;
  readonly className = 'Masking' as const;
  readonly maskValue: number;
  private inputShape: Shape | null = null;
  private dtype: DType = 'float32';
  private mask: StepMask | null = null;
  /** The mask's memory, reused from call to call (the layers reading a mask copy what they keep). */
  private maskStore = new Uint8Array(0);
  private y: FloatArray = new Float32Array(0);
  private dx: FloatArray = new Float32Array(0);

  constructor(options: MaskingOptions = {}) {
    const config = MASKING_LAYER.resolve(options);
    this.maskValue = config.maskValue;
    this.name = config.name;
  }

  build(inputShape: Shape, ctx: BuildContext): Shape {
    if (inputShape.length !== 2 || inputShape[1] === null) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}' (Masking) expects input of shape [batch, timesteps, features] but received ` +
          `${formatShape([null, ...inputShape])}; masking marks steps of sequences`,
      );
    }
    this.inputShape = inputShape;
    this.dtype = ctx.dtype;
    return inputShape;
  }

  weightSpecs(): readonly WeightSpec[] {
    return [];
  }

  attach(): void {}

  forward(x: Tensor): Tensor {
    if (this.inputShape === null)
      throw new SeqcastError('state', `layer '${this.name}': forward() before build()`);
    const B = checkInput(this.name, x, this.inputShape, this.dtype);
    const [T, F] = [x.shape[1], x.shape[2]];
    const n = B * T * F;
    if (this.y.length < n) this.y = allocate(this.dtype, n);
    if (this.maskStore.length < B * T) this.maskStore = new Uint8Array(B * T);
    const mask = this.maskStore.subarray(0, B * T);
    const xs = x.data;
    for (let r = 0; r < B * T; r++) {
      let real = 0;
      for (let f = 0; f < F; f++) if (xs[r * F + f] !== this.maskValue) real = 1;
      mask[r] = real;
      for (let f = 0; f < F; f++) this.y[r * F + f] = real === 1 ? xs[r * F + f] : 0;
    }
    this.mask = { batch: B, steps: T, data: mask };
    return { shape: [B, T, F], data: this.y.subarray(0, n) };
  }

  backward(dy: Tensor): Tensor {
    const mask = this.mask;
    if (mask === null) throw new SeqcastError('state', `layer '${this.name}': backward() before forward()`);
    const n = dy.data.length;
    const F = n / (mask.batch * mask.steps);
    if (this.dx.length < n) this.dx = allocate(this.dtype, n);
    for (let r = 0; r < mask.batch * mask.steps; r++) {
      for (let f = 0; f < F; f++) this.dx[r * F + f] = mask.data[r] === 1 ? dy.data[r * F + f] : 0;
    }
    return { shape: [...dy.shape], data: this.dx.subarray(0, n) };
  }

  /** The mask of its last forward pass: the steps whose features are not all `maskValue`. */
  outputMask(): StepMask | null {
    return this.mask;
  }

  getConfig(): MaskingConfig & { readonly name: string } {
    return { name: this.name, maskValue: this.maskValue };
  }
}

/** `masking({ maskValue: 0 })`: see Masking. */
export function masking(options: MaskingOptions = {}): Masking {
  return new Masking(options);
}
