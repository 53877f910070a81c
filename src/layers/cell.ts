/**
 * The contract between a recurrent layer (which owns batch-major ↔ time-major layout, `goBackwards`,
 * `returnSequences`, `returnState` and initial states) and a cell (which owns the whole-sequence kernels:
 * the products over all steps, and the time loop calling the backend's step for each t). Shape letters: T steps, B batch, I input features, U units, G gate blocks.
 *
 * A cell works on time-major buffers, so one step's rows are one contiguous [B, ·] block:
 * - `forward(x, T, B, state0)`: x [T, B, I]; state0[k] [B, U] or null for zeros. Afterwards
 *   `states[k]` holds [T+1, B, U] (block 0 = the initial state, block t = the state after step t):
 *   states[0] is h; an LSTM has states[1] = c.
 * - `backward(dh, dStateT, dx, dState0)`: dh [T, B, U] is dL/dh_t for t = 1..T coming from the layer's
 *   outputs (the cell may overwrite it); dStateT[k] [B, U] is extra gradient on the final state (or null).
 *   Writes dx [T, B, I] and dState0[k] [B, U]; ACCUMULATES weight gradients.
 */
import type { Backend } from '../kernels/backend.js';
import { mat } from '../kernels/backend.js';
import type { FloatArray } from '../tensor.js';
import { allocate } from '../tensor.js';
import type { BuildContext, WeightSpec } from './layer.js';
import type { CellMask } from './mask.js';
import type { CellDropout } from './recurrent-dropout.js';

export interface RecurrentCell {
  readonly units: number;
  /** 1 for SimpleRNN and GRU (h), 2 for LSTM (h, c). */
  readonly stateCount: 1 | 2;
  readonly states: readonly FloatArray[];
  build(inputDim: number, ctx: BuildContext): void;
  weightSpecs(): readonly WeightSpec[];
  attach(weights: readonly FloatArray[], grads: readonly FloatArray[]): void;
  forward(x: FloatArray, T: number, B: number, state0: readonly (FloatArray | null)[]): void;
  backward(
    dh: FloatArray,
    dStateT: readonly (FloatArray | null)[],
    dx: FloatArray,
    dState0: readonly FloatArray[],
  ): void;
  /**
   * Set to a [T, B, U] buffer to have `backward` store dL/dh_t — the whole gradient reaching h_t, from the
   * outputs and from later steps — for every step (gradient flow through time). null (the default) skips it.
   */
  gradientProbe: FloatArray | null;
  /** The mask of the current call (time-major, set by the layer); see mask.ts. */
  readonly masks: CellMask;
  /** The recurrent (and per-gate input) dropout masks of the current call, drawn by the layer. */
  readonly dropout: CellDropout;
  /** Copies of the last forward's states and post-activation gates, each [T, B, U] time-major, by name. */
  internals(): Readonly<Record<string, Float64Array>>;
}

/** Columns [block·U, (block+1)·U) of each [rows, width] row of `src`, as a new [rows, U] array. */
export function columnBlock(
  src: FloatArray,
  rows: number,
  width: number,
  block: number,
  U: number,
): Float64Array {
  const out = new Float64Array(rows * U);
  for (let r = 0; r < rows; r++) for (let j = 0; j < U; j++) out[r * U + j] = src[r * width + block * U + j];
  return out;
}

/**
 * Grows-only buffers, typed by name (`Workspace<'h' | 'c'>`: a misspelt name does not compile):
 * `ensure(T, B)` reallocates only when a call needs more room than any before it, so repeated calls
 * (training batches, a last partial batch, prediction) reuse the same memory. Every buffer is an empty
 * array until its first allocation.
 *
 * Buffers named in `backwardOnly` are grown by `ensureBackward(T, B)` instead, at the start of a backward
 * pass: prediction in large batches (say 1024 windows) then never allocates gradient buffers of that size.
 */
export class Workspace<K extends string> {
  private capT = 0;
  private capB = 0;
  private backT = 0;
  private backB = 0;
  private readonly sizes: Readonly<Record<K, (T: number, B: number) => number>>;
  private readonly backwardOnly: ReadonlySet<K>;
  private readonly dtype: BuildContext['dtype'];
  readonly buf: Record<K, FloatArray>;

