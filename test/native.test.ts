/**
 * The native kernel (native/, loaded by src/kernels/native.ts) against the JavaScript oracle, and its
 * determinism contract: C[i, j] is one float32 fused multiply-add chain over k = 0 … K−1 (a separate
 * multiply and add on the portable path), starting from 0 or from C[i, j] when accumulating, whatever the
 * row's position, M, the blocking or the thread count.
 *
 * The suite needs the addon (`node scripts/build-native.mjs`). Without it the suite is skipped with a
 * message, except under CI (CI builds it), where it fails.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import type { Backend } from '../src/kernels/backend.js';
import { jsBackend } from '../src/kernels/js.js';
import type { NativeAddon, NativeBackend, NativeIsa } from '../src/kernels/native.js';
import { loadNativeBackend } from '../src/kernels/native.js';
import { generalSteps } from '../src/kernels/steps.js';
import { loadWasmBackend } from '../src/kernels/wasm.js';
import { adam, dense, gru, lstm, sequential } from '../src/index.js';
import type { Layer } from '../src/index.js';
import { Random } from '../src/random.js';
import { mat, matT } from '../src/kernels/backend.js';

const native = loadNativeBackend();
const ADDON = new URL('../native/build/Release/seqcast_native.node', import.meta.url);

if (native !== null) {
  nativeSuite(native);
} else if (process.env.SEQCAST_NATIVE === '0') {
  console.warn('test/native.test.ts: skipped, the native kernel is disabled by SEQCAST_NATIVE=0');
  describe.skip('native kernel (skipped: disabled by SEQCAST_NATIVE=0)', () => {
    it('is disabled', () => undefined);
  });
} else if (existsSync(ADDON)) {
  describe('native kernel', () => {
    it('loads when it is built', () => {
      throw new Error(
        `${fileURLToPath(ADDON)} exists but does not load: rebuild it (node scripts/build-native.mjs)`,
      );
    });
  });
} else {
  const why = `the native kernel is not built (${fileURLToPath(ADDON)}): run \`node scripts/build-native.mjs --strict\``;
  if (process.env.CI) {
    describe('native kernel', () => {
      it('is built (CI builds it before the tests)', () => {
        throw new Error(`${why}; CI must build it before the tests`);
      });
    });
  } else {
    console.warn(`test/native.test.ts: skipped, ${why}`);
    describe.skip(`native kernel (skipped: ${why})`, () => {
      it('is not built', () => undefined);
    });
  }
}

// ---------------------------------------------------------------------------------------------------
// Exact float32 emulation of the documented per-element arithmetic.

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 next to r (r a float32, not 0), up or down. */
function adjacent(r: number, up: boolean): number {
  f32[0] = r;
  u32[0] += up === r > 0 ? 1 : -1;
  return f32[0];
}

/** fl32(a·b + c) rounded once, for float32 a, b, c: the double sum is corrected where it sits on a midpoint. */
function fmaf(a: number, b: number, c: number): number {
  const p = a * b; // exact in float64
  const s = p + c;
  const r = Math.fround(s);
  if (r === s || !Number.isFinite(s) || r === 0) return r;
  const bb = s - p;
  const e = p - (s - bb) + (c - bb); // p + c = s + e exactly
  if (e === 0) return r;
  const lo = r < s ? r : adjacent(r, false);
  const hi = r < s ? adjacent(r, true) : r;
  if ((lo + hi) / 2 !== s) return r;
  return e > 0 ? hi : lo;
}

type Chain = 'fma' | 'mul-add';

/** C after the product, by the chain, element by element. */
function chainGemm(
  chain: Chain,
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  A: Float32Array,
  aOff: number,
  lda: number,
  B: Float32Array,
  bOff: number,
  ldb: number,
  C: Float32Array,
  cOff: number,
  ldc: number,
  accumulate: boolean,
): Float32Array {
  const out = C.slice();
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let acc = accumulate ? out[cOff + i * ldc + j] : 0;
      for (let k = 0; k < K; k++) {
        const a = transA ? A[aOff + k * lda + i] : A[aOff + i * lda + k];
        const b = transB ? B[bOff + j * ldb + k] : B[bOff + k * ldb + j];
        acc = chain === 'fma' ? fmaf(a, b, acc) : Math.fround(acc + Math.fround(a * b));
      }
      out[cOff + i * ldc + j] = acc;
    }
  }
  return out;
}

function chainOf(isa: NativeIsa): Chain {
  return isa === 'scalar' ? 'mul-add' : 'fma';
}

// ---------------------------------------------------------------------------------------------------

interface Problem {
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
  A: Float32Array;
  aOff: number;
  lda: number;
  B: Float32Array;
  bOff: number;
  ldb: number;
  C: Float32Array;
  cOff: number;
  ldc: number;
  accumulate: boolean;
}

function randomArray(n: number, rng: Random): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniformRange(-1, 1));
}

/** A random problem with offsets and leading dimensions larger than the minimum (unless `tight`). */
function makeProblem(
  rng: Random,
  transA: boolean,
  transB: boolean,
  M: number,
  N: number,
  K: number,
  accumulate: boolean,
  tight = false,
): Problem {
  const pad = () => (tight ? 0 : rng.int(4));
  const lda = (transA ? M : K) + pad();
  const ldb = (transB ? K : N) + pad();
  const ldc = N + pad();
  const aOff = pad();
  const bOff = pad();
  const cOff = pad();
  const A = randomArray(aOff + (transA ? K : M) * lda + pad(), rng);
  const B = randomArray(bOff + (transB ? N : K) * ldb + pad(), rng);
  const C = randomArray(cOff + M * ldc + pad(), rng);
  return { transA, transB, M, N, K, A, aOff, lda, B, bOff, ldb, C, cOff, ldc, accumulate };
}

function run(be: { gemm: NativeBackend['gemm'] }, p: Problem, C: Float32Array = p.C.slice()): Float32Array {
  be.gemm(
    p.M,
    p.N,
    p.K,
    { data: p.A, offset: p.aOff, ld: p.lda, trans: p.transA },
    { data: p.B, offset: p.bOff, ld: p.ldb, trans: p.transB },
    mat(C, p.cOff, p.ldc),
    p.accumulate,
  );
  return C;
}

function chainOfProblem(chain: Chain, p: Problem): Float32Array {
  return chainGemm(
    chain,
    p.transA,
    p.transB,
    p.M,
    p.N,
    p.K,
    p.A,
    p.aOff,
    p.lda,
    p.B,
    p.bOff,
    p.ldb,
    p.C,
    p.cOff,
    p.ldc,
    p.accumulate,
  );
}

/** Index of the first element where two arrays differ bit for bit (NaN equal to NaN), or -1. */
function firstDifference(x: Float32Array, y: Float32Array): number {
  expect(x.length).toBe(y.length);
  for (let i = 0; i < x.length; i++) {
    if (!Object.is(x[i], y[i])) return i;
  }
  return -1;
}

function expectSameBits(actual: Float32Array, expected: Float32Array, what: string): void {
  const i = firstDifference(actual, expected);
  expect(i, `${what}: first difference at index ${i} (${actual[i]} vs ${expected[i]})`).toBe(-1);
}

/**
 * Native against the JavaScript oracle (float64 sums): |native − js| ≤ 4e-7·(√K + 2)·S at each element,
 * S = Σ_k |a·b| + |C₀|, the scale of the sum; untouched elements identical.
 */
function expectCloseToJs(actual: Float32Array, p: Problem, what: string): void {
  const js = run(jsBackend, p);
  const touched = new Uint8Array(p.C.length);
  let worst = 0;
  for (let i = 0; i < p.M; i++) {
    for (let j = 0; j < p.N; j++) {
      const c = p.cOff + i * p.ldc + j;
      touched[c] = 1;
      let S = p.accumulate ? Math.abs(p.C[c]) : 0;
      for (let k = 0; k < p.K; k++) {
        const a = p.transA ? p.A[p.aOff + k * p.lda + i] : p.A[p.aOff + i * p.lda + k];
        const b = p.transB ? p.B[p.bOff + j * p.ldb + k] : p.B[p.bOff + k * p.ldb + j];
        S += Math.abs(a * b);
      }
      const tol = 4e-7 * (Math.sqrt(p.K) + 2) * S;
      const err = Math.abs(actual[c] - js[c]);
      if (!(err <= tol)) {
        expect.fail(`${what}: C[${i}, ${j}] = ${actual[c]}, js ${js[c]}, |diff| ${err} > ${tol}`);
      }
      worst = Math.max(worst, S > 0 ? err / S : 0);
    }
  }
  for (let c = 0; c < p.C.length; c++) {
    if (!touched[c] && !Object.is(actual[c], p.C[c]))
      expect.fail(`${what}: element ${c} outside C was written`);
  }
  expect(worst).toBeLessThan(1e-4);
}

