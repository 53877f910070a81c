/**
 * Embedding (Keras `Embedding`, keras/src/layers/core/embedding.py): integer indices [B, T] → rows of the
 * weight `embeddings` [inputDim, outputDim] (Keras's name and layout), [B, T, outputDim]:
 *
 *     y[b, t, :] = E[x[b, t], :]          with x[b, t] an integer in [0, inputDim)
 *
 * Backward accumulates into the rows that were used (a scatter-add; a row used twice gets both gradients):
 *
 *     dE[x[b, t], :] += dy[b, t, :]
 *
 * and gives the input no gradient (indices are not differentiable): it returns zeros of the input's shape.
 * Indices arrive in the model's float tensors (padSequences' default 'int32' gives a Float32Array of
 * integers); a value that is not an integer in [0, inputDim) is an error naming the sample and the step.
 *
 * `maskZero: true` (Keras `mask_zero`) makes index 0 padding: the output carries a mask (index ≠ 0) that the
 * layers after it read (see mask.ts), so a padded sentence gives what it gives alone. Index 0 still has its
 * row of embeddings, as in Keras (inputDim must count it).
 */
import { SeqcastError } from '../errors.js';
import type { StepMask } from './mask.js';
import type { Initializer } from '../initializers.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor.js';
import { allocate, formatShape } from '../tensor.js';
import type { ConfigOf, OptionSpec, OptionsOf } from './descriptor.js';
import {
  booleanOption,
  describeLayer,
  fail,
  isJson,
  offKeys,
  regularizersAndConstraintsOff,
} from './descriptor.js';
import type { BuildContext, Layer, WeightSpec } from './layer.js';
import { checkInput } from './layer.js';

/** How the embeddings are first drawn: Keras's 'uniform' (RandomUniform(-0.05, 0.05), the default), … */
export type EmbeddingsInitializer = 'uniform' | 'glorotUniform' | 'zeros';
const EMBEDDINGS_INITIALIZERS: readonly EmbeddingsInitializer[] = ['uniform', 'glorotUniform', 'zeros'];
const DRAWS: Readonly<Record<EmbeddingsInitializer, Initializer>> = {
  uniform: { kind: 'randomUniform', minval: -0.05, maxval: 0.05 },
  glorotUniform: { kind: 'glorotUniform' },
  zeros: { kind: 'zeros' },
};
const KERAS_INITIALIZERS: Readonly<Record<EmbeddingsInitializer, object>> = {
  uniform: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
  glorotUniform: { class_name: 'GlorotUniform', config: { seed: null } },
  zeros: { class_name: 'Zeros', config: {} },
};

function positiveInteger(keras: string): OptionSpec<number> {
  return {
    keras,
    check(where, key, v) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
        fail(`${where}: ${key} must be an integer ≥ 1 (got ${JSON.stringify(v)})`);
      return v;
    },
  };
}

function embeddingsInitializerOption(): OptionSpec<EmbeddingsInitializer> {
  const names = EMBEDDINGS_INITIALIZERS.map((k) => `'${k}'`).join(', ');
  const fromKeras = (value: unknown): EmbeddingsInitializer | undefined => {
    const cls = isJson(value) ? value.class_name : value;
    const config = isJson(value) && isJson(value.config) ? value.config : {};
    if (cls === 'RandomUniform' || cls === 'uniform' || cls === 'random_uniform') {
      const keras = (config.minval ?? -0.05) === -0.05 && (config.maxval ?? 0.05) === 0.05;
      return keras ? 'uniform' : undefined;
    }
    if (cls === 'GlorotUniform' || cls === 'glorot_uniform') return 'glorotUniform';
    if (cls === 'Zeros' || cls === 'zeros') return 'zeros';
    return undefined;
  };
  return {
    keras: 'embeddings_initializer',
    default: 'uniform',
    check(where, key, v) {
      if ((EMBEDDINGS_INITIALIZERS as readonly unknown[]).includes(v)) return v as EmbeddingsInitializer;
      return fail(`${where}: ${key} must be one of ${names} (got ${JSON.stringify(v)})`);
    },
    fromKeras(where, v, key) {
      if (v === undefined) return 'uniform';
      const init = fromKeras(v);
      if (init !== undefined) return init;
      return fail(
        `${where} has ${key} ${JSON.stringify(v)}, which seqcast does not draw (it draws RandomUniform(-0.05, 0.05), ` +
          `GlorotUniform and Zeros: embeddingsInitializer ${names}); it only draws a new model's first weights, ` +
          `so set "${key}": "uniform" to read the file's weights`,
      );
    },
    toKeras: (v) => KERAS_INITIALIZERS[v],
  };
}

