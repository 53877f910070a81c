/**
 * A stack of layers in which each layer consumes the previous one's output.
 *
 * Building checks every layer's input shape and names the layer, what it received and what it expected.
 * All weights of all layers live in ONE contiguous array (`params`), gradients mirrored in `grads`, with a
 * named view per weight: zeroing gradients, optimiser updates and global-norm clipping are single flat
 * loops. Weight names are `layer/weight` in Keras layout (`lstm/kernel`, `bidirectional/forward/bias`).
 * Stateful layers carry their states from one forward pass to the next (fit, evaluate, predict alike, as in
 * Keras); `predictStep` streams on layers of its own (stream.ts).
 */
import { SeqcastError } from '../errors.js';
import { initialize } from '../initializers.js';
import type { BackendChoice } from '../kernels/select.js';
import { resolveBackend } from '../kernels/select.js';
import type { BuildContext, Layer, WeightSpec } from '../layers/layer.js';
import type { StepMask } from '../layers/mask.js';
import type { ParamSegment } from '../optim/clip.js';
import type { CompiledModel, CompileOptions } from './compile.js';
import { checkInputShapeOption, checkWeightValue, matchWeights, nameLayer } from './checks.js';
import { checkCompileOptions } from './compile.js';
import type { EvaluateOptions, FitOptions, History, PredictOptions } from './fit.js';
import { evaluate, fit, predict } from './fit.js';
import type { TensorLike } from './inputs.js';
import {
  allocateWeights,
  checkBatchSizeOption,
  checkLayerOutput,
  checkModelInput,
  nextMask,
  statefulLayers,
} from './between-layers.js';
import { Stream } from './stream.js';
import { formatSummary } from './summary.js';
import { checkOptions } from '../options.js';
import { Random } from '../random.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor.js';
import { allocate, dtypeOf, firstNonFinite, formatShape, sizeOf, unravelIndex } from '../tensor.js';

export interface SequentialOptions {
  /** The input shape without the batch axis: [timesteps, features] (timesteps may be null), or [features]. */
  readonly inputShape: Shape;
  /**
   * The fixed batch size (Keras `batch_size`, `batch_input_shape[0]`) stateful layers need and every batch then
   * has. Without stateful layers it is only recorded, and any batch size runs, as in tf.keras.
   */
  readonly batchSize?: number;
  /** Seed of the weight initialisers; the same seed gives bit-identical weights. Default: drawn at random. */
  readonly seed?: number;
  /** Default 'float32'. 'float64' runs the same code in double precision (gradient checks, references). */
  readonly dtype?: DType;
  /**
   * What computes the products: 'auto' (default: the native kernel where built, else WebAssembly SIMD, else
   * JavaScript; always JavaScript for float64), a name to force one, or a Backend object.
   */
  readonly backend?: BackendChoice;
}

/** A weight or gradient with its full name, e.g. `lstm/recurrent_kernel`. */
export interface NamedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: FloatArray;
}

interface WeightEntry {
  readonly name: string;
  readonly layer: number;
  readonly shape: readonly number[];
  readonly offset: number;
  readonly length: number;
  readonly value: FloatArray;
  readonly grad: FloatArray;
}

export class Sequential {
  readonly inputShape: Shape;
  readonly dtype: DType;
  readonly seed: number;
  /** The fixed batch size, or null (any). */
  readonly batchSize: number | null;
  /** Set by a callback (or by you, from one) to end `fit` after the current epoch, as in Keras. */
  stopTraining = false;
  private readonly layerList: Layer[] = [];
  private readonly ctx: BuildContext;
  private readonly rng: Random;
  private paramArray: FloatArray;
  private gradArray: FloatArray;
  private entries: WeightEntry[] = [];
  private readonly layerShapes: Shape[];
  private outputs: Tensor[] = [];
  private lastMask: StepMask | null = null;
  private compiledWith: CompiledModel | null = null;
  /** Model-dtype copies of an input / output gradient given in the other dtype (never shared: Dense keeps its input). */
  private convertedInput: FloatArray = new Float32Array(0);
  private convertedGradient: FloatArray = new Float32Array(0);
  /** predictStep's stream (its own layers on these weights), made by the first call after a reset. */
  private stream: Stream | null = null;
  /** The batch size every forward pass must have: `batchSize` when a layer is stateful, else null. */
  private statefulBatch: number | null = null;

