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
import { jsBackend } from '../src/kernels/js.js';
import type { NativeBackend, NativeIsa } from '../src/kernels/native.js';
import { loadNativeBackend } from '../src/kernels/native.js';
import { Random } from '../src/random.js';

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
    C,
    p.cOff,
    p.ldc,
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
              be.gemm(false, transB, 1, N, K, row, 0, K, p.B, 0, p.ldb, one, 0, N, accumulate);
              expectSameBits(one, all.subarray(i * p.ldc, i * p.ldc + N), `row ${i} of ${M}x${N}x${K}`);
            }
            // and the first rows as a smaller problem (a different M, a different split)
            const m = Math.max(1, M >> 2);
            const part = p.C.slice();
            be.gemm(transA, transB, m, N, K, p.A, 0, p.lda, p.B, 0, p.ldb, part, 0, p.ldc, accumulate);
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
      be.gemm(false, false, 2, 2, 0, new Float32Array(0), 0, 0, new Float32Array(0), 0, 2, C, 1, 2, true);
      expect(Array.from(C)).toEqual([1, 2, 3, 4, 5]);
      be.gemm(false, false, 2, 2, 0, new Float32Array(0), 0, 0, new Float32Array(0), 0, 2, C, 1, 2, false);
      expect(Array.from(C)).toEqual([1, 0, 0, 0, 0]);
      const D = Float32Array.from([7, 8]);
      be.gemm(true, true, 0, 5, 3, new Float32Array(0), 0, 0, new Float32Array(15), 0, 3, D, 0, 5, false);
      be.gemm(false, false, 4, 0, 3, new Float32Array(12), 0, 3, new Float32Array(0), 0, 0, D, 0, 0, false);
      expect(Array.from(D)).toEqual([7, 8]);
    });

    it('Float64Array operands go to the JavaScript backend (bit-identical to it)', () => {
      const rng = new Random(3);
      const p = makeProblem(rng, false, true, 9, 7, 5, true);
      const A = Float64Array.from(p.A);
      const B = Float64Array.from(p.B);
      const C1 = Float64Array.from(p.C);
      const C2 = Float64Array.from(p.C);
      be.gemm(false, true, 9, 7, 5, A, p.aOff, p.lda, B, p.bOff, p.ldb, C1, p.cOff, p.ldc, true);
      jsBackend.gemm(false, true, 9, 7, 5, A, p.aOff, p.lda, B, p.bOff, p.ldb, C2, p.cOff, p.ldc, true);
      expect(Array.from(C1)).toEqual(Array.from(C2));
      expect(Array.from(C1)).not.toEqual(Array.from(p.C));
      // mixed: one Float64Array among Float32Arrays
      const C3 = p.C.slice();
      const C4 = p.C.slice();
      be.gemm(false, true, 9, 7, 5, A, p.aOff, p.lda, p.B, p.bOff, p.ldb, C3, p.cOff, p.ldc, true);
      jsBackend.gemm(false, true, 9, 7, 5, A, p.aOff, p.lda, p.B, p.bOff, p.ldb, C4, p.cOff, p.ldc, true);
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
        be.gemm(false, transB, 20, 16, 16, A, 0, 16, B, 0, 16, C, 0, 16, true);
        const shared = buf.slice();
        be.gemm(false, transB, 20, 16, 16, shared, 16, 32, B, 0, 16, shared, 0, 32, true);
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
        be.gemm(false, transB, 16, 16, 16, A2, 0, 16, B2, 0, 16, C2, 0, 16, false);
        be.gemm(false, transB, 16, 16, 16, A2, 0, 16, buf2, 16, 32, buf2, 0, 32, false);
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
          be.gemm(ta, tb, 3, 5, 4, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, false);
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
      expect(() => be.gemm(false, false, 3, 5, 4, A, -1, 4, B, 0, 5, C, 0, 5, false)).toThrow(RangeError);
      expect(() => be.gemm(false, false, 3, 5, 4, A, 0.5, 4, B, 0, 5, C, 0, 5, false)).toThrow(RangeError);
      expect(() => be.gemm(false, false, 3, 5, NaN, A, 0, 4, B, 0, 5, C, 0, 5, false)).toThrow(RangeError);
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
    });
  });
}