const TAILS = [1, 2, 3, 5, 7, 8, 15, 16, 17, 31, 33, 64, 100];

function ulpDistance(x: number, y: number): number {
  if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) && Number.isNaN(y) ? 0 : Infinity;
  const key = (v: number) => {
    f32[0] = v;
    const b = u32[0];
    return b & 0x80000000 ? -(b & 0x7fffffff) : b;
  };
  return Math.abs(key(x) - key(y));
}

// ---------------------------------------------------------------------------------------------------

function nativeSuite(be: NativeBackend): void {
  const addon = be.addon;
  const start = addon.info();
  const order: NativeIsa[] = ['scalar', 'avx2', 'avx512'];
  const isas = order.slice(0, order.indexOf(start.bestIsa) + 1);

  afterEach(() => {
    addon.setIsa(start.isa);
    addon.setThreads(start.threads);
  });
  afterAll(() => {
    expect(addon.info()).toEqual(start);
  });

  describe('native kernel: loading', () => {
    it('loads as the backend named native and reports its path and threads', () => {
      expect(be.name).toBe('native');
      expect(order).toContain(start.isa);
      expect(start.maxThreads).toBeGreaterThanOrEqual(1);
      expect(start.threads).toBe(start.maxThreads);
      expect(addon.setThreads(1)).toBe(1);
      expect(addon.setThreads(1000)).toBe(start.maxThreads);
      expect(addon.setIsa('scalar')).toBe('scalar');
      expect(addon.setIsa('avx512')).toBe(start.bestIsa);
    });

    it('is disabled by SEQCAST_NATIVE=0', async () => {
      vi.stubEnv('SEQCAST_NATIVE', '0');
      vi.resetModules();
      try {
        const fresh = await import('../src/kernels/native.js');
        expect(fresh.loadNativeBackend()).toBeNull();
        expect(fresh.loadNativeAddon()).toBeNull();
      } finally {
        vi.unstubAllEnvs();
        vi.resetModules();
      }
      const again = await import('../src/kernels/native.js');
      expect(again.loadNativeBackend()?.name).toBe('native');
    });
  });

  for (const isa of isas) {
    describe(`native gemm (${isa} path)`, () => {
      const chain = chainOf(isa);
      for (const transA of [false, true]) {
        for (const transB of [false, true]) {
          it(`gemm(transA=${transA}, transB=${transB}) is the ${chain} chain on tail shapes, offsets and padding, close to js`, () => {
            addon.setIsa(isa);
            const rng = new Random(11 + 2 * Number(transA) + Number(transB));
            const shapes: number[][] = TAILS.map((d) => [d, d, d]);
            for (let s = 0; s < 36; s++)
              shapes.push([rng.int(13), rng.int(13), rng.int(13)].map((t) => TAILS[t]));
            shapes.push([1, 100, 7], [100, 1, 33], [33, 17, 1], [64, 64, 300], [7, 70, 520]);
            for (const [M, N, K] of shapes) {
              for (const accumulate of [false, true]) {
                const p = makeProblem(rng, transA, transB, M, N, K, accumulate);
                const what = `${isa} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${M}x${N}x${K} acc=${accumulate}`;
                const C = run(be, p);
                expectSameBits(C, chainOfProblem(chain, p), what);
                expectCloseToJs(C, p, what);
              }
            }
          });
        }
      }

      it('gemm on large products (threaded) is the chain and close to js', () => {
        addon.setIsa(isa);
        const rng = new Random(5);
        for (const [transA, transB, M, N, K] of [
          [false, false, 128, 1024, 256],
          [true, false, 72, 200, 700],
          [false, true, 128, 256, 257],
          [true, true, 60, 120, 300],
          [false, true, 1000, 8, 300],
          [true, false, 8, 512, 700],
        ] as const) {
          expect(M * N * K).toBeGreaterThanOrEqual(start.parallelWork); // large enough to be split
          const p = makeProblem(rng, transA, transB, M, N, K, true);
          const what = `${isa} ${transA ? 'T' : 'N'}${transB ? 'T' : 'N'} ${M}x${N}x${K}`;
          const C = run(be, p);
          expectSameBits(C, chainOfProblem(chain, p), what);
          expectCloseToJs(C, p, what);
        }
      });

      it('gemm is batch-invariant: each row bit-identical to the same row computed alone', () => {
        addon.setIsa(isa);
        const rng = new Random(23);
        for (const [transA, transB, M, N, K, threaded] of [
          [false, false, 13, 40, 37, false],
          [true, false, 21, 33, 50, false],
          [false, true, 19, 17, 64, false],
          [true, true, 11, 5, 9, false],
          [false, false, 100, 300, 80, true],
          [true, false, 67, 260, 130, true],
          [false, true, 300, 11, 700, true], // few columns
        ] as const) {
          expect(M * N * K >= start.parallelWork).toBe(threaded);
          for (const accumulate of [false, true]) {
            const p = makeProblem(rng, transA, transB, M, N, K, accumulate, true);
            const all = run(be, p);
            for (const i of new Set([0, 1, M >> 1, M - 2, M - 1])) {
              // row i of op(A) alone, as a 1-row problem, and the matching row of C
              const row = new Float32Array(K);
              for (let k = 0; k < K; k++) row[k] = transA ? p.A[k * p.lda + i] : p.A[i * p.lda + k];
              const one = p.C.slice(i * p.ldc, i * p.ldc + N);
              be.gemm(
                1,
                N,
                K,
                mat(row, 0, K),
                { data: p.B, offset: 0, ld: p.ldb, trans: transB },
                mat(one, 0, N),
                accumulate,
              );
              expectSameBits(one, all.subarray(i * p.ldc, i * p.ldc + N), `row ${i} of ${M}x${N}x${K}`);
            }
            // and the first rows as a smaller problem (a different M, a different split)
            const m = Math.max(1, M >> 2);
            const part = p.C.slice();
            be.gemm(
              m,
              N,
              K,
              { data: p.A, offset: 0, ld: p.lda, trans: transA },
              { data: p.B, offset: 0, ld: p.ldb, trans: transB },
              mat(part, 0, p.ldc),
              accumulate,
            );
            expectSameBits(
              part.subarray(0, m * p.ldc),
              all.subarray(0, m * p.ldc),
              `first ${m} rows of ${M}`,
            );
          }
        }
      });

      it.skipIf(start.maxThreads < 2)('gemm gives bit-identical results on 1 and 2 threads', () => {
        addon.setIsa(isa);
        const rng = new Random(31);
        for (const [transA, transB, M, N, K] of [
          [false, false, 128, 1024, 256],
          [true, false, 256, 384, 500],
          [false, true, 130, 256, 300],
          [true, false, 8, 1024, 640], // few rows
          [false, true, 999, 5, 512], // few columns
        ] as const) {
          expect(M * N * K).toBeGreaterThanOrEqual(start.parallelWork);
          const p = makeProblem(rng, transA, transB, M, N, K, true);
          expect(addon.setThreads(1)).toBe(1);
          const one = run(be, p);
          expect(addon.setThreads(2)).toBe(2);
          const two = run(be, p);
          expectSameBits(two, one, `${M}x${N}x${K} on 2 threads vs 1`);
          expect(firstDifference(two, p.C)).toBeGreaterThanOrEqual(0); // it did compute something
        }
      });

      it('activate matches js within 2 ulp (tanh, sigmoid) and exactly (relu, linear)', () => {
        addon.setIsa(isa);
        const rng = new Random(41);
        const special = [
          0,
          -0,
          1e-45,
          -1e-45,
          1e-30,
          -1e-20,
          1e-8,
          0.0625,
          -0.0625,
          0.06249999,
          0.0625001,
          0.5,
          -0.5,
          1,
          -1,
          8.5,
          9.1,
          -9.1,
          20,
          -20,
          40,
          87,
          88.8,
          -87,
          -88.8,
          -100,
          -103,
          -103.9,
          -104,
          -110,
          200,
          -200,
          1e30,
          -1e30,
          3.4e38,
          -3.4e38,
          Infinity,
          -Infinity,
          NaN,
        ];
        const values = Float32Array.from([
          ...special,
          ...Array.from({ length: 3000 }, () => rng.normal() * 4),
          ...Array.from({ length: 1000 }, () => rng.uniformRange(-0.1, 0.1)),
          ...Array.from({ length: 1000 }, () => rng.uniformRange(-120, 120)),
        ]);
        for (const act of ['tanh', 'sigmoid', 'relu', 'linear'] as const) {
          for (const [off, n] of [
            [0, values.length],
            [3, 37],
            [5, 1],
            [7, 0],
          ]) {
            const x = values.slice();
            const ref = values.slice();
            be.activate(act, x, off, n);
            jsBackend.activate(act, ref, off, n);
            let worst = 0;
            for (let i = 0; i < x.length; i++) {
              const d = ulpDistance(x[i], ref[i]);
              if (i < off || i >= off + n || act === 'relu' || act === 'linear') {
                if (!Object.is(x[i], ref[i])) expect.fail(`${act} at ${i}: ${x[i]} vs js ${ref[i]}`);
              } else if (!(d <= 2)) {
                expect.fail(`${act}(${values[i]}) = ${x[i]}, js ${ref[i]}: ${d} ulp`);
              }
              worst = Math.max(worst, d);
            }
            expect(worst).toBeLessThanOrEqual(2);
          }
        }
        // the tails: exact 1, 0 and ±1, NaN kept, −0 kept by tanh
        const t = Float32Array.from([-0, NaN, 50, -50]);
        be.activate('tanh', t, 0, 4);
        expect(Array.from(t)).toEqual([-0, NaN, 1, -1]);
        const s = Float32Array.from([200, -200, NaN, -0]);
        be.activate('sigmoid', s, 0, 4);
        expect(Array.from(s)).toEqual([1, 0, NaN, 0.5]);
        const r = Float32Array.from([-0, NaN, -1, 2]);
        be.activate('relu', r, 0, 4);
        expect(Array.from(r)).toEqual([0, 0, 0, 2]);
      });

      it('activateBackward is bit-identical to js', () => {
        addon.setIsa(isa);
        const rng = new Random(43);
        const n = 1001;
        for (const act of ['tanh', 'sigmoid', 'relu', 'linear'] as const) {
          const y = Float32Array.from({ length: n + 4 }, (_, i) =>
            i % 97 === 0 ? -0 : rng.uniformRange(-1, 1),
          );
          jsBackend.activate(act, y, 0, y.length);
          const dx = Float32Array.from({ length: n + 9 }, () => rng.normal());
          for (const [yOff, dxOff, m] of [
            [0, 0, n],
            [4, 9, n],
            [1, 2, 13],
          ]) {
            const a = dx.slice();
            const b = dx.slice();
            be.activateBackward(act, y, yOff, a, dxOff, m);
            jsBackend.activateBackward(act, y, yOff, b, dxOff, m);
            expectSameBits(a, b, `${act}' at ${yOff}, ${dxOff}, ${m}`);
            if (act !== 'linear') expect(firstDifference(a, dx)).toBeGreaterThanOrEqual(0);
          }
        }
      });
    });
  }

  describe('native gemm: edge cases and arguments', () => {
    it('K = 0 gives zeros, or leaves C unchanged when accumulating; M = 0 or N = 0 touches nothing', () => {
      const C = Float32Array.from([1, 2, 3, 4, 5]);
      be.gemm(2, 2, 0, mat(new Float32Array(0), 0, 0), mat(new Float32Array(0), 0, 2), mat(C, 1, 2), true);
      expect(Array.from(C)).toEqual([1, 2, 3, 4, 5]);
      be.gemm(2, 2, 0, mat(new Float32Array(0), 0, 0), mat(new Float32Array(0), 0, 2), mat(C, 1, 2), false);
      expect(Array.from(C)).toEqual([1, 0, 0, 0, 0]);
      const D = Float32Array.from([7, 8]);
      be.gemm(
        0,
        5,
        3,
        matT(new Float32Array(0), 0, 0),
        matT(new Float32Array(15), 0, 3),
        mat(D, 0, 5),
        false,
      );
      be.gemm(4, 0, 3, mat(new Float32Array(12), 0, 3), mat(new Float32Array(0), 0, 0), mat(D, 0, 0), false);
      expect(Array.from(D)).toEqual([7, 8]);
    });

    it('Float64Array operands go to the JavaScript backend (bit-identical to it)', () => {
      const rng = new Random(3);
      const p = makeProblem(rng, false, true, 9, 7, 5, true);
      const A = Float64Array.from(p.A);
      const B = Float64Array.from(p.B);
      const C1 = Float64Array.from(p.C);
      const C2 = Float64Array.from(p.C);
      be.gemm(9, 7, 5, mat(A, p.aOff, p.lda), matT(B, p.bOff, p.ldb), mat(C1, p.cOff, p.ldc), true);
      jsBackend.gemm(9, 7, 5, mat(A, p.aOff, p.lda), matT(B, p.bOff, p.ldb), mat(C2, p.cOff, p.ldc), true);
      expect(Array.from(C1)).toEqual(Array.from(C2));
      expect(Array.from(C1)).not.toEqual(Array.from(p.C));
      // mixed: one Float64Array among Float32Arrays
      const C3 = p.C.slice();
      const C4 = p.C.slice();
      be.gemm(9, 7, 5, mat(A, p.aOff, p.lda), matT(p.B, p.bOff, p.ldb), mat(C3, p.cOff, p.ldc), true);
      jsBackend.gemm(9, 7, 5, mat(A, p.aOff, p.lda), matT(p.B, p.bOff, p.ldb), mat(C4, p.cOff, p.ldc), true);
      expectSameBits(C3, C4, 'mixed types');
      const x = Float64Array.from([-2, 0.5, 3]);
      const y = x.slice();
      be.activate('tanh', x, 0, 3);
      jsBackend.activate('tanh', y, 0, 3);
      expect(Array.from(x)).toEqual(Array.from(y));
      const d1 = Float64Array.from([1, 2, 3]);
      const d2 = d1.slice();
      be.activateBackward('sigmoid', x, 0, d1, 0, 3);
      jsBackend.activateBackward('sigmoid', x, 0, d2, 0, 3);
      expect(Array.from(d1)).toEqual(Array.from(d2));
    });

    it('an operand sharing C’s buffer (disjoint, interleaved rows) is read before C is written', () => {
      const rng = new Random(9);
      for (const transB of [false, true]) {
        // A = columns 16..31 and C = columns 0..15 of one [20, 32] buffer: their spans overlap, their
        // elements do not
        const buf = randomArray(20 * 32, rng);
        const B = randomArray(16 * 16, rng);
        const A = Float32Array.from(
          { length: 20 * 16 },
          (_, t) => buf[Math.floor(t / 16) * 32 + 16 + (t % 16)],
        );
        const C = Float32Array.from({ length: 20 * 16 }, (_, t) => buf[Math.floor(t / 16) * 32 + (t % 16)]);
        be.gemm(
          20,
          16,
          16,
          mat(A, 0, 16),
          { data: B, offset: 0, ld: 16, trans: transB },
          mat(C, 0, 16),
          true,
        );
        const shared = buf.slice();
        be.gemm(
          20,
          16,
          16,
          mat(shared, 16, 32),
          { data: B, offset: 0, ld: 16, trans: transB },
          mat(shared, 0, 32),
          true,
        );
        for (let i = 0; i < 20; i++) {
          expectSameBits(
            shared.subarray(i * 32, i * 32 + 16),
            C.subarray(i * 16, i * 16 + 16),
            `row ${i} of C`,
          );
          expectSameBits(
            shared.subarray(i * 32 + 16, i * 32 + 32),
            A.subarray(i * 16, i * 16 + 16),
            `row ${i} of A`,
          );
        }
        // and B in C's buffer: B = columns 16..31 (op(B) = B or Bᵀ), C = columns 0..15
        const buf2 = randomArray(16 * 32, rng);
        const A2 = randomArray(16 * 16, rng);
        const B2 = Float32Array.from(
          { length: 256 },
          (_, t) => buf2[Math.floor(t / 16) * 32 + 16 + (t % 16)],
        );
        const C2 = Float32Array.from({ length: 256 }, (_, t) => buf2[Math.floor(t / 16) * 32 + (t % 16)]);
        be.gemm(
          16,
          16,
          16,
          mat(A2, 0, 16),
          { data: B2, offset: 0, ld: 16, trans: transB },
          mat(C2, 0, 16),
          false,
        );
        be.gemm(
          16,
          16,
          16,
          mat(A2, 0, 16),
          { data: buf2, offset: 16, ld: 32, trans: transB },
          mat(buf2, 0, 32),
          false,
        );
        for (let i = 0; i < 16; i++) {
          expectSameBits(
            buf2.subarray(i * 32, i * 32 + 16),
            C2.subarray(i * 16, i * 16 + 16),
            `row ${i} of C`,
          );
        }
      }
    });

    it('out-of-range operands raise a RangeError naming the operand, before anything is written', () => {
      const A = new Float32Array(12); // [3, 4]
      const B = new Float32Array(20); // [4, 5]
      const C = Float32Array.from({ length: 15 }, () => 1); // [3, 5]
      const call =
        (
          ta: boolean,
          tb: boolean,
          a: Float32Array,
          aOff: number,
          lda: number,
          b: Float32Array,
          bOff: number,
          ldb: number,
          c: Float32Array,
          cOff: number,
          ldc: number,
        ) =>
        () =>
          be.gemm(
            3,
            5,
            4,
            { data: a, offset: aOff, ld: lda, trans: ta },
            { data: b, offset: bOff, ld: ldb, trans: tb },
            mat(c, cOff, ldc),
            false,
          );
      expect(call(false, false, A, 0, 4, B, 0, 5, C, 0, 5)).not.toThrow();
      expect(call(false, false, A, 1, 4, B, 0, 5, C, 0, 5)).toThrow(RangeError);
      expect(call(false, false, A, 1, 4, B, 0, 5, C, 0, 5)).toThrow(/\bA\b.*out of range/);
      expect(call(true, false, A, 0, 3, B, 0, 5, C, 0, 5)).not.toThrow(); // op(A) = Aᵀ, A [4, 3]
      expect(call(true, false, A, 0, 4, B, 0, 5, C, 0, 5)).toThrow(/\bA\b.*out of range/);
      expect(call(false, false, A, 0, 4, B, 0, 6, C, 0, 5)).toThrow(/\bB\b.*out of range/);
      expect(call(false, true, A, 0, 4, B, 0, 4, C, 0, 5)).not.toThrow(); // [5, 4] in 20
      expect(call(false, true, A, 0, 4, B, 1, 4, C, 0, 5)).toThrow(/\bB\b.*out of range/);
      C.fill(1);
      expect(call(false, false, A, 0, 4, B, 0, 5, C, 1, 5)).toThrow(/\bC\b.*out of range/);
      expect(call(false, false, A, 0, 4, B, 0, 5, C, 0, 6)).toThrow(RangeError);
      expect(Array.from(C)).toEqual(Array.from({ length: 15 }, () => 1)); // nothing written
      expect(call(false, false, A, 0, 3, B, 0, 5, C, 0, 5)).toThrow(/lda/); // rows would overlap
      expect(call(false, false, A, 0, 4, B, 0, 5, C, 0, 4)).toThrow(/ldc/);
      expect(() => be.gemm(3, 5, 4, mat(A, -1, 4), mat(B, 0, 5), mat(C, 0, 5), false)).toThrow(RangeError);
      expect(() => be.gemm(3, 5, 4, mat(A, 0.5, 4), mat(B, 0, 5), mat(C, 0, 5), false)).toThrow(RangeError);
      expect(() => be.gemm(3, 5, NaN, mat(A, 0, 4), mat(B, 0, 5), mat(C, 0, 5), false)).toThrow(RangeError);
      expect(() => be.activate('tanh', C, 10, 6)).toThrow(/\bx\b.*out of range/);
      expect(() => be.activateBackward('tanh', C, 0, A, 0, 13)).toThrow(/\bdx\b.*out of range/);
      expect(() => be.activateBackward('tanh', A, 0, C, 0, 13)).toThrow(/\by\b.*out of range/);
    });

    it('the addon itself takes Float32Array only and raises a TypeError for anything else', () => {
      const f = new Float32Array(4);
      const d = new Float64Array(4);
      expect(() => addon.gemm(false, false, 2, 2, 1, f, 0, 1, f, 0, 2, f, 0, 2, false)).not.toThrow();
      const bad = [d, new Int32Array(4), [0, 0, 0, 0], null] as unknown as Float32Array[];
      for (const x of bad) {
        expect(() => addon.gemm(false, false, 2, 2, 1, x, 0, 1, f, 0, 2, f, 0, 2, false)).toThrow(TypeError);
        expect(() => addon.gemm(false, false, 2, 2, 1, f, 0, 1, x, 0, 2, f, 0, 2, false)).toThrow(/\bB\b/);
        expect(() => addon.gemm(false, false, 2, 2, 1, f, 0, 1, f, 0, 2, x, 0, 2, false)).toThrow(/\bC\b/);
        expect(() => addon.activate('tanh', x, 0, 1)).toThrow(TypeError);
        expect(() => addon.activateBackward('tanh', f, 0, x, 0, 1)).toThrow(TypeError);
      }
      const notBool = 0 as unknown as boolean;
      expect(() => addon.gemm(notBool, false, 2, 2, 1, f, 0, 1, f, 0, 2, f, 0, 2, false)).toThrow(TypeError);
      expect(() =>
        addon.gemm(false, false, '2' as unknown as number, 2, 1, f, 0, 1, f, 0, 2, f, 0, 2, false),
      ).toThrow(TypeError);
      expect(() => addon.activate('softmax' as 'tanh', f, 0, 1)).toThrow(TypeError);
      expect(() => addon.activate(7, f, 0, 1)).toThrow(TypeError);
      const g = Float32Array.from([0.5, -2]);
      addon.activate(3, g, 0, 2); // the code of relu
      expect(Array.from(g)).toEqual([0.5, 0]);
      // too few arguments: one TypeError naming the function and its arity
      const loose = addon as unknown as Record<string, (...a: unknown[]) => void>;
      expect(() => loose.gemm(false, false, 2, 2, 1, f, 0, 1, f, 0, 2, f, 0, 2)).toThrow(
        /^seqcast_native: gemm takes 15 arguments$/,
      );
      expect(() => loose.activate('tanh', f, 0)).toThrow(/^seqcast_native: activate takes 4 arguments$/);
      expect(() => loose.activateBackward('tanh', f, 0, f, 0)).toThrow(
        /^seqcast_native: activateBackward takes 6 arguments$/,
      );
    });
  });

  for (const isa of isas) {
    describe(`native fused steps (${isa} path)`, () => {
      fusedStepTests(be, isa, LSTM_FORWARD, 61);
      fusedStepTests(be, isa, LSTM_BACKWARD, 67);
      fusedStepTests(be, isa, GRU_FORWARD, 71);
      fusedStepTests(be, isa, GRU_BACKWARD, 73);
    });
  }

  describe('native fused steps: models and arguments', () => {
    it('LSTM and GRU models train bit-identically with the fused steps and with the general step loops', async () => {
      const ops = { gemm: be.gemm, activate: be.activate, activateBackward: be.activateBackward };
      const unfused: Backend = { ...ops, ...generalSteps(ops), name: 'native-unfused' };
      const rng = new Random(77);
      const [n, T, F] = [24, 6, 2];
      const x = { shape: [n, T, F], data: Float32Array.from({ length: n * T * F }, () => rng.normal()) };
      const y = { shape: [n, 1], data: Float32Array.from({ length: n }, () => rng.normal()) };
      const train = async (backend: Backend) => {
        const layers: Layer[] = [
          lstm({ units: 17, returnSequences: true }),
          gru({ units: 5 }),
          dense({ units: 1 }),
        ];
        const m = sequential(layers, { inputShape: [T, F], seed: 5, backend });
        m.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'mse' });
        const h = await m.fit(x, y, { epochs: 3, batchSize: 8, seed: 2 });
        return { loss: h.history.loss, prediction: m.predict(x).data, weights: m.getWeights() };
      };
      const fused = await train(be);
      const loops = await train(unfused);
      expect(fused.loss).toEqual(loops.loss);
      expectSameBits(
        Float32Array.from(fused.prediction),
        Float32Array.from(loops.prediction),
        'predictions after training',
      );
      for (let i = 0; i < fused.weights.length; i++) {
        expectSameBits(
          Float32Array.from(fused.weights[i].data),
          Float32Array.from(loops.weights[i].data),
          fused.weights[i].name,
        );
      }
    });

    /** Each step's argument names, and a valid case for it (B = 2, U = 3). */
    const steps: {
      name: StepSpec<StepCase>['name'];
      args: string[];
      make: () => StepCase;
      /** Where each array's blocks end: the shortest length it may have. */
      ends: (p: StepCase) => Record<string, number>;
    }[] = [
      {
        name: 'lstmForwardStep',
        args: ['B', 'U', 'gates', 'zOff', 'c', 'sPrev', 'sOff', 'cAct', 'aOff', 'h'],
        make: () => LSTM_FORWARD.make(new Random(1), 2, 3),
        ends: (p) => ({
          gates: +p.zOff + 24,
          c: Math.max(+p.sPrev, +p.sOff) + 6,
          cAct: +p.aOff + 6,
          h: +p.sOff + 6,
        }),
      },
      {
        name: 'lstmBackwardStep',
        args: [
          'B',
          'U',
          'gates',
          'zOff',
          'cAct',
          'aOff',
          'c',
          'sPrev',
          'dh',
          'dhOff',
          'dhNext',
          'dcNext',
          'dz',
        ],
        make: () => LSTM_BACKWARD.make(new Random(2), 2, 3),
        ends: (p) => ({
          gates: +p.zOff + 24,
          cAct: +p.aOff + 6,
          c: +p.sPrev + 6,
          dh: +p.dhOff + 6,
          dhNext: 6,
          dcNext: 6,
          dz: +p.zOff + 24,
        }),
      },
      {
        name: 'gruForwardStep',
        args: ['B', 'U', 'gates', 'mh', 'g', 'h', 'hp', 'ht'],
        make: () => GRU_FORWARD.make(new Random(3), 2, 3),
        ends: (p) => ({ gates: +p.g + 18, mh: +p.g + 18, h: Math.max(+p.hp, +p.ht) + 6 }),
      },
      {
        name: 'gruBackwardStep',
        args: ['B', 'U', 'gates', 'mh', 'g', 'h', 'hp', 'dh', 'dhNext', 'dMX', 'dMH'],
        make: () => GRU_BACKWARD.make(new Random(4), 2, 3),
        ends: (p) => ({
          gates: +p.g + 18,
          mh: +p.g + 18,
          h: +p.hp + 6,
          dh: +p.hp + 6,
          dhNext: 6,
          dMX: +p.g + 18,
          dMH: +p.g + 18,
        }),
      },
    ];

    /** Calls the addon's step with the case's arguments, `replace` substituting some. */
    const call = (name: string, args: string[], p: StepCase, replace: Record<string, unknown> = {}) => {
      const fn = addon[name as keyof NativeAddon] as (...a: unknown[]) => void;
      return () => fn(...args.map((a) => (a in replace ? replace[a] : p[a])));
    };

    it.each(steps)(
      'the addon’s $name checks its arguments: one-line TypeError or RangeError naming the argument, nothing written',
      ({ name, args, make, ends }) => {
        expect(typeof addon[name as keyof NativeAddon]).toBe('function');
        const p = make();
        expect(call(name, args, copyCase(p))).not.toThrow();
        const arrays = args.filter((a) => p[a] instanceof Float32Array);
        const numbers = args.filter((a) => typeof p[a] === 'number');
        for (const a of arrays) {
          for (const bad of [Float64Array.from(p[a] as Float32Array), new Int32Array(40), [0, 1, 2], null]) {
            expect(call(name, args, p, { [a]: bad })).toThrow(
              new RegExp(`^seqcast_native: ${a} must be a Float32Array$`),
            );
            expect(call(name, args, p, { [a]: bad })).toThrow(TypeError);
          }
        }
        for (const a of numbers) {
          for (const bad of [-1, 0.5, NaN, Infinity]) {
            expect(call(name, args, p, { [a]: bad })).toThrow(
              new RegExp(`^seqcast_native: ${a} must be a non-negative integer`),
            );
            expect(call(name, args, p, { [a]: bad })).toThrow(RangeError);
          }
          expect(call(name, args, p, { [a]: '1' })).toThrow(
            new RegExp(`^seqcast_native: ${a} must be a number$`),
          );
        }
        // each array exactly as long as its blocks need, then one element shorter: nothing is written
        const end = ends(p);
        expect(Object.keys(end).sort()).toEqual([...arrays].sort());
        const tight = copyCase(p);
        for (const a of arrays) tight[a] = (p[a] as Float32Array).slice(0, end[a]);
        expect(call(name, args, copyCase(tight))).not.toThrow();
        for (const a of arrays) {
          const q = copyCase(tight);
          q[a] = (tight[a] as Float32Array).slice(0, end[a] - 1);
          const before = copyCase(q);
          expect(call(name, args, q)).toThrow(new RegExp(`^seqcast_native: ${a} is out of range: [^\n]*$`));
          expect(call(name, args, q)).toThrow(RangeError);
          expectSameCase(q, before, `${name} with a short ${a}`);
        }
        expect(call(name, args, p, { U: 1000 })).toThrow(RangeError);
        expect(call(name, args.slice(0, -1), p)).toThrow(
          new RegExp(`^seqcast_native: ${name} takes ${args.length} arguments$`),
        );
        // B = 0 or U = 0: nothing to touch, nothing checked beyond the types
        const empty = Object.fromEntries(arrays.map((a) => [a, new Float32Array(0)]));
        expect(call(name, args, p, { ...empty, B: 0 })).not.toThrow();
        expect(call(name, args, p, { ...empty, U: 0 })).not.toThrow();
      },
    );

    it('a block the step writes may not overlap another of its blocks (same array or shared memory)', () => {
      const p = LSTM_FORWARD.make(new Random(5), 2, 3);
      const lstmF = ['B', 'U', 'gates', 'zOff', 'c', 'sPrev', 'sOff', 'cAct', 'aOff', 'h'];
      const before = copyCase(p);
      expect(call('lstmForwardStep', lstmF, p, { sOff: +p.sPrev + 5 })).toThrow(
        /^seqcast_native: the blocks of c at sOff and c at sPrev overlap/,
      );
      expect(call('lstmForwardStep', lstmF, p, { sOff: +p.sPrev + 5 })).toThrow(RangeError);
      expect(call('lstmForwardStep', lstmF, p, { cAct: p.h, aOff: p.sOff })).toThrow(
        /cAct at aOff and h at sOff overlap/,
      );
      // cAct a view into gates' memory, over its last elements
      const gates = p.gates as Float32Array;
      const view = new Float32Array(gates.buffer, gates.byteOffset + 4 * (gates.length - 8), 8);
      expect(call('lstmForwardStep', lstmF, p, { cAct: view, aOff: 0 })).toThrow(
        /gates at zOff and cAct at aOff overlap/,
      );
      expectSameCase(p, before, 'lstmForwardStep after the rejected calls');
      // adjacent blocks are fine
      expect(call('lstmForwardStep', lstmF, copyCase(p), { sOff: +p.sPrev + 6 })).not.toThrow();
      const q = GRU_BACKWARD.make(new Random(6), 2, 3);
      const gruB = ['B', 'U', 'gates', 'mh', 'g', 'h', 'hp', 'dh', 'dhNext', 'dMX', 'dMH'];
      expect(call('gruBackwardStep', gruB, q, { dMH: q.dMX })).toThrow(/dMX at g and dMH at g overlap/);
      expect(call('gruBackwardStep', gruB, q, { dhNext: q.dh })).toThrow(/dhNext and dh at hp overlap/);
    });

    it('the addon’s fused steps take Float32Arrays only: anything else is a TypeError from the addon', () => {
      const p = GRU_FORWARD.make(new Random(7), 2, 3);
      const mh = Float64Array.from(p.mh as Float32Array) as unknown as Float32Array;
      expect(() =>
        be.addon.gruForwardStep(2, 3, p.gates as Float32Array, mh, +p.g, p.h as Float32Array, +p.hp, +p.ht),
      ).toThrow(/^seqcast_native: mh must be a Float32Array$/);
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// The fused recurrent steps. Reference: the step in float64 from the same float32 inputs, each value
// carrying the magnitude m that its float32 rounding errors scale with (a sum of |terms|, a product of
// magnitudes, an activation's |value| plus |slope|·m of its input), so that a computation rounded to
// float32 a handful of times lies within a few 2⁻²⁴·m of it.

/** A float64 value and the scale of its float32 error. */
interface V {
  v: number;
  m: number;
}

const EPS32 = 2 ** -24;
const ONE: V = { v: 1, m: 1 };
const inp = (x: number): V => ({ v: x, m: Math.abs(x) });
const add = (a: V, b: V): V => ({ v: a.v + b.v, m: a.m + b.m });
const sub = (a: V, b: V): V => ({ v: a.v - b.v, m: a.m + b.m });
const mul = (a: V, b: V): V => ({ v: a.v * b.v, m: a.m * b.m });

function sig(a: V): V {
  const s = a.v >= 0 ? 1 / (1 + Math.exp(-a.v)) : Math.exp(a.v) / (1 + Math.exp(a.v));
  return { v: s, m: s + s * (1 - s) * a.m };
}

function th(a: V): V {
  const t = Math.tanh(a.v);
  return { v: t, m: Math.abs(t) + (1 - t * t) * a.m };
}

/** σ' = y(1 − y) and tanh' = 1 − y² from a stored activation output y. */
const dsig = (y: V): V => mul(y, sub(ONE, y));
const dth = (y: V): V => sub(ONE, mul(y, y));

/**
 * |a − b| in units of 2⁻²⁴·m, with `floor` absolute allowed on top: 2⁻¹⁴⁰ by default (float32's subnormal
 * spacing is 2⁻¹⁴⁹); the WebAssembly steps get 2⁻¹²⁶, float32's smallest normal number, because their
 * sigmoid clamps its exponent and stays at about 3e-39 below x = −87.3, where the value is smaller still.
 */
function epsUnits(a: number, b: number, m: number, floor = 2 ** -140): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Infinity;
  return Math.abs(a - b) / (EPS32 * m + floor);
}

/** B and U covering the vector tails of every path (8 and 16 lanes; 4 and 8 doubles). */
const STEP_SHAPES: [number, number][] = [1, 5].flatMap((B) =>
  [1, 3, 8, 17, 64].map((U): [number, number] => [B, U]),
);

/** How far the steps may lie from the float64 reference, and from each other, in units of 2⁻²⁴·m. */
const STEP_LIMIT = 4;

/** A pre-activation: mostly moderate, some far into saturation, a few special values. */
function preActivation(rng: Random): number {
  const u = rng.uniform();
  if (u < 0.6) return rng.normal() * 3;
  if (u < 0.85) return rng.uniformRange(-25, 25);
  if (u < 0.95) return rng.uniformRange(-120, 120);
  return [0, -0, 1e-30, 0.0625, -0.0624, 90, -90, 200, -200][rng.int(9)];
}

const sigmoidOf = (x: number) =>
  Math.fround(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
const tanhOf = (x: number) => Math.fround(Math.tanh(x));

/** A Float32Array of `length` sentinel values (what the step must leave alone). */
function sentinels(length: number, rng: Random): Float32Array {
  return Float32Array.from({ length }, () => rng.uniformRange(-7, 7));
}

function fillBlock(a: Float32Array, off: number, n: number, value: () => number): void {
  for (let i = 0; i < n; i++) a[off + i] = value();
}

/** One output element the step writes and its reference. */
interface Expected {
  array: string;
  index: number;
  ref: V;
  what: string;
}

/** A case of one step: its arrays (and numbers) by argument name. */
type StepCase = Record<string, Float32Array | number>;

/** The fused kernels' positional calls (the native addon's, and the WebAssembly module's alike). */
type FusedKernels = Pick<
  NativeAddon,
  'lstmForwardStep' | 'lstmBackwardStep' | 'gruForwardStep' | 'gruBackwardStep'
>;

interface StepSpec<T extends StepCase> {
  name: 'lstmForwardStep' | 'lstmBackwardStep' | 'gruForwardStep' | 'gruBackwardStep';
  /** Inputs at nonzero offsets, every array padded with sentinels. */
  make(rng: Random, B: number, U: number): T;
  /** The step on a copy of the case. */
  run(k: FusedKernels, p: T): T;
  /** The general step loops for the same step (src/kernels/steps.ts), written out, on a copy. */
  unfused(be: Backend, p: T): T;
  /** The outputs' references, and the [off, n) blocks written per array (any other array is read only). */
  reference(p: T): { expected: Expected[]; written: Record<string, [number, number]> };
}

function copyCase<T extends StepCase>(p: T): T {
  const out: StepCase = { ...p };
  for (const [k, v] of Object.entries(out)) if (v instanceof Float32Array) out[k] = v.slice();
  return out as T;
}

function arrayOf(p: StepCase, name: string): Float32Array {
  const a = p[name];
  if (!(a instanceof Float32Array)) throw new Error(`no array ${name}`);
  return a;
}

/**
 * q = the step's result on p: every expected output within STEP_LIMIT ε·m of float64, every other element
 * of every array bit-identical to p's. Returns the worst distance in ε·m.
 */
function checkStep<T extends StepCase>(spec: StepSpec<T>, p: T, q: T, what: string, floor?: number): number {
  const { expected, written } = spec.reference(p);
  let worst = 0;
  for (const e of expected) {
    const got = arrayOf(q, e.array)[e.index];
    const units = epsUnits(got, e.ref.v, e.ref.m, floor);
    if (!(units <= STEP_LIMIT)) {
      expect.fail(`${what}: ${e.what} = ${got}, float64 ${e.ref.v}: ${units} ε·m (m = ${e.ref.m})`);
    }
    worst = Math.max(worst, units);
  }
  for (const [name, value] of Object.entries(p)) {
    if (!(value instanceof Float32Array)) continue;
    const after = arrayOf(q, name);
    const block = written[name];
    for (let i = 0; i < value.length; i++) {
      if (block !== undefined && i >= block[0] && i < block[0] + block[1]) continue;
      if (!Object.is(after[i], value[i]))
        expect.fail(`${what}: ${name}[${i}] outside the step's output was written`);
    }
  }
  return worst;
}

/** Every output of a and b within STEP_LIMIT ε·m of each other; returns the worst distance. */
function compareSteps<T extends StepCase>(spec: StepSpec<T>, p: T, a: T, b: T, what: string): number {
  let worst = 0;
  for (const e of spec.reference(p).expected) {
    const [x, y] = [arrayOf(a, e.array)[e.index], arrayOf(b, e.array)[e.index]];
    const units = epsUnits(x, y, e.ref.m, 2 ** -126);
    if (!(units <= STEP_LIMIT))
      expect.fail(`${what}: ${e.what} = ${x} and ${y}: ${units} ε·m (m = ${e.ref.m})`);
    worst = Math.max(worst, units);
  }
  return worst;
}

interface LstmForwardCase extends StepCase {
  B: number;
  U: number;
  gates: Float32Array;
  zOff: number;
  c: Float32Array;
  sPrev: number;
  sOff: number;
  cAct: Float32Array;
  aOff: number;
  h: Float32Array;
}

const LSTM_FORWARD: StepSpec<LstmForwardCase> = {
  name: 'lstmForwardStep',
  make(rng, B, U) {
    const n = B * U;
    const [zOff, sPrev, aOff] = [5, 3, 6];
    const sOff = sPrev + n + 2;
    const gates = sentinels(zOff + 4 * n + 3, rng);
    fillBlock(gates, zOff, 4 * n, () => preActivation(rng));
    const c = sentinels(sOff + n + 4, rng);
    fillBlock(c, sPrev, n, () => rng.normal() * 2);
    const cAct = sentinels(aOff + n + 2, rng);
    return { B, U, gates, zOff, c, sPrev, sOff, cAct, aOff, h: sentinels(sOff + n + 3, rng) };
  },
  run(k, p) {
    const q = copyCase(p);
    k.lstmForwardStep(q.B, q.U, q.gates, q.zOff, q.c, q.sPrev, q.sOff, q.cAct, q.aOff, q.h);
    return q;
  },
  unfused(be, p) {
    const q = copyCase(p);
    const { B, U, gates, zOff, c, sPrev, sOff, cAct, aOff, h } = q;
    for (let b = 0; b < B; b++) {
      const row = zOff + b * 4 * U;
      be.activate('sigmoid', gates, row, 2 * U);
      be.activate('tanh', gates, row + 2 * U, U);
      be.activate('sigmoid', gates, row + 3 * U, U);
    }
    for (let b = 0; b < B; b++) {
      const row = zOff + b * 4 * U;
      for (let j = 0; j < U; j++) {
        const k = b * U + j;
        const ct = gates[row + U + j] * c[sPrev + k] + gates[row + j] * gates[row + 2 * U + j];
        c[sOff + k] = ct;
        cAct[aOff + k] = ct;
      }
    }
    be.activate('tanh', cAct, aOff, B * U);
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < U; j++) {
        h[sOff + b * U + j] = gates[zOff + b * 4 * U + 3 * U + j] * cAct[aOff + b * U + j];
      }
    }
    return q;
  },
  reference(p) {
    const { B, U, gates, zOff, c, sPrev, sOff, aOff } = p;
    const expected: Expected[] = [];
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < U; j++) {
        const k = b * U + j;
        const row = zOff + b * 4 * U;
        const pre = [0, 1, 2, 3].map((t) => inp(gates[row + t * U + j]));
        const gate = [sig(pre[0]), sig(pre[1]), th(pre[2]), sig(pre[3])];
        gate.forEach((ref, t) =>
          expected.push({
            array: 'gates',
            index: row + t * U + j,
            ref,
            what: `gate ${'ifgo'[t]}[${b}, ${j}]`,
          }),
        );
        const ct = add(mul(gate[1], inp(c[sPrev + k])), mul(gate[0], gate[2]));
        const ca = th(ct);
        expected.push(
          { array: 'c', index: sOff + k, ref: ct, what: `c[${b}, ${j}]` },
          { array: 'cAct', index: aOff + k, ref: ca, what: `cAct[${b}, ${j}]` },
          { array: 'h', index: sOff + k, ref: mul(gate[3], ca), what: `h[${b}, ${j}]` },
        );
      }
    }
    const n = B * U;
    return { expected, written: { gates: [zOff, 4 * n], c: [sOff, n], cAct: [aOff, n], h: [sOff, n] } };
  },
};

