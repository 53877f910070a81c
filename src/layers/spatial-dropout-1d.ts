/**
 * SpatialDropout1D (Keras `SpatialDropout1D`, keras/src/layers/regularization/spatial_dropout.py): dropout of
 * whole feature channels. In training one mask value per (sample, feature), the noise shape [B, 1, F], is
 * drawn and shared by every step, the kept channels scaled by 1/(1 − rate); at inference the identity. It is
 * Dropout with noiseShape [1, null] (dropout.ts does the drawing and the backward pass, dx = dy ⊙ mask), under
 * its own class name, and passes its input's mask on. Input [B, T, F] only, as in Keras.
 */
import { SeqcastError } from '../errors.js';
import type { Shape, Tensor } from '../tensor.js';
import { formatShape } from '../tensor.js';
import type { ConfigOf, OptionSpec, OptionsOf } from './descriptor.js';
import { describeLayer, rateOption, seedOption } from './descriptor.js';
import { Dropout } from './dropout.js';
import type { BuildContext, Layer, WeightSpec } from './layer.js';
import type { StepMask } from './mask.js';

function requiredRate(): OptionSpec<number> {
  const { check, fromKeras } = rateOption('rate');
  return { keras: 'rate', check, fromKeras };
}

const SPATIAL_DROPOUT_1D_OPTIONS = {
  /** The fraction of feature channels dropped in training, in [0, 1). Required. */
  rate: requiredRate(),
  /** The seed of the masks; null (default): derived from the model's seed and the layer's name. */
  seed: seedOption(),
};

export type SpatialDropout1DConfig = ConfigOf<typeof SPATIAL_DROPOUT_1D_OPTIONS>;
export type SpatialDropout1DOptions = OptionsOf<typeof SPATIAL_DROPOUT_1D_OPTIONS, 'rate'>;

/** SpatialDropout1D's descriptor (see descriptor.ts); Keras 2 writes `noise_shape: null`, which it ignores. */
export const SPATIAL_DROPOUT_1D_LAYER = describeLayer({
  className: 'SpatialDropout1D',
  options: SPATIAL_DROPOUT_1D_OPTIONS,
  keras: {
    off: {
      noise_shape: {
        value: null,
        hint: 'SpatialDropout1D always drops whole channels (noise shape [batch, 1, features]); set "noise_shape": null',
        write: false,
      },
    },
  },
  create: (config) => new SpatialDropout1D(config),
});

export class SpatialDropout1D implements Layer {
  name: string;
  readonly className = 'SpatialDropout1D' as const;
  readonly rate: number;
  readonly seed: number | null;
  private readonly dropout: Dropout;

  constructor(options: SpatialDropout1DOptions) {
    const config = SPATIAL_DROPOUT_1D_LAYER.resolve(options);
    this.rate = config.rate;
    this.seed = config.seed;
    this.name = config.name;
    this.dropout = new Dropout({ rate: config.rate, noiseShape: [1, null], seed: config.seed });
  }

  build(inputShape: Shape, ctx: BuildContext): Shape {
    if (inputShape.length !== 2) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}' (SpatialDropout1D) expects input [batch, timesteps, features] but received ${formatShape([null, ...inputShape])}`,
      );
    }
    this.dropout.name = this.name; // its masks' stream is derived from this layer's name
    return this.dropout.build(inputShape, ctx);
  }

  weightSpecs(): readonly WeightSpec[] {
    return [];
  }

  attach(): void {}

  forward(x: Tensor, training = false): Tensor {
    return this.dropout.forward(x, training);
  }

  backward(dy: Tensor): Tensor {
    return this.dropout.backward(dy);
  }

  outputMask(inputMask: StepMask | null): StepMask | null {
    return inputMask;
  }

  getConfig(): SpatialDropout1DConfig & { readonly name: string } {
    return { name: this.name, rate: this.rate, seed: this.seed };
  }
}

/** Drops whole feature channels in training: `spatialDropout1D({ rate: 0.4 })`. */
export function spatialDropout1D(options: SpatialDropout1DOptions): SpatialDropout1D {
  return new SpatialDropout1D(options);
}