  constructor(layers: readonly Layer[], options: SequentialOptions) {
    checkOptions('sequential()', options, ['inputShape', 'batchSize', 'seed', 'dtype', 'backend']);
    checkInputShapeOption(options.inputShape);
    this.inputShape = [...options.inputShape];
    this.batchSize = checkBatchSizeOption(options.batchSize);
    this.dtype = options.dtype ?? 'float32';
    if (this.dtype !== 'float32' && this.dtype !== 'float64') {
      throw new SeqcastError(
        'config',
        `sequential(): dtype must be 'float32' or 'float64' (got ${String(this.dtype)})`,
      );
    }
    this.seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
    this.ctx = {
      dtype: this.dtype,
      backend: resolveBackend(options.backend, this.dtype),
      seed: this.seed,
      ...(this.batchSize === null ? {} : { batchSize: this.batchSize }),
    };
    this.rng = new Random(this.seed);
    this.layerShapes = [this.inputShape];
    this.paramArray = allocate(this.dtype, 0);
    this.gradArray = allocate(this.dtype, 0);
    if (!Array.isArray(layers)) {
      throw new SeqcastError('config', 'sequential(): layers must be an array of layers');
    }
    this.addAll(layers, building);
  }

  /** The backend computing this model's products: 'native', 'wasm', 'js' or a custom backend's name. */
  get backendName(): string {
    return this.ctx.backend.name;
  }

  get layers(): readonly Layer[] {
    return this.layerList;
  }

  /** The output shape without the batch axis (the input shape while the model has no layer). */
  get outputShape(): Shape {
    return this.layerShapes[this.layerShapes.length - 1];
  }

  /** Every weight of the model, contiguous, in layer order then Keras weight order. */
  get params(): FloatArray {
    return this.paramArray;
  }

  /** Gradients, laid out exactly like `params`. `backward` accumulates into it; `zeroGrad` clears it. */
  get grads(): FloatArray {
    return this.gradArray;
  }

  /**
   * Appends a layer: builds it on the current output shape (a mismatch names the layer and both shapes),
   * initialises its weights from the model's seeded generator, and keeps every existing weight. Building
   * all layers at once or adding them one by one gives bit-identical weights.
   */
  add(layer: Layer): this {
    if (this.compiledWith !== null) {
      throw new SeqcastError(
        'state',
        `add(): the model is already compiled; add every layer before compile()`,
      );
    }
    this.addAll([layer], null);
    return this;
  }

