/**
 * Keras's default initialisers, drawn from seqcast's seeded generator (so a seed reproduces them bit for bit;
 * the numbers differ from Keras's own, which uses another generator, but the distributions are Keras's).
 *
 * - glorotUniform: U(-l, l) with l = sqrt(6 / (fanIn + fanOut)); for a 2-D kernel [in, out] fanIn = in,
 *   fanOut = out (Keras `GlorotUniform`).
 * - orthogonal: Keras 3 `Orthogonal(gain)`: a normal matrix of shape (max(r, c), min(r, c)), its QR
 *   decomposition, Q's columns multiplied by sign(diag(R)), transposed when r < c. A recurrent kernel
 *   [U, G·U] therefore has orthonormal rows.
 * - zeros; unitForgetBias: zeros except the forget-gate block [U, 2U) of an LSTM bias, which is 1.
 * - randomUniform: U(minval, maxval) (Keras `RandomUniform`; Keras's 'uniform', the Embedding default, is
 *   RandomUniform(-0.05, 0.05)).
 * - pytorchUniform: U(-1/sqrt(fanIn), 1/sqrt(fanIn)), PyTorch's default (torch/nn/modules): nn.RNN, nn.LSTM and
 *   nn.GRU draw every weight and bias so with fanIn = hidden_size (`reset_parameters`, stdv = 1/sqrt(hidden));
 *   nn.Linear draws its weight with kaiming_uniform_(a = sqrt(5)), whose bound gain·sqrt(3/fan_in) with
 *   gain = sqrt(2/(1 + a²)) = sqrt(1/3) is 1/sqrt(fan_in), and its bias with 1/sqrt(fan_in): fanIn = in_features.
 *   (Seqcast's generator, not torch's: the distribution is PyTorch's, the numbers are not.)
 */
import type { Random } from './random.js';
import type { FloatArray } from './tensor.js';

export type Initializer =
  | { readonly kind: 'zeros' }
  | { readonly kind: 'glorotUniform' }
  | { readonly kind: 'orthogonal'; readonly gain: number }
  | { readonly kind: 'unitForgetBias'; readonly units: number }
  | { readonly kind: 'randomUniform'; readonly minval: number; readonly maxval: number }
  | { readonly kind: 'pytorchUniform'; readonly fanIn: number };

export function initialize(init: Initializer, shape: readonly number[], out: FloatArray, rng: Random): void {
  switch (init.kind) {
    case 'zeros':
      out.fill(0);
      return;
    case 'unitForgetBias':
      out.fill(0);
      out.fill(1, init.units, 2 * init.units);
      return;
    case 'glorotUniform': {
      const [fanIn, fanOut] = fans(shape);
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      for (let i = 0; i < out.length; i++) out[i] = rng.uniformRange(-limit, limit);
      return;
    }
    case 'orthogonal':
      orthogonal(shape, out, rng, init.gain);
      return;
    case 'randomUniform':
      for (let i = 0; i < out.length; i++) out[i] = rng.uniformRange(init.minval, init.maxval);
      return;
    case 'pytorchUniform': {
      const bound = 1 / Math.sqrt(init.fanIn);
      for (let i = 0; i < out.length; i++) out[i] = rng.uniformRange(-bound, bound);
      return;
    }
  }
}

/** Keras `compute_fans`: a 1-D shape has fanIn = fanOut = its length; a 2-D one [in, out]. */
function fans(shape: readonly number[]): [number, number] {
  if (shape.length === 1) return [shape[0], shape[0]];
  const receptive = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

function orthogonal(shape: readonly number[], out: FloatArray, rng: Random, gain: number): void {
  const cols = shape[shape.length - 1];
  const rows = out.length / cols;
  const m = Math.max(rows, cols);
  const n = Math.min(rows, cols);
  const a = new Float64Array(m * n); // [m, n] row-major
  for (let i = 0; i < a.length; i++) a[i] = rng.normal();
  const q = householderQ(a, m, n); // [m, n], columns orthonormal, sign-fixed so diag(R) > 0
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const v = gain * q[i * n + j];
      if (rows < cols)
        out[j * cols + i] = v; // transpose: out [rows = n, cols = m]
      else out[i * cols + j] = v;
    }
  }
}

/**
 * Thin Q of the QR decomposition of `a` [m, n] (m ≥ n) by Householder reflections, with each column of Q
 * multiplied by the sign of the matching diagonal entry of R (as Keras does), so the result is unique.
 */
export function householderQ(a: Float64Array, m: number, n: number): Float64Array {
  const r = Float64Array.from(a);
  const vs: Float64Array[] = [];
  const diagSign = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let norm = 0;
    for (let i = k; i < m; i++) norm += r[i * n + k] * r[i * n + k];
    norm = Math.sqrt(norm);
    const alpha = r[k * n + k] > 0 ? -norm : norm;
    const v = new Float64Array(m);
    for (let i = k; i < m; i++) v[i] = r[i * n + k];
    v[k] -= alpha;
    let vNorm2 = 0;
    for (let i = k; i < m; i++) vNorm2 += v[i] * v[i];
    if (vNorm2 > 0) {
      for (let j = k; j < n; j++) {
        let dot = 0;
        for (let i = k; i < m; i++) dot += v[i] * r[i * n + j];
        const s = (2 * dot) / vNorm2;
        for (let i = k; i < m; i++) r[i * n + j] -= s * v[i];
      }
    }
    vs.push(v);
    diagSign[k] = r[k * n + k] < 0 ? -1 : 1;
  }
  // Q = H_0 H_1 … H_{n-1} applied to the first n columns of the identity.
  const q = new Float64Array(m * n);
  for (let j = 0; j < n; j++) q[j * n + j] = 1;
  for (let k = n - 1; k >= 0; k--) {
    const v = vs[k];
    let vNorm2 = 0;
    for (let i = k; i < m; i++) vNorm2 += v[i] * v[i];
    if (vNorm2 === 0) continue;
    for (let j = 0; j < n; j++) {
      let dot = 0;
      for (let i = k; i < m; i++) dot += v[i] * q[i * n + j];
      const s = (2 * dot) / vNorm2;
      for (let i = k; i < m; i++) q[i * n + j] -= s * v[i];
    }
  }
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) q[i * n + j] *= diagSign[j];
  return q;
}