/** `maskZero`: index 0 is padding, masked for the layers after it. Default false. */
function maskZeroOption(): OptionSpec<boolean> {
  const spec = booleanOption('mask_zero', false);
  return { ...spec, fromKeras: (where, v, key) => (v === null ? false : spec.fromKeras!(where, v, key)) };
}

/** `inputLength` (TF.js and Keras 2 `input_length`): the number of steps, or null for any. */
function inputLengthOption(): OptionSpec<number | null> {
  const read = (where: string, v: unknown): number | null => {
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
      fail(`${where}: inputLength must be an integer ≥ 1 or null (got ${JSON.stringify(v)})`);
    return v;
  };
  return {
    keras: 'input_length',
    default: null,
    check: (where, _key, v) => read(where, v),
    fromKeras: (where, v) => read(where, v),
  };
}

const EMBEDDING_OPTIONS = {
  /** The number of indices (vocabulary size; the largest index + 1). Required. */
  inputDim: positiveInteger('input_dim'),
  /** The length of each embedding vector. Required. */
  outputDim: positiveInteger('output_dim'),
  /** Default 'uniform' (Keras's RandomUniform(-0.05, 0.05)). */
  embeddingsInitializer: embeddingsInitializerOption(),
  /** Only false (masking is not supported yet). */
  maskZero: maskZeroOption(),
  /** The number of steps when it is fixed (TF.js / Keras 2); default null. */
  inputLength: inputLengthOption(),
};

export type EmbeddingConfig = ConfigOf<typeof EMBEDDING_OPTIONS>;
export type EmbeddingOptions = OptionsOf<typeof EMBEDDING_OPTIONS, 'inputDim' | 'outputDim'>;

/** Embedding's descriptor: its options, Keras names and keys (see descriptor.ts). */
export const EMBEDDING_LAYER = describeLayer({
  className: 'Embedding',
  options: EMBEDDING_OPTIONS,
  keras: {
    accepted: ['lora_alpha'],
    off: {
      ...regularizersAndConstraintsOff([
        'embeddings_regularizer',
        'activity_regularizer',
        'embeddings_constraint',
      ]),
      ...offKeys(
        ['lora_rank', 'quantization_config'],
        null,
        (k) => `seqcast does not implement ${k}; export the model without it`,
        false,
      ),
    },
  },
  create: (config) => new Embedding(config),
});

export class Embedding implements Layer {
  name: string;
  readonly className = 'Embedding' as const;
  readonly inputDim: number;
  readonly outputDim: number;
  readonly embeddingsInitializer: EmbeddingsInitializer;
  readonly inputLength: number | null;
  readonly maskZero: boolean;
  private mask: StepMask | null = null;
  private maskStore = new Uint8Array(0);
  private inputShape: Shape | null = null;
  private dtype: DType = 'float32';
  private embeddings!: FloatArray;
  private dEmbeddings!: FloatArray;
  private indices: Int32Array = new Int32Array(0);
  private rows = 0;
  private outShape: number[] = [];
  private y: FloatArray = new Float32Array(0);
  private dx: FloatArray = new Float32Array(0);

  constructor(options: EmbeddingOptions) {
    const config = EMBEDDING_LAYER.resolve(options);
    this.inputDim = config.inputDim;
    this.outputDim = config.outputDim;
    this.embeddingsInitializer = config.embeddingsInitializer;
    this.inputLength = config.inputLength;
    this.maskZero = config.maskZero;
    this.name = config.name;
  }