interface LstmBackwardCase extends StepCase {
  B: number;
  U: number;
  gates: Float32Array;
  zOff: number;
  cAct: Float32Array;
  aOff: number;
  c: Float32Array;
  sPrev: number;
  dh: Float32Array;
  dhOff: number;
  dhNext: Float32Array;
  dcNext: Float32Array;
  dz: Float32Array;
}

const LSTM_BACKWARD: StepSpec<LstmBackwardCase> = {
  name: 'lstmBackwardStep',
  make(rng, B, U) {
    const n = B * U;
    const [zOff, aOff, sPrev, dhOff] = [3, 7, 2, 9];
    const gates = sentinels(zOff + 4 * n + 2, rng);
    for (let b = 0; b < B; b++) {
      const row = zOff + b * 4 * U;
      fillBlock(gates, row, 2 * U, () => sigmoidOf(preActivation(rng)));
      fillBlock(gates, row + 2 * U, U, () => tanhOf(preActivation(rng)));
      fillBlock(gates, row + 3 * U, U, () => sigmoidOf(preActivation(rng)));
    }
    const cAct = sentinels(aOff + n + 3, rng);
    fillBlock(cAct, aOff, n, () => tanhOf(preActivation(rng)));
    const c = sentinels(sPrev + n + 4, rng);
    fillBlock(c, sPrev, n, () => rng.normal() * 2);
    const dh = sentinels(dhOff + n + 1, rng);
    fillBlock(dh, dhOff, n, () => rng.normal());
    const dhNext = sentinels(n + 3, rng);
    fillBlock(dhNext, 0, n, () => rng.normal());
    const dcNext = sentinels(n + 2, rng);
    fillBlock(dcNext, 0, n, () => rng.normal());
    const dz = sentinels(zOff + 4 * n + 5, rng);
    return { B, U, gates, zOff, cAct, aOff, c, sPrev, dh, dhOff, dhNext, dcNext, dz };
  },
  run(k, p) {
    const q = copyCase(p);
    const { B, U, gates, zOff, cAct, aOff, c, sPrev, dh, dhOff, dhNext, dcNext, dz } = q;
    k.lstmBackwardStep(B, U, gates, zOff, cAct, aOff, c, sPrev, dh, dhOff, dhNext, dcNext, dz);
    return q;
  },
  unfused(be, p) {
    const q = copyCase(p);
    const { B, U, gates, zOff, cAct, aOff, c, sPrev, dhOff, dhNext, dcNext, dz } = q;
    const dh = q.dh.slice(); // the layer's loops overwrite dh; the fused step leaves it alone
    for (let b = 0; b < B; b++) {
      const row = zOff + b * 4 * U;
      for (let j = 0; j < U; j++) {
        const k = b * U + j;
        const dhTotal = dh[dhOff + k] + dhNext[k];
        dz[row + 3 * U + j] = dhTotal * cAct[aOff + k];
        dh[dhOff + k] = dhTotal * gates[row + 3 * U + j];
      }
    }
    be.activateBackward('tanh', cAct, aOff, dh, dhOff, B * U);
    for (let b = 0; b < B; b++) {
      const row = zOff + b * 4 * U;
      for (let j = 0; j < U; j++) {
        const k = b * U + j;
        const dc = dcNext[k] + dh[dhOff + k];
        dz[row + j] = dc * gates[row + 2 * U + j];
        dz[row + U + j] = dc * c[sPrev + k];
        dz[row + 2 * U + j] = dc * gates[row + j];
        dcNext[k] = dc * gates[row + U + j];
      }
    }
    for (let b = 0; b < B; b++) {
      const row = zOff + b * 4 * U;
      be.activateBackward('sigmoid', gates, row, dz, row, 2 * U);
      be.activateBackward('tanh', gates, row + 2 * U, dz, row + 2 * U, U);
      be.activateBackward('sigmoid', gates, row + 3 * U, dz, row + 3 * U, U);
    }
    return q;
  },
  reference(p) {
    const { B, U, gates, zOff, cAct, aOff, c, sPrev, dh, dhOff, dhNext, dcNext } = p;
    const expected: Expected[] = [];
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < U; j++) {
        const k = b * U + j;
        const row = zOff + b * 4 * U;
        const [i, f, g, o] = [0, 1, 2, 3].map((t) => inp(gates[row + t * U + j]));
        const ca = inp(cAct[aOff + k]);
        const dhTotal = add(inp(dh[dhOff + k]), inp(dhNext[k]));
        const dc = add(inp(dcNext[k]), mul(mul(dhTotal, o), dth(ca)));
        expected.push(
          { array: 'dz', index: row + j, ref: mul(mul(dc, g), dsig(i)), what: `dz_i[${b}, ${j}]` },
          {
            array: 'dz',
            index: row + U + j,
            ref: mul(mul(dc, inp(c[sPrev + k])), dsig(f)),
            what: `dz_f[${b}, ${j}]`,
          },
          { array: 'dz', index: row + 2 * U + j, ref: mul(mul(dc, i), dth(g)), what: `dz_g[${b}, ${j}]` },
          {
            array: 'dz',
            index: row + 3 * U + j,
            ref: mul(mul(dhTotal, ca), dsig(o)),
            what: `dz_o[${b}, ${j}]`,
          },
          { array: 'dcNext', index: k, ref: mul(dc, f), what: `dcNext[${b}, ${j}]` },
        );
      }
    }
    return { expected, written: { dz: [zOff, 4 * B * U], dcNext: [0, B * U] } };
  },
};

