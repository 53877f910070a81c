import { describe, expect, it } from 'vitest';
import { Random } from '../src/index.js';
import { jsBackend } from '../src/entries/kernels.js';
import { mat } from '../src/kernels/backend.js';

/** C = op(A) · op(B) by the definition, in float64, for comparison. */
function gemmReference(
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float64Array,
  aOff: number,
  lda: number,
  B: Float64Array,
  bOff: number,
  ldb: number,
): number[][] {
  const C: number[][] = [];
  for (let i = 0; i < M; i++) {
    C.push([]);
    for (let j = 0; j < N; j++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[aOff + k * lda + i] : A[aOff + i * lda + k];
        const b = transB ? B[bOff + j * ldb + k] : B[bOff + k * ldb + j];
        s += a * b;
      }
      C[i].push(s);
    }
  }
  return C;
}

function random(n: number, rng: Random): Float64Array {
  return Float64Array.from({ length: n }, () => rng.uniformRange(-1, 1));
}

describe('jsBackend.gemm', () => {
  const shapes = [
    [1, 1, 1],
    [3, 5, 7],
    [7, 3, 5],
    [4, 9, 13],
    [2, 17, 4],
  ];
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const accumulate of [false, true]) {
        it(`gemm(transA=${transA}, transB=${transB}, accumulate=${accumulate}) equals the definition on offset, padded operands`, () => {
          const rng = new Random(7);
          for (const [M, N, K] of shapes) {
            // leading dimensions larger than the logical row length, and non-zero offsets
            const lda = (transA ? M : K) + 2;
            const ldb = (transB ? K : N) + 3;
            const ldc = N + 1;
            const aOff = 5;
            const bOff = 2;
            const cOff = 3;
            const A = random(aOff + (transA ? K : M) * lda, rng);
            const B = random(bOff + (transB ? N : K) * ldb, rng);
            const C = random(cOff + M * ldc, rng);
            const before = C.slice();
            jsBackend.gemm(
              M,
              N,
              K,
              { data: A, offset: aOff, ld: lda, trans: transA },
              { data: B, offset: bOff, ld: ldb, trans: transB },
              mat(C, cOff, ldc),
              accumulate,
            );
            const ref = gemmReference(transA, transB, M, N, K, A, aOff, lda, B, bOff, ldb);
            for (let i = 0; i < M; i++) {
              for (let j = 0; j < N; j++) {
                const expected = ref[i][j] + (accumulate ? before[cOff + i * ldc + j] : 0);
                expect(C[cOff + i * ldc + j]).toBeCloseTo(expected, 12);
              }
              // padding between rows is untouched
              expect(C[cOff + i * ldc + N]).toBe(before[cOff + i * ldc + N]);
            }
            expect(C[0]).toBe(before[0]);
          }
        });
      }
    }
  }

  it('gemm with K = 0 gives zeros, or leaves C unchanged when accumulating', () => {
    const C = new Float64Array([1, 2, 3, 4]);
    jsBackend.gemm(
      2,
      2,
      0,
      mat(new Float64Array(0), 0, 0),
      mat(new Float64Array(0), 0, 2),
      mat(C, 0, 2),
      true,
    );
    expect([...C]).toEqual([1, 2, 3, 4]);
    jsBackend.gemm(
      2,
      2,
      0,
      mat(new Float64Array(0), 0, 0),
      mat(new Float64Array(0), 0, 2),
      mat(C, 0, 2),
      false,
    );
    expect([...C]).toEqual([0, 0, 0, 0]);
  });
});

describe('jsBackend activations', () => {
  const xs = [-40, -3, -0.5, 0, 0.25, 2, 40];
  it('activate(sigmoid) is the logistic function and stays finite at both tails', () => {
    const x = Float64Array.from(xs);
    jsBackend.activate('sigmoid', x, 0, x.length);
    xs.forEach((v, i) => expect(x[i]).toBeCloseTo(1 / (1 + Math.exp(-v)), 15));
  });

  it('activateBackward(act) multiplies by the derivative written from the output', () => {
    const h = 1e-6;
    const f: Record<string, (v: number) => number> = {
      tanh: Math.tanh,
      sigmoid: (v) => 1 / (1 + Math.exp(-v)),
      relu: (v) => Math.max(0, v),
      linear: (v) => v,
    };
    for (const act of ['tanh', 'sigmoid', 'relu', 'linear'] as const) {
      const pts = [-1.3, -0.2, 0.3, 1.7];
      const y = Float64Array.from(pts);
      jsBackend.activate(act, y, 0, y.length);
      const d = Float64Array.from(pts, () => 2);
      jsBackend.activateBackward(act, y, 0, d, 0, d.length);
      pts.forEach((v, i) => expect(d[i]).toBeCloseTo((2 * (f[act](v + h) - f[act](v - h))) / (2 * h), 6));
    }
  });
});

describe('jsBackend.gemm is batch-invariant', () => {
  it('gemm gives every row of A bit-identical results whether it is computed alone or among others', () => {
    const rng = new Random(3);
    for (const [transA, M, N, K] of [
      [false, 5, 7, 9],
      [true, 3, 4, 10],
      [false, 6, 33, 31],
    ] as const) {
      const A = Float32Array.from({ length: M * K }, () => rng.uniformRange(-1, 1));
      const B = Float32Array.from({ length: K * N }, () => rng.uniformRange(-1, 1));
      const all = new Float32Array(M * N);
      jsBackend.gemm(
        M,
        N,
        K,
        { data: A, offset: 0, ld: transA ? M : K, trans: transA },
        mat(B, 0, N),
        mat(all, 0, N),
        false,
      );
      for (let i = 0; i < M; i++) {
        const row = new Float32Array(K);
        for (let k = 0; k < K; k++) row[k] = transA ? A[k * M + i] : A[i * K + k];
        const one = new Float32Array(N);
        jsBackend.gemm(1, N, K, mat(row, 0, K), mat(B, 0, N), mat(one, 0, N), false);
        expect(Array.from(one)).toEqual(Array.from(all.subarray(i * N, (i + 1) * N)));
      }
    }
  });
});
