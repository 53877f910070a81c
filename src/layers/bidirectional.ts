/**
 * Bidirectional (Keras `Bidirectional`): two copies of a recurrent layer with their own weights, one
 * reading x_1..x_T and one reading x_T..x_1 (the wrapped layer's `goBackwards` flipped), merged.
 *
 * With returnSequences the backward copy's outputs are reversed back, so position t holds the backward state
 * after reading x_T..x_t; without, the backward part is its final state (after reading x_1). Merge modes
 * (f forward, b backward): concat [f, b] on the last axis (2U), sum f + b, mul f ⊙ b, ave (f + b) / 2.
 * Weights: the wrapped layer's, prefixed `forward/`, then the same prefixed `backward/`.
 *
 * Backward: concat splits dy; sum passes dy to both; mul gives df = dy ⊙ b, db = dy ⊙ f; ave dy / 2 to both;
 * dx = dx_forward + dx_backward.
 */
import { SeqcastError } from '../errors.js';
import type { DType, FloatArray, Shape, Tensor } from '../tensor.js';
import { allocate } from '../tensor.js';
import type { BuildContext, Layer, WeightSpec } from './layer.js';
import { checkKnownOptions } from './layer.js';
import { Recurrent } from './recurrent.js';

export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave';
export const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave'];

export interface BidirectionalOptions {
  /** Default 'concat' (as in Keras). */
  readonly mergeMode?: MergeMode;
  readonly name?: string;
}

export class Bidirectional implements Layer {
  name: string;
  readonly className = 'Bidirectional' as const;
  readonly mergeMode: MergeMode;
  readonly forwardLayer: Recurrent;
  readonly backwardLayer: Recurrent;
  private dtype: DType = 'float32';
  private out: FloatArray = new Float32Array(0);
  private dF: FloatArray = new Float32Array(0);
  private dB: FloatArray = new Float32Array(0);
  private dx: FloatArray = new Float32Array(0);
  private f: Tensor | null = null;
  private b: Tensor | null = null;

  constructor(layer: Recurrent, options: BidirectionalOptions = {}) {
    checkKnownOptions('Bidirectional', options, ['mergeMode', 'name']);
    if (!(layer instanceof Recurrent)) {
      throw new SeqcastError('config', 'Bidirectional: the wrapped layer must be a SimpleRNN, LSTM or GRU');
    }
    if (layer.returnState) {
      throw new SeqcastError(
        'config',
        'Bidirectional: a wrapped layer with returnState: true is not supported; wrap one without it',
      );
    }
    const mode = options.mergeMode ?? 'concat';
    if (!MERGE_MODES.includes(mode)) {
      throw new SeqcastError(
        'config',
        `Bidirectional: mergeMode must be one of ${MERGE_MODES.map((m) => `'${m}'`).join(', ')} (got ${JSON.stringify(mode)})`,
      );
    }
    this.mergeMode = mode;
    this.name = options.name ?? '';
    this.forwardLayer = layer.clone({ name: `forward_${layer.name || layer.className.toLowerCase()}` });
    this.backwardLayer = layer.clone({
      name: `backward_${layer.name || layer.className.toLowerCase()}`,
      goBackwards: !layer.goBackwards,
    });
  }

  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  build(inputShape: Shape, ctx: BuildContext): Shape {
    this.dtype = ctx.dtype;
    let shape: Shape;
    try {
      shape = this.forwardLayer.build(inputShape, ctx);
      this.backwardLayer.build(inputShape, ctx);
    } catch (e) {
      if (e instanceof SeqcastError) {
        throw new SeqcastError(e.code, `layer '${this.name}' (Bidirectional): ${e.message}`);
      }
      throw e;
    }
    const U = this.forwardLayer.units;
    const merged = this.mergeMode === 'concat' ? 2 * U : U;
    return [...shape.slice(0, -1), merged];
  }

  weightSpecs(): readonly WeightSpec[] {
    return [
      ...this.forwardLayer.weightSpecs().map((s) => ({ ...s, name: `forward/${s.name}` })),
      ...this.backwardLayer.weightSpecs().map((s) => ({ ...s, name: `backward/${s.name}` })),
    ];
  }

  attach(weights: readonly FloatArray[], grads: readonly FloatArray[]): void {
    const n = this.forwardLayer.weightSpecs().length;
    this.forwardLayer.attach(weights.slice(0, n), grads.slice(0, n));
    this.backwardLayer.attach(weights.slice(n), grads.slice(n));
  }

