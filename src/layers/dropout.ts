/**
 * Dropout (Keras `Dropout`): in training, each element is kept with probability 1 − rate and scaled by
 * 1/(1 − rate), else set to 0 (keras/src/layers/regularization/dropout.py); at inference it is the identity.
 * `noiseShape` shares one mask value along the axes given as 1 (Keras's noise_shape without the batch axis:
 * [1, F] on [B, T, F] drops the same features at every step). Backward: dx = dy ⊙ mask.
 */
import { SeqcastError } from '../errors.js';
import type { Random } from '../random.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor.js';
import { allocate } from '../tensor.js';
import type { ConfigOf, OptionSpec, OptionsOf } from './descriptor.js';
import { describeLayer, fail, rateOption, seedOption } from './descriptor.js';
import { drawDropoutMask, dropoutRandom } from './dropout-mask.js';
import type { BuildContext, Layer, WeightSpec } from './layer.js';
import type { StepMask } from './mask.js';

function noiseShapeOption(): OptionSpec<readonly (number | null)[] | null> {
  const check = (where: string, key: string, v: unknown): readonly (number | null)[] | null => {
    if (v === null) return null;
    if (!Array.isArray(v) || !v.every((d) => d === null || d === 1)) {
      throw new SeqcastError(
        'config',
        `${where}: ${key} must be null or a list of null (an axis of its own) and 1 (an axis that shares one mask ` +
          `value), one per axis after the batch (got ${JSON.stringify(v)})`,
      );
    }
    return v as (number | null)[];
  };
  return {
    keras: 'noise_shape',
    default: null,
    check,
    fromKeras(where, v, key) {
      if (v === undefined || v === null) return null;
      // Keras writes the batch axis too: [null, 1, F] means [1, null] here only when F is the input's own size
      if (!Array.isArray(v)) return fail(`${where} has ${key} ${JSON.stringify(v)}; expected a list`);
      return check(
        where,
        key,
        v.slice(1).map((d) => (d === 1 ? 1 : null)),
      );
    },
    toKeras: (v) => (v === null ? null : [null, ...v]),
  };
}

/** `rate` is required: the rate spec without its default. */
function requiredRate(): OptionSpec<number> {
  const { check, fromKeras } = rateOption('rate');
  return { keras: 'rate', check, fromKeras };
}

const DROPOUT_OPTIONS = {
  /** The fraction of elements dropped in training, in [0, 1). Required. */
  rate: requiredRate(),
  /** Axes (after the batch) that share one mask value: 1; null for an axis of its own. Default null: none. */
  noiseShape: noiseShapeOption(),
  /** The seed of the masks; null (default): derived from the model's seed and the layer's name. */
  seed: seedOption(),
};

export type DropoutConfig = ConfigOf<typeof DROPOUT_OPTIONS>;
export type DropoutOptions = OptionsOf<typeof DROPOUT_OPTIONS, 'rate'>;

/** Dropout's descriptor (see descriptor.ts). */
export const DROPOUT_LAYER = describeLayer({
  className: 'Dropout',
  options: DROPOUT_OPTIONS,
  keras: {},
  create: (config) => new Dropout(config),
});

export class Dropout implements Layer {
  name: string;
  readonly className = 'Dropout' as const;
  readonly rate: number;
  readonly noiseShape: readonly (number | null)[] | null;
  readonly seed: number | null;
  private dtype: DType = 'float32';
  private inputShape: Shape = [];
  private rng: Random | null = null;
  private mask: FloatArray | null = null;
  private maskStore: FloatArray = new Float32Array(0);
  private fullStore: FloatArray = new Float32Array(0);
  private y: FloatArray = new Float32Array(0);
  private dx: FloatArray = new Float32Array(0);

  constructor(options: DropoutOptions) {
    const config = DROPOUT_LAYER.resolve(options);
    this.rate = config.rate;
    this.noiseShape = config.noiseShape;
    this.seed = config.seed;
    this.name = config.name;
  }

  build(inputShape: Shape, ctx: BuildContext): Shape {
    if (this.noiseShape !== null && this.noiseShape.length !== inputShape.length) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}' (Dropout): noiseShape has ${this.noiseShape.length} axes but the input has ` +
          `${inputShape.length} after the batch`,
      );
    }
    this.inputShape = inputShape;
    this.dtype = ctx.dtype;
    this.rng = dropoutRandom(this.seed, ctx.seed, this.name);
    return inputShape;
  }

  weightSpecs(): readonly WeightSpec[] {
    return [];
  }

  attach(): void {}

  forward(x: Tensor, training = false): Tensor {
    this.mask = null;
    if (!training || this.rate === 0) return x;
    const n = x.data.length;
    const shape = x.shape;
    // one value per element of the noise shape, broadcast over the axes marked 1
    const noise = shape.map((d, a) => (a > 0 && this.noiseShape?.[a - 1] === 1 ? 1 : d));
    const count = noise.reduce((p, d) => p * d, 1);
    const m = drawDropoutMask(this.rng!, this.rate, count, this.maskStore, this.dtype);
    this.maskStore = m;
    let full = m;
    if (count !== n) {
      full = broadcast(m, noise, shape, this.fullStore);
      this.fullStore = full;
    }
    this.mask = full;
    if (this.y.length < n) this.y = allocate(this.dtype, n);
    for (let i = 0; i < n; i++) this.y[i] = x.data[i] * full[i];
    return { shape: [...shape], data: this.y.subarray(0, n) };
  }

  backward(dy: Tensor): Tensor {
    const m = this.mask;
    if (m === null) return dy;
    const n = dy.data.length;
    if (this.dx.length < n) this.dx = allocate(this.dtype, n);
    for (let i = 0; i < n; i++) this.dx[i] = dy.data[i] * m[i];
    return { shape: [...dy.shape], data: this.dx.subarray(0, n) };
  }

  outputMask(inputMask: StepMask | null): StepMask | null {
    return inputMask;
  }

  getConfig(): DropoutConfig & { readonly name: string } {
    return { name: this.name, rate: this.rate, noiseShape: this.noiseShape, seed: this.seed };
  }
}

/** A mask of `noise` shape repeated along its size-1 axes to `shape`. */
function broadcast(
  m: FloatArray,
  noise: readonly number[],
  shape: readonly number[],
  into: FloatArray,
): FloatArray {
  const n = shape.reduce((p, d) => p * d, 1);
  const f64 = m instanceof Float64Array;
  const out =
    into.length >= n && into instanceof Float64Array === f64
      ? into
      : allocate(f64 ? 'float64' : 'float32', n);
  const idx = new Array<number>(shape.length).fill(0);
  for (let i = 0; i < n; i++) {
    let j = 0;
    for (let a = 0; a < shape.length; a++) j = j * noise[a] + (noise[a] === 1 ? 0 : idx[a]);
    out[i] = m[j];
    for (let a = shape.length - 1; a >= 0; a--) {
      if (++idx[a] < shape[a]) break;
      idx[a] = 0;
    }
  }
  return out;
}

/** `dropout({ rate: 0.3 })`: see Dropout. */
export function dropout(options: DropoutOptions): Dropout {
  return new Dropout(options);
}