  constructor(
    dtype: BuildContext['dtype'],
    sizes: Readonly<Record<K, (T: number, B: number) => number>>,
    backwardOnly: readonly NoInfer<K>[] = [],
  ) {
    this.dtype = dtype;
    this.sizes = sizes;
    this.backwardOnly = new Set(backwardOnly);
    const empty = allocate(dtype, 0);
    this.buf = {} as Record<K, FloatArray>;
    for (const name of this.names()) this.buf[name] = empty;
  }

  /** capT · capB: enough for one [T, B] plane of any forward call so far. */
  capacity(): number {
    return this.capT * this.capB;
  }

  /** Grows the forward buffers; returns true when they were (re)allocated. */
  ensure(T: number, B: number): boolean {
    if (T <= this.capT && B <= this.capB) return false;
    this.capT = Math.max(T, this.capT);
    this.capB = Math.max(B, this.capB);
    this.allocate(false, this.capT, this.capB);
    return true;
  }

  /** Grows the backward-only buffers. */
  ensureBackward(T: number, B: number): void {
    if (T <= this.backT && B <= this.backB) return;
    this.backT = Math.max(T, this.backT);
    this.backB = Math.max(B, this.backB);
    this.allocate(true, this.backT, this.backB);
  }

  private names(): K[] {
    return Object.keys(this.sizes) as K[];
  }

  private allocate(backward: boolean, T: number, B: number): void {
    for (const name of this.names()) {
      if (this.backwardOnly.has(name) === backward)
        this.buf[name] = allocate(this.dtype, this.sizes[name](T, B));
    }
  }
}

/** Copies state0 (or zeros) into block 0 of a [T+1, B, U] state buffer. */
export function loadInitialState(states: FloatArray, init: FloatArray | null, n: number): void {
  if (init === null) states.fill(0, 0, n);
  else states.set(init.length === n ? init : init.subarray(0, n), 0);
}

/** Adds the bias row to every one of `rows` rows of width `n` of `out`, starting at `off`. */
export function fillRowsWithBias(
  out: FloatArray,
  off: number,
  rows: number,
  bias: FloatArray | null,
  bOff: number,
  n: number,
): void {
  if (bias === null) {
    out.fill(0, off, off + rows * n);
    return;
  }
  if (rows === 0) return;
  for (let j = 0; j < n; j++) out[off + j] = bias[bOff + j];
  // then double the filled rows with memmove-speed copies (W3's 1536 rows × 192: 25 µs against 275 µs for
  // a per-row loop, medians of 5 in one process)
  for (let done = 1; done < rows; done *= 2) {
    const m = Math.min(done, rows - done);
    out.copyWithin(off + done * n, off, off + m * n);
  }
}

/**
 * dBias[bOff + j] += Σ_r dz[off + r·ld + j] for j < n: the bias gradient, column sums. Accumulates.
 * Computed as the product onesᵀ · dz by the backend, so it runs as fast as the weight gradients.
 */
export function accumulateColumnSums(
  be: Backend,
  dz: FloatArray,
  off: number,
  rows: number,
  ld: number,
  n: number,
  dBias: FloatArray,
  bOff: number,
): void {
  if (rows === 0 || n === 0) return;
  const ones = onesOf(dz instanceof Float64Array ? 'float64' : 'float32', rows);
  be.gemm(1, n, rows, mat(ones, 0, rows), mat(dz, off, ld), mat(dBias, bOff, n), true);
}

const onesCache: { float32: FloatArray; float64: FloatArray } = {
  float32: new Float32Array(0),
  float64: new Float64Array(0),
};

/** A shared array of at least `n` ones (grown as needed, never written by its users). */
function onesOf(dtype: 'float32' | 'float64', n: number): FloatArray {
  if (onesCache[dtype].length < n) {
    const size = Math.max(n, 2 * onesCache[dtype].length);
    onesCache[dtype] = (dtype === 'float64' ? new Float64Array(size) : new Float32Array(size)).fill(1);
  }
  return onesCache[dtype];
}