  // x [B, T, I]; f, b [B, T, U] (sequences) or [B, U]; out [B, T, U'] or [B, U'] with U' = 2U for concat
  forward(x: Tensor): Tensor {
    const f = this.forwardLayer.forward(x);
    const b = this.backwardLayer.forward(x);
    this.f = f;
    this.b = b;
    const U = this.forwardLayer.units;
    const B = x.shape[0];
    const T = this.returnSequences ? x.shape[1] : 1;
    const W = this.mergeMode === 'concat' ? 2 * U : U;
    if (this.out.length < B * T * W) this.out = allocate(this.dtype, B * T * W);
    const out = this.out;
    const fd = f.data;
    const bd = b.data;
    for (let n = 0; n < B; n++) {
      for (let t = 0; t < T; t++) {
        const fo = (n * T + t) * U;
        const bo = (n * T + (T - 1 - t)) * U; // backward outputs re-reversed (T = 1 when not sequences)
        const o = (n * T + t) * W;
        switch (this.mergeMode) {
          case 'concat':
            for (let j = 0; j < U; j++) {
              out[o + j] = fd[fo + j];
              out[o + U + j] = bd[bo + j];
            }
            break;
          case 'sum':
            for (let j = 0; j < U; j++) out[o + j] = fd[fo + j] + bd[bo + j];
            break;
          case 'mul':
            for (let j = 0; j < U; j++) out[o + j] = fd[fo + j] * bd[bo + j];
            break;
          case 'ave':
            for (let j = 0; j < U; j++) out[o + j] = (fd[fo + j] + bd[bo + j]) / 2;
            break;
        }
      }
    }
    const shape = this.returnSequences ? [B, T, W] : [B, W];
    return { shape, data: out.subarray(0, B * T * W) };
  }

  backward(dy: Tensor): Tensor {
    if (this.f === null || this.b === null) {
      throw new SeqcastError('state', `layer '${this.name}': backward() called before forward()`);
    }
    const U = this.forwardLayer.units;
    const B = this.f.shape[0];
    const T = this.returnSequences ? this.f.shape[1] : 1;
    const W = this.mergeMode === 'concat' ? 2 * U : U;
    if (dy.data.length !== B * T * W) {
      throw new SeqcastError(
        'shape',
        `layer '${this.name}': the output gradient holds ${dy.data.length} values, expected ${B * T * W}`,
      );
    }
    if (this.dF.length < B * T * U) {
      this.dF = allocate(this.dtype, B * T * U);
      this.dB = allocate(this.dtype, B * T * U);
    }
    const { dF, dB } = this;
    const fd = this.f.data;
    const bd = this.b.data;
    const g = dy.data;
    for (let n = 0; n < B; n++) {
      for (let t = 0; t < T; t++) {
        const fo = (n * T + t) * U;
        const bo = (n * T + (T - 1 - t)) * U;
        const o = (n * T + t) * W;
        switch (this.mergeMode) {
          case 'concat':
            for (let j = 0; j < U; j++) {
              dF[fo + j] = g[o + j];
              dB[bo + j] = g[o + U + j];
            }
            break;
          case 'sum':
            for (let j = 0; j < U; j++) dF[fo + j] = dB[bo + j] = g[o + j];
            break;
          case 'mul':
            for (let j = 0; j < U; j++) {
              dF[fo + j] = g[o + j] * bd[bo + j];
              dB[bo + j] = g[o + j] * fd[fo + j];
            }
            break;
          case 'ave':
            for (let j = 0; j < U; j++) dF[fo + j] = dB[bo + j] = g[o + j] / 2;
            break;
        }
      }
    }
    const n = B * T * U;
    const dxF = this.forwardLayer.backward({ shape: this.f.shape, data: dF.subarray(0, n) });
    const dxB = this.backwardLayer.backward({ shape: this.b.shape, data: dB.subarray(0, n) });
    if (this.dx.length < dxF.data.length) this.dx = allocate(this.dtype, dxF.data.length);
    const dx = this.dx;
    for (let i = 0; i < dxF.data.length; i++) dx[i] = dxF.data[i] + dxB.data[i];
    return { shape: dxF.shape, data: dx.subarray(0, dxF.data.length) };
  }

  getConfig(): Readonly<Record<string, unknown>> {
    const layer: Record<string, unknown> = { ...this.forwardLayer.getConfig() };
    delete layer.name;
    return {
      name: this.name,
      mergeMode: this.mergeMode,
      layer: { className: this.forwardLayer.className, config: layer },
    };
  }
}

/** Runs a recurrent layer in both directions and merges the two: `bidirectional(lstm({ units: 32 }), { mergeMode: 'concat' })`. */
export function bidirectional(layer: Recurrent, options: BidirectionalOptions = {}): Bidirectional {
  return new Bidirectional(layer, options);
}
