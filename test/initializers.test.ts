import { describe, expect, it } from 'vitest';
import { gru, lstm, Random, sequential, simpleRNN } from '../src/index.js';
import { householderQ } from '../src/initializers.js';

function weight(model: ReturnType<typeof sequential>, name: string): Float32Array | Float64Array {
  const w = model.weights().find((x) => x.name === name);
  if (w === undefined) throw new Error(`no weight ${name}`);
  return w.data;
}

describe('Keras initialisers from a seeded generator', () => {
  it('sequential({ seed }) gives bit-identical weights for the same seed and different ones for another', () => {
    const build = (seed: number) => sequential([lstm({ units: 5 })], { inputShape: [3, 2], seed });
    expect(build(11).params).toEqual(build(11).params);
    expect(build(11).params).not.toEqual(build(12).params);
  });

  it('glorotUniform kernels stay within ±sqrt(6 / (fanIn + fanOut)) and fill the range', () => {
    const m = sequential([gru({ units: 20 })], { inputShape: [4, 10], seed: 3 });
    const k = weight(m, 'gru/kernel'); // [10, 60]
    const limit = Math.sqrt(6 / (10 + 60));
    expect(Math.max(...k)).toBeLessThanOrEqual(limit);
    expect(Math.min(...k)).toBeGreaterThanOrEqual(-limit);
    expect(Math.max(...k)).toBeGreaterThan(0.9 * limit);
    expect(Math.min(...k)).toBeLessThan(-0.9 * limit);
  });

  it('orthogonal recurrent kernels [U, G·U] have orthonormal rows', () => {
    const U = 6;
    const m = sequential([lstm({ units: U })], { inputShape: [2, 1], seed: 4, dtype: 'float64' });
    const r = weight(m, 'lstm/recurrent_kernel'); // [6, 24]
    for (let i = 0; i < U; i++) {
      for (let j = 0; j < U; j++) {
        let dot = 0;
        for (let k = 0; k < 4 * U; k++) dot += r[i * 4 * U + k] * r[j * 4 * U + k];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('orthogonal square kernels are orthogonal matrices', () => {
    const U = 7;
    const m = sequential([simpleRNN({ units: U })], { inputShape: [2, 1], seed: 5, dtype: 'float64' });
    const r = weight(m, 'simple_rnn/recurrent_kernel');
    for (let i = 0; i < U; i++) {
      for (let j = 0; j < U; j++) {
        let dot = 0;
        for (let k = 0; k < U; k++) dot += r[k * U + i] * r[k * U + j];
        expect(dot).toBeCloseTo(i === j ? 1 : 0, 12);
      }
    }
  });

  it('householderQ(a) reproduces a = Q·R with R upper triangular and a positive diagonal', () => {
    const rng = new Random(9);
    const m = 7;
    const n = 4;
    const a = Float64Array.from({ length: m * n }, () => rng.normal());
    const q = householderQ(a, m, n);
    // R = Qᵀ a must be upper triangular with a positive diagonal, and Q R = a.
    const r = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) for (let k = 0; k < m; k++) r[i * n + j] += q[k * n + i] * a[k * n + j];
    for (let i = 0; i < n; i++) {
      expect(r[i * n + i]).toBeGreaterThan(0);
      for (let j = 0; j < i; j++) expect(r[i * n + j]).toBeCloseTo(0, 12);
    }
    for (let k = 0; k < m; k++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0; i < n; i++) s += q[k * n + i] * r[i * n + j];
        expect(s).toBeCloseTo(a[k * n + j], 12);
      }
    }
  });

  it('LSTM biases start at zero except the forget block, which is 1 (unit forget bias)', () => {
    const m = sequential([lstm({ units: 3 })], { inputShape: [2, 1], seed: 1 });
    expect([...weight(m, 'lstm/bias')]).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    const off = sequential([lstm({ units: 2, unitForgetBias: false })], { inputShape: [2, 1], seed: 1 });
    expect([...weight(off, 'lstm/bias')]).toEqual(new Array(8).fill(0));
  });

  it('GRU with resetAfter has a [2, 3U] zero bias; without, a [3U] one', () => {
    const a = sequential([gru({ units: 2 })], { inputShape: [2, 1], seed: 1 });
    expect(a.weights().map((w) => [w.name, w.shape])).toEqual([
      ['gru/kernel', [1, 6]],
      ['gru/recurrent_kernel', [2, 6]],
      ['gru/bias', [2, 6]],
    ]);
    const b = sequential([gru({ units: 2, resetAfter: false })], { inputShape: [2, 1], seed: 1 });
    expect(b.weights()[2].shape).toEqual([6]);
    expect([...weight(b, 'gru/bias')]).toEqual(new Array(6).fill(0));
  });
});

describe('Random', () => {
  it('Random(seed).uniform() repeats for a seed and lies in [0, 1)', () => {
    const a = new Random(42);
    const b = new Random(42);
    for (let i = 0; i < 1000; i++) {
      const v = a.uniform();
      expect(v).toBe(b.uniform());
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
    }
  });

  it('Random.normal() has mean ≈ 0 and variance ≈ 1 over 20 000 draws', () => {
    const rng = new Random(1);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const v = rng.normal();
      s += v;
      s2 += v * v;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.04);
  });
});
