/**
 * Gradient clipping, Keras 3 rules (at most one option is set). All act IN PLACE on the flat gradient array;
 * `segments` are the weight tensors' ranges in it.
 *
 *     clipnorm = c        per tensor:  g ← g · c / max(‖g‖₂, c)
 *     globalClipnorm = c  n = sqrt(Σ_tensors Σ g²);  every g ← g · c / max(n, c)
 *     clipvalue = v       elementwise: g ← min(max(g, −v), v)
 */
import type { FloatArray } from '../tensor.js';

export interface ParamSegment {
  readonly offset: number;
  readonly length: number;
}

export interface ClipOptions {
  /** Clip each weight tensor's gradient to this L2 norm, separately. */
  readonly clipnorm?: number | null;
  /** Clip all gradients together so that their joint L2 norm is at most this. */
  readonly globalClipnorm?: number | null;
  /** Clamp every gradient element to [−clipvalue, clipvalue]. */
  readonly clipvalue?: number | null;
}

/** What clipping did on one step: for the History's "how often did clipping engage". */
export interface ClipReport {
  /** The global L2 norm of the gradients before clipping. */
  readonly normBefore: number;
  /** Whether any gradient was changed. */
  readonly engaged: boolean;
}

export function clipGradients(
  grads: FloatArray,
  segments: readonly ParamSegment[],
  o: ClipOptions,
): ClipReport {
  let total = 0;
  for (let i = 0; i < grads.length; i++) total += grads[i] * grads[i];
  const normBefore = Math.sqrt(total);
  let engaged = false;
  if (o.clipnorm != null) {
    const c = o.clipnorm;
    for (const s of segments) {
      let ss = 0;
      for (let i = s.offset; i < s.offset + s.length; i++) ss += grads[i] * grads[i];
      const norm = Math.sqrt(ss);
      if (norm > c) {
        engaged = true;
        const k = c / norm;
        for (let i = s.offset; i < s.offset + s.length; i++) grads[i] *= k;
      }
    }
  } else if (o.globalClipnorm != null) {
    const c = o.globalClipnorm;
    if (normBefore > c) {
      engaged = true;
      const k = c / normBefore;
      for (let i = 0; i < grads.length; i++) grads[i] *= k;
    }
  } else if (o.clipvalue != null) {
    const v = o.clipvalue;
    for (let i = 0; i < grads.length; i++) {
      const g = grads[i];
      if (g > v) {
        grads[i] = v;
        engaged = true;
      } else if (g < -v) {
        grads[i] = -v;
        engaged = true;
      }
    }
  }
  return { normBefore, engaged };
}