  /**
   * Builds `layers` on the current output shape, then allocates the weights of all of them at once and
   * initialises them in layer order, then weight order (so adding one by one or all at once gives the same
   * weights). With `load` (models read from a file), the parameter count is checked against the file's before
   * anything is allocated, and nothing is initialised: the file's weights are set next.
   */
  private addAll(layers: readonly Layer[], load: LoadBuild | null): void {
    const built: { layer: Layer; shape: Shape; specs: readonly WeightSpec[] }[] = [];
    let shape = this.outputShape;
    let added = 0;
    for (const layer of layers) {
      if ('returnState' in layer && layer.returnState === true) {
        throw new SeqcastError(
          'config',
          `layer '${layer.name || layer.className}' has returnState: true, which makes several outputs; in a sequential ` +
            `stack each layer passes one tensor on — call the layer's call() directly to get its states`,
        );
      }
      nameLayer(layer, [...this.layerList, ...built.map((b) => b.layer)]);
      shape = layer.build(shape, this.ctx);
      const specs = layer.weightSpecs();
      added += specs.reduce((n, sp) => n + sizeOf(sp.shape), 0);
      built.push({ layer, shape, specs });
    }
    load?.check(
      built.flatMap((b) => b.specs.map((sp) => ({ name: `${b.layer.name}/${sp.name}`, shape: sp.shape }))),
    );
    const oldLength = this.paramArray.length;
    const total = oldLength + added;
    const [params, grads] = allocateWeights(this.dtype, total, built[built.length - 1]?.layer);
    params.set(this.paramArray);
    grads.set(this.gradArray);
    let offset = oldLength;
    const newEntries: Omit<WeightEntry, 'value' | 'grad'>[] = [];
    for (const { layer, shape: outShape, specs } of built) {
      const index = this.layerList.length;
      for (const spec of specs) {
        const n = sizeOf(spec.shape);
        if (load === null) initialize(spec.init, spec.shape, params.subarray(offset, offset + n), this.rng);
        newEntries.push({
          name: `${layer.name}/${spec.name}`,
          layer: index,
          shape: spec.shape,
          offset,
          length: n,
        });
        offset += n;
      }
      this.layerList.push(layer);
      this.layerShapes.push(outShape);
    }
    this.paramArray = params;
    this.gradArray = grads;
    this.stream = null; // its layers hold views of the old arrays
    this.statefulBatch = statefulLayers(this.layerList).length > 0 ? this.batchSize : null;
    // every layer gets views into the new arrays
    this.entries = [...this.entries, ...newEntries].map((e) => ({
      ...e,
      value: params.subarray(e.offset, e.offset + e.length),
      grad: grads.subarray(e.offset, e.offset + e.length),
    }));
    const byLayer: WeightEntry[][] = this.layerList.map(() => []);
    for (const e of this.entries) byLayer[e.layer].push(e);
    this.layerList.forEach((l, i) =>
      l.attach(
        byLayer[i].map((e) => e.value),
        byLayer[i].map((e) => e.grad),
      ),
    );
  }

  /** Sets the optimiser, the loss and the metrics that `fit` and `evaluate` use. */
  compile(options: CompileOptions): this {
    this.compiledWith = checkCompileOptions(options);
    return this;
  }

  /**
   * Trains on (x, y) — tensors or nested arrays, x [N, ...inputShape], y [N, ...outputShape] — and returns
   * the History. See FitOptions for batching, shuffling, validation and callbacks.
   */
  fit(x: TensorLike, y: TensorLike, options: FitOptions = {}): Promise<History> {
    return fit(this, x, y, options);
  }

  /** The loss and compiled metrics on (x, y). */
  evaluate(x: TensorLike, y: TensorLike, options: EvaluateOptions = {}): Record<string, number> {
    return evaluate(this, x, y, options);
  }

  /** The output for every sample of x, in batches (bounded memory for any N); a new tensor. */
  predict(x: TensorLike, options: PredictOptions = {}): Tensor {
    return predict(this, x, options);
  }

  /**
   * A Keras-like table of layers, output shapes and parameter counts. Printed with console.log, as in
   * Keras and TF.js, unless another printer is given (`null`: only return the text).
   */
  summary(print: ((text: string) => void) | null = console.log): string {
    const text = formatSummary(
      'sequential',
      this.layerList.map((l, i) => ({
        name: l.name,
        className: l.className,
        outputShape: this.layerShapes[i + 1],
        params: this.entries.filter((e) => e.layer === i).reduce((n, e) => n + e.length, 0),
      })),
    );
    print?.(text);
    return text;
  }

  /** What `compile` was given (the optimiser instance keeps its state across `fit` calls). */
  get compiled(): Readonly<CompiledModel> | null {
    return this.compiledWith;
  }

  /** The output of the last `forward` for each layer (views, valid until the next forward). */
  get layerOutputs(): readonly Tensor[] {
    return this.outputs;
  }