interface GruForwardCase extends StepCase {
  B: number;
  U: number;
  gates: Float32Array;
  mh: Float32Array;
  g: number;
  h: Float32Array;
  hp: number;
  ht: number;
}

const GRU_FORWARD: StepSpec<GruForwardCase> = {
  name: 'gruForwardStep',
  make(rng, B, U) {
    const n = B * U;
    const [g, hp] = [4, 3];
    const ht = hp + n + 1;
    const gates = sentinels(g + 3 * n + 3, rng);
    fillBlock(gates, g, 3 * n, () => preActivation(rng) / 2);
    const mh = sentinels(g + 3 * n + 2, rng);
    fillBlock(mh, g, 3 * n, () => preActivation(rng) / 2);
    const h = sentinels(ht + n + 2, rng);
    fillBlock(h, hp, n, () => tanhOf(rng.normal()));
    return { B, U, gates, mh, g, h, hp, ht };
  },
  run(k, p) {
    const q = copyCase(p);
    k.gruForwardStep(q.B, q.U, q.gates, q.mh, q.g, q.h, q.hp, q.ht);
    return q;
  },
  unfused(be, p) {
    const q = copyCase(p);
    const { B, U, gates, mh, g, h, hp, ht } = q;
    for (let b = 0; b < B; b++) {
      const o = g + b * 3 * U;
      for (let k = 0; k < 2 * U; k++) gates[o + k] += mh[o + k];
      be.activate('sigmoid', gates, o, 2 * U);
      for (let j = 0; j < U; j++) gates[o + 2 * U + j] += gates[o + U + j] * mh[o + 2 * U + j];
      be.activate('tanh', gates, o + 2 * U, U);
    }
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < U; j++) {
        const z = gates[g + b * 3 * U + j];
        h[ht + b * U + j] = z * h[hp + b * U + j] + (1 - z) * gates[g + b * 3 * U + 2 * U + j];
      }
    }
    return q;
  },
  reference(p) {
    const { B, U, gates, mh, g, h, hp, ht } = p;
    const expected: Expected[] = [];
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < U; j++) {
        const o = g + b * 3 * U;
        const [mx, mm] = [gates, mh].map((a) => [0, 1, 2].map((t) => inp(a[o + t * U + j])));
        const z = sig(add(mx[0], mm[0]));
        const r = sig(add(mx[1], mm[1]));
        const hh = th(add(mx[2], mul(r, mm[2])));
        const hNew = add(mul(z, inp(h[hp + b * U + j])), mul(sub(ONE, z), hh));
        expected.push(
          { array: 'gates', index: o + j, ref: z, what: `z[${b}, ${j}]` },
          { array: 'gates', index: o + U + j, ref: r, what: `r[${b}, ${j}]` },
          { array: 'gates', index: o + 2 * U + j, ref: hh, what: `hh[${b}, ${j}]` },
          { array: 'h', index: ht + b * U + j, ref: hNew, what: `h[${b}, ${j}]` },
        );
      }
    }
    return { expected, written: { gates: [g, 3 * B * U], h: [ht, B * U] } };
  },
};