  build(inputShape: Shape, ctx: BuildContext): Shape {
    const T = inputShape[0];
    const lengthOk = this.inputLength === null || T === null || T === this.inputLength;
    if (inputShape.length !== 1 || !lengthOk) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}' (Embedding) expects input [batch, timesteps] of integer indices` +
          (this.inputLength === null ? '' : ` with timesteps = inputLength ${this.inputLength}`) +
          ` but received ${formatShape([null, ...inputShape])}`,
      );
    }
    const steps = T ?? this.inputLength;
    this.inputShape = [steps];
    this.dtype = ctx.dtype;
    return [steps, this.outputDim];
  }

  weightSpecs(): readonly WeightSpec[] {
    return [
      { name: 'embeddings', shape: [this.inputDim, this.outputDim], init: DRAWS[this.embeddingsInitializer] },
    ];
  }

  attach(weights: readonly FloatArray[], grads: readonly FloatArray[]): void {
    this.embeddings = weights[0];
    this.dEmbeddings = grads[0];
  }

  // x [B, T] indices; embeddings [inputDim, D]; y [B, T, D]
  forward(x: Tensor): Tensor {
    if (this.inputShape === null)
      throw new SeqcastError('state', `layer '${this.name}': forward() before build()`);
    checkInput(this.name, x, this.inputShape, this.dtype);
    const [B, T] = x.shape;
    const R = B * T;
    const D = this.outputDim;
    if (this.indices.length < R) this.indices = new Int32Array(R);
    for (let r = 0; r < R; r++) {
      const v = x.data[r];
      if (!(Number.isInteger(v) && v >= 0 && v < this.inputDim)) {
        throw new SeqcastError(
          'shape',
          `layer '${this.name}' (Embedding): sample ${Math.floor(r / T)} step ${r % T} holds ${v}, but an index ` +
            `must be an integer in [0, ${this.inputDim}) (inputDim ${this.inputDim})`,
        );
      }
      this.indices[r] = v;
    }
    if (this.y.length < R * D) this.y = allocate(this.dtype, R * D);
    const y = this.y;
    const E = this.embeddings;
    for (let r = 0; r < R; r++) {
      const row = this.indices[r] * D;
      for (let d = 0; d < D; d++) y[r * D + d] = E[row + d];
    }
    this.rows = R;
    this.outShape = [B, T, D];
    if (this.maskZero) {
      if (this.maskStore.length < R) this.maskStore = new Uint8Array(R);
      const m = this.maskStore.subarray(0, R);
      for (let r = 0; r < R; r++) m[r] = this.indices[r] === 0 ? 0 : 1;
      this.mask = { batch: B, steps: T, data: m };
    }
    return { shape: this.outShape, data: y.subarray(0, R * D) };
  }

  // dy [B, T, D]; accumulates into dEmbeddings [inputDim, D]; returns zeros [B, T]
  backward(dy: Tensor): Tensor {
    if (this.outShape.length === 0)
      throw new SeqcastError('state', `layer '${this.name}': backward() called before forward()`);
    const R = this.rows;
    const D = this.outputDim;
    if (dy.data.length !== R * D || dy.shape.length !== 3) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}': the output gradient has shape ${formatShape(dy.shape)}, expected ${formatShape(this.outShape)}`,
      );
    }
    const dE = this.dEmbeddings;
    for (let r = 0; r < R; r++) {
      const row = this.indices[r] * D;
      for (let d = 0; d < D; d++) dE[row + d] += dy.data[r * D + d];
    }
    if (this.dx.length < R) this.dx = allocate(this.dtype, R);
    this.dx.fill(0, 0, R);
    return { shape: this.outShape.slice(0, 2), data: this.dx.subarray(0, R) };
  }

  /** With maskZero: the steps whose index is not 0. */
  outputMask(): StepMask | null {
    return this.maskZero ? this.mask : null;
  }

  getConfig(): EmbeddingConfig & { readonly name: string } {
    return {
      name: this.name,
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: this.embeddingsInitializer,
      maskZero: this.maskZero,
      inputLength: this.inputLength,
    };
  }
}

/** Integer indices → learned vectors: `embedding({ inputDim: 1000, outputDim: 16 })`, [B, T] → [B, T, 16]. */
export function embedding(options: EmbeddingOptions): Embedding {
  return new Embedding(options);
}