  /**
   * Runs every layer on x ([B, ...inputShape]) and returns the last output: a view, valid until the next
   * call. Input and every layer's output are checked for NaN and ±Infinity.
   */
  forward(x: Tensor, training = false): Tensor {
    if (this.layerList.length === 0)
      throw new SeqcastError('state', 'forward(): the model has no layers yet; add() some');
    let h = this.checkInput(x);
    this.outputs = [];
    let mask: StepMask | null = null;
    for (const layer of this.layers) {
      // the mask goes with the data: a masking layer makes it, recurrent layers read it (see layers/mask.ts)
      layer.setInputMask?.(mask);
      const input = h;
      h = layer.forward(h, training);
      mask = nextMask(layer, mask, input, h);
      checkLayerOutput(layer, h, '');
      this.outputs.push(h);
    }
    this.lastMask = mask;
    return h;
  }

  /**
   * The mask the last forward pass's output carries ([B, T], 1 = a real step), or null: a model that returns
   * sequences of padded input, after a masking layer. Its loss must leave the masked steps out.
   */
  get outputMask(): StepMask | null {
    return this.lastMask;
  }

  /** Whether any layer is stateful (a Bidirectional one counts when it wraps a stateful layer). */
  get stateful(): boolean {
    return this.statefulBatch !== null;
  }

  /** Zeroes every stateful layer's states (Keras `model.reset_states()`) and ends `predictStep`'s stream. */
  resetStates(): void {
    for (const layer of statefulLayers(this.layerList)) layer.resetStates();
    this.stream = null;
  }

  /** Keras 3's name for `resetStates`. */
  resetState(): void {
    this.resetStates();
  }

  /**
   * Advances every sequence of a stream by one time step, x [B, F] or [B, 1, F] (indices: [B] or [B, 1]), and
   * returns the output (a new tensor): step t gives what `predict` gives at step t of the whole sequence, or,
   * for a last-output model, after the last step. B is fixed by the first step after `resetStates()`; `predict`
   * stays stateless; no Bidirectional or goBackwards layer (see stream.ts).
   */
  predictStep(x: TensorLike): Tensor {
    this.stream ??= new Stream(this.layerList, this.inputShape, this.ctx, (i) => this.layerViews(i));
    return this.stream.step(x);
  }

  /**
   * Backpropagates dL/d(output) through the last `forward`, ACCUMULATING weight gradients into `grads`,
   * and returns dL/d(input) (a view, valid until the next call).
   */
  backward(dy: Tensor): Tensor {
    if (this.outputs.length === 0) throw new SeqcastError('state', 'backward() called before forward()');
    const out = this.outputs[this.outputs.length - 1];
    if (dy.shape.length !== out.shape.length || dy.shape.some((d, a) => d !== out.shape[a])) {
      throw new SeqcastError(
        'shape',
        `backward(): the output gradient has shape ${formatShape(dy.shape)}, expected the output's shape ${formatShape(out.shape)}`,
      );
    }
    const bad = firstNonFinite(dy.data);
    if (bad >= 0) {
      throw new SeqcastError(
        'non-finite',
        `backward(): the output gradient holds ${dy.data[bad]} at index ${bad}`,
      );
    }
    let g = dy;
    if (dtypeOf(dy.data) !== this.dtype) {
      this.convertedGradient = this.convert(dy.data, this.convertedGradient);
      g = { shape: dy.shape, data: this.convertedGradient };
    }
    for (let i = this.layers.length - 1; i >= 0; i--) g = this.layers[i].backward(g);
    const badGrad = firstNonFinite(this.grads);
    if (badGrad >= 0) {
      const e = this.entries.find((w) => badGrad >= w.offset && badGrad < w.offset + w.value.length)!;
      throw new SeqcastError(
        'non-finite',
        `backward(): the gradient of '${e.name}' holds ${this.grads[badGrad]} at ` +
          `${formatShape(unravelIndex(badGrad - e.offset, e.shape))}: the gradients exploded; clip them ` +
          `(clipnorm / globalClipnorm) or lower the learning rate`,
      );
    }
    return g;
  }

  zeroGrad(): void {
    this.grads.fill(0);
  }

  /** Views of the weights by full name, in model order (writing to them changes the model). */
  weights(): readonly NamedTensor[] {
    return this.entries.map((e) => ({ name: e.name, shape: e.shape, data: e.value }));
  }