interface GruBackwardCase extends StepCase {
  B: number;
  U: number;
  gates: Float32Array;
  mh: Float32Array;
  g: number;
  h: Float32Array;
  hp: number;
  dh: Float32Array;
  dhNext: Float32Array;
  dMX: Float32Array;
  dMH: Float32Array;
}

const GRU_BACKWARD: StepSpec<GruBackwardCase> = {
  name: 'gruBackwardStep',
  make(rng, B, U) {
    const n = B * U;
    const [g, hp] = [6, 5];
    const gates = sentinels(g + 3 * n + 2, rng);
    for (let b = 0; b < B; b++) {
      const o = g + b * 3 * U;
      fillBlock(gates, o, 2 * U, () => sigmoidOf(preActivation(rng)));
      fillBlock(gates, o + 2 * U, U, () => tanhOf(preActivation(rng)));
    }
    const mh = sentinels(g + 3 * n + 1, rng);
    fillBlock(mh, g, 3 * n, () => rng.normal() * 2);
    const h = sentinels(hp + n + 3, rng);
    fillBlock(h, hp, n, () => tanhOf(rng.normal()));
    const dh = sentinels(hp + n + 2, rng);
    fillBlock(dh, hp, n, () => rng.normal());
    const dhNext = sentinels(n + 4, rng);
    fillBlock(dhNext, 0, n, () => rng.normal());
    const dMX = sentinels(g + 3 * n + 3, rng);
    return { B, U, gates, mh, g, h, hp, dh, dhNext, dMX, dMH: sentinels(g + 3 * n + 2, rng) };
  },
  run(k, p) {
    const q = copyCase(p);
    k.gruBackwardStep(q.B, q.U, q.gates, q.mh, q.g, q.h, q.hp, q.dh, q.dhNext, q.dMX, q.dMH);
    return q;
  },
  unfused(be, p) {
    const q = copyCase(p);
    const { B, U, gates, mh, g, h, hp, dh, dhNext, dMX, dMH } = q;
    for (let b = 0; b < B; b++) {
      const o = g + b * 3 * U;
      for (let j = 0; j < U; j++) {
        const k = b * U + j;
        const dht = dh[hp + k] + dhNext[k];
        const z = gates[o + j];
        dMX[o + j] = dht * (h[hp + k] - gates[o + 2 * U + j]);
        dMX[o + 2 * U + j] = dht * (1 - z);
        dhNext[k] = dht * z;
      }
      be.activateBackward('sigmoid', gates, o, dMX, o, U);
      be.activateBackward('tanh', gates, o + 2 * U, dMX, o + 2 * U, U);
    }
    for (let b = 0; b < B; b++) {
      const o = g + b * 3 * U;
      for (let j = 0; j < U; j++) dMX[o + U + j] = dMX[o + 2 * U + j] * mh[o + 2 * U + j];
      be.activateBackward('sigmoid', gates, o + U, dMX, o + U, U);
      for (let k = 0; k < 2 * U; k++) dMH[o + k] = dMX[o + k];
      for (let j = 0; j < U; j++) dMH[o + 2 * U + j] = dMX[o + 2 * U + j] * gates[o + U + j];
    }
    return q;
  },
  reference(p) {
    const { B, U, gates, mh, g, h, hp, dh, dhNext } = p;
    const expected: Expected[] = [];
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < U; j++) {
        const o = g + b * 3 * U;
        const k = b * U + j;
        const [z, r, hh] = [0, 1, 2].map((t) => inp(gates[o + t * U + j]));
        const dht = add(inp(dh[hp + k]), inp(dhNext[k]));
        const dzPre = mul(mul(dht, sub(inp(h[hp + k]), hh)), dsig(z));
        const dhhPre = mul(mul(dht, sub(ONE, z)), dth(hh));
        const drPre = mul(mul(dhhPre, inp(mh[o + 2 * U + j])), dsig(r));
        for (const array of ['dMX', 'dMH']) {
          expected.push(
            { array, index: o + j, ref: dzPre, what: `${array} z[${b}, ${j}]` },
            { array, index: o + U + j, ref: drPre, what: `${array} r[${b}, ${j}]` },
          );
        }
        expected.push(
          { array: 'dMX', index: o + 2 * U + j, ref: dhhPre, what: `dMX h[${b}, ${j}]` },
          { array: 'dMH', index: o + 2 * U + j, ref: mul(dhhPre, r), what: `dMH h[${b}, ${j}]` },
          { array: 'dhNext', index: k, ref: mul(dht, z), what: `dhNext[${b}, ${j}]` },
        );
      }
    }
    const n = B * U;
    return { expected, written: { dMX: [g, 3 * n], dMH: [g, 3 * n], dhNext: [0, n] } };
  },
};

