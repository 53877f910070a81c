/**
 * Masks: which steps of a padded batch are real. A `StepMask` is batch-major [B, T], 1 for a real step and 0
 * for padding, made by a `masking` layer and carried by Sequential to the layers after it (Keras's
 * `compute_mask`): a recurrent layer consumes it, and passes it on when it returns sequences; Dense on
 * sequences passes it on.
 *
 * Keras's rule (keras/src/backend/*\/rnn.py), for a row b at a masked step t:
 *     h_t = h_{t−1}, c_t = c_{t−1}            (every state is carried unchanged)
 *     output_t = h_{t−1}                      (zero_output_for_mask false, the default), or 0 (true:
 *                                             what Bidirectional forces on its halves when returning sequences)
 * so a padded sequence gives, at its real steps and at the end, exactly what it gives alone, unpadded.
 *
 * `CellMask` applies the rule around the backend's step, in the cell's time loop, the same on every backend:
 * forward, after the step, the masked rows of h_t (and c_t) are copied from step t−1. Backward, before the
 * step, the gradient reaching a masked row (dh_t + dhNext, and dcNext) is set aside and zeroed, so the step,
 * which is linear in those, yields zero gate gradients for it (no weight, bias or input gradient from a padded
 * step); after the step the set-aside gradient becomes the row's dhNext (and dcNext): it flows on to h_{t−1}
 * unchanged, as the carried state does. Without a mask nothing here runs.
 */
import type { DType, FloatArray } from '../tensor.js';
import { allocate } from '../tensor.js';

/** Which steps are real: data [B, T] batch-major, 1 = a real step, 0 = padding. */
export interface StepMask {
  readonly batch: number;
  readonly steps: number;
  readonly data: Uint8Array;
}

/** The rule above, for one cell: `mask` is time-major [T, B] in processing order (reversed for goBackwards). */
export class CellMask {
  mask: Uint8Array | null = null;
  private carriedH: FloatArray = new Float32Array(0);
  private carriedC: FloatArray = new Float32Array(0);

  /** Forward, after step t (1-based): masked rows of each state's block t take block t−1's values. */
  carry(t: number, B: number, U: number, ...states: FloatArray[]): void {
    const m = this.mask;
    if (m === null) return;
    for (let b = 0; b < B; b++) {
      if (m[(t - 1) * B + b] !== 0) continue;
      const to = (t * B + b) * U;
      const from = to - B * U;
      for (const s of states) s.copyWithin(to, from, from + U);
    }
  }

  /**
   * Backward, before step t: sets aside and zeroes the gradient reaching each masked row: dh_t + dhNext (and
   * dcNext). `dh` is [T, B, U] with step t's block at t−1; dhNext, dcNext are [B, U].
   */
  hold(t: number, B: number, U: number, dh: FloatArray, dhNext: FloatArray, dcNext: FloatArray | null): void {
    const m = this.mask;
    if (m === null) return;
    const dtype: DType = dh instanceof Float64Array ? 'float64' : 'float32';
    if (
      this.carriedH.length < B * U ||
      dh instanceof Float64Array !== this.carriedH instanceof Float64Array
    ) {
      this.carriedH = allocate(dtype, B * U);
      this.carriedC = allocate(dtype, B * U);
    }
    for (let b = 0; b < B; b++) {
      if (m[(t - 1) * B + b] !== 0) continue;
      const row = b * U;
      const at = ((t - 1) * B + b) * U;
      for (let j = 0; j < U; j++) {
        this.carriedH[row + j] = dh[at + j] + dhNext[row + j];
        dh[at + j] = 0;
        dhNext[row + j] = 0;
      }
      if (dcNext !== null) {
        for (let j = 0; j < U; j++) {
          this.carriedC[row + j] = dcNext[row + j];
          dcNext[row + j] = 0;
        }
      }
    }
  }

  /** Backward, after step t: the set-aside gradients become the masked rows' dhNext (dcNext, and probe). */
  release(
    t: number,
    B: number,
    U: number,
    dhNext: FloatArray,
    dcNext: FloatArray | null,
    probe: FloatArray | null,
  ): void {
    const m = this.mask;
    if (m === null) return;
    for (let b = 0; b < B; b++) {
      if (m[(t - 1) * B + b] !== 0) continue;
      const row = b * U;
      for (let j = 0; j < U; j++) dhNext[row + j] = this.carriedH[row + j];
      if (dcNext !== null) for (let j = 0; j < U; j++) dcNext[row + j] = this.carriedC[row + j];
      if (probe !== null) {
        const at = ((t - 1) * B + b) * U;
        for (let j = 0; j < U; j++) probe[at + j] = this.carriedH[row + j];
      }
    }
  }
}

/** The time-major [T, B] copy of a batch-major mask, reversed in time when `backwards`. */
export function timeMajorMask(mask: StepMask, backwards: boolean, into: Uint8Array): Uint8Array {
  const { batch: B, steps: T, data } = mask;
  const out = into.length >= T * B ? into : new Uint8Array(T * B);
  for (let t = 0; t < T; t++) {
    const src = backwards ? T - 1 - t : t;
    for (let b = 0; b < B; b++) out[t * B + b] = data[b * T + src];
  }
  return out;
}