  /** Views of the gradients by full name, in the same order as `weights()`. */
  gradients(): readonly NamedTensor[] {
    return this.entries.map((e) => ({ name: e.name, shape: e.shape, data: e.grad }));
  }

  /** Copies of the weights, by full name. */
  getWeights(): NamedTensor[] {
    return this.entries.map((e) => ({ name: e.name, shape: [...e.shape], data: e.value.slice() }));
  }

  /**
   * Sets weights by full name. Every weight of the model must be given, once, with its exact shape and
   * finite values; nothing is changed unless all of them check out.
   */
  setWeights(weights: readonly { name: string; shape: readonly number[]; data: ArrayLike<number> }[]): void {
    const byName = matchWeights(this.entries, weights);
    for (const e of this.entries) e.value.set(byName.get(e.name)!.data);
  }

  /** Sets one weight by full name, checking its shape and values. */
  setWeight(name: string, shape: readonly number[], data: ArrayLike<number>): void {
    const entry = this.entries.find((e) => e.name === name);
    if (entry === undefined) {
      throw new SeqcastError(
        'weights',
        `setWeight(): the model has no weight '${name}'; its weights are ${this.entries.map((e) => `'${e.name}'`).join(', ')}`,
      );
    }
    checkWeightValue(entry, { name, shape, data });
    entry.value.set(data);
  }

  /** Each weight's range in `params` / `grads`, in model order (what per-tensor clipping needs). */
  segments(): readonly ParamSegment[] {
    return this.entries.map((e) => ({ offset: e.offset, length: e.value.length }));
  }

  /** The number of trainable values. */
  countParams(): number {
    return this.params.length;
  }

  /** Input shape of layer i (without batch axis), as checked at build time. */
  layerInputShape(i: number): Shape {
    return this.layerShapes[i];
  }

  /** Layer i's weight and gradient views, in its weightSpecs order (what its `attach` was given). */
  private layerViews(i: number): { weights: FloatArray[]; grads: FloatArray[] } {
    const mine = this.entries.filter((e) => e.layer === i);
    return { weights: mine.map((e) => e.value), grads: mine.map((e) => e.grad) };
  }

  private checkInput(x: Tensor): Tensor {
    checkModelInput(x, this.inputShape, this.layerList[0], this.statefulBatch);
    if (dtypeOf(x.data) === this.dtype) return x;
    this.convertedInput = this.convert(x.data, this.convertedInput);
    return { shape: x.shape, data: this.convertedInput };
  }

  /** Copies data into `into` (reallocated in the model's dtype when it does not fit) and returns it. */
  private convert(data: FloatArray, into: FloatArray): FloatArray {
    const out =
      into.length === data.length && dtypeOf(into) === this.dtype ? into : allocate(this.dtype, data.length);
    out.set(data);
    return out;
  }
}

/** How a model read from a file is built: no initialisers, and its weights checked against the file's first. */
interface LoadBuild {
  /** Throws unless the file holds exactly these weights; called before anything is allocated. */
  check(weights: readonly { readonly name: string; readonly shape: readonly number[] }[]): void;
}

/** Set only while modelForWeights constructs. */
let building: LoadBuild | null = null;

/**
 * A model whose weights come from a file (model.json and its weights): built without running any
 * initialiser, and `check`ed, before its weights are allocated, against the weights the file holds: a
 * 2.7 KB model.json with `units: 30000` is an error at once, not 13 GiB of initialised weights. Not public
 * API: `fromArtifacts` and `loadModel` use it.
 */
export function modelForWeights(
  layers: readonly Layer[],
  options: SequentialOptions,
  check: LoadBuild['check'],
): Sequential {
  building = { check };
  try {
    return new Sequential(layers, options);
  } finally {
    building = null;
  }
}

/** Builds a sequential stack: `sequential([lstm({ units: 32 }), dense({ units: 1 })], { inputShape: [12, 1] })`. */
export function sequential(layers: readonly Layer[], options: SequentialOptions): Sequential {
  return new Sequential(layers, options);
}