/** Every Float32Array of two cases bit-identical. */
function expectSameCase(actual: StepCase, expected: StepCase, what: string): void {
  for (const [k, v] of Object.entries(actual)) {
    if (v instanceof Float32Array) expectSameBits(v, arrayOf(expected, k), `${what}: ${k}`);
  }
}

/** The tests of one fused step on one instruction-set path. */
function fusedStepTests<T extends StepCase>(
  be: NativeBackend,
  isa: NativeIsa,
  spec: StepSpec<T>,
  seed: number,
): void {
  it(`${spec.name} is within ${STEP_LIMIT} ε·m of float64 on tail shapes, writes only its output blocks, and equals the layer's own loops bit for bit`, () => {
    be.addon.setIsa(isa);
    const rng = new Random(seed);
    let worst = 0;
    for (const [B, U] of STEP_SHAPES) {
      const what = `${isa} ${spec.name} B=${B} U=${U}`;
      const p = spec.make(rng, B, U);
      const q = spec.run(be.addon, p);
      worst = Math.max(worst, checkStep(spec, p, q, what));
      expectSameCase(q, spec.unfused(be, p), `${what} against the unfused loops`);
    }
    expect(worst).toBeGreaterThan(0); // the tolerance is not vacuous: roundings are seen
  });

  it.skipIf(be.addon.info().maxThreads < 2)(
    `${spec.name} split over 2 threads gives the bits of 1 thread (and of the layer's loops), within ${STEP_LIMIT} ε·m of float64`,
    () => {
      be.addon.setIsa(isa);
      // B·U = 16512: over 8192 units per thread, so every step is split (fused.cc), into 64 + 65 rows
      const p = spec.make(new Random(seed + 2), 129, 128);
      expect(be.addon.setThreads(1)).toBe(1);
      const one = spec.run(be.addon, p);
      expect(be.addon.setThreads(2)).toBe(2);
      const two = spec.run(be.addon, p);
      const what = `${isa} ${spec.name} B=129 U=128`;
      expectSameCase(two, one, `${what}, 2 threads against 1`);
      checkStep(spec, p, two, what);
      expectSameCase(two, spec.unfused(be, p), `${what} against the unfused loops`);
    },
  );

  it(`${spec.name} agrees with the WebAssembly backend's within ${STEP_LIMIT} ε·m`, () => {
    be.addon.setIsa(isa);
    const wasm = loadWasmBackend();
    expect(wasm).not.toBeNull();
    const rng = new Random(seed + 1);
    for (const [B, U] of STEP_SHAPES) {
      const what = `${isa} ${spec.name} B=${B} U=${U} against wasm`;
      const p = spec.make(rng, B, U);
      const w = spec.run(wasm!.kernels, p);
      checkStep(spec, p, w, `${what} (the wasm step itself)`, 2 ** -126);
      compareSteps(spec, p, spec.run(be.addon, p), w, what);
    }
  });
}
