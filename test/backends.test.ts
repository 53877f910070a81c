/**
 * Every fast backend against the plain JavaScript one (the oracle): products within float32's error bound,
 * bit-identical rows wherever they sit in the batch, whole models that train alike, and the same
 * conformance cases passed. A backend this machine cannot load (the native kernel without a compiler) is
 * listed by `availableBackends()` and tested when present.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Backend, Layer } from '../src/index.js';
import {
  adam,
  availableBackends,
  bidirectional,
  dense,
  gru,
  lstm,
  Random,
  resolveBackend,
  SeqcastError,
  sequential,
  setDefaultBackend,
  simpleRNN,
} from '../src/index.js';
import { jsBackend, loadWasmBackend } from '../src/entries/kernels.js';
import { runConformanceDir } from '../src/conformance/dir.js';
import { mat } from '../src/kernels/backend.js';

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(import.meta.dirname, 'fixtures', 'conformance');
const FAST = availableBackends().filter((name) => name !== 'js');

function random32(n: number, rng: Random): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniformRange(-1, 1));
}

/** op(A)·op(B) in float64, and Σ|a·b| per element (the scale of float32's rounding error bound). */
function reference(
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
): { value: Float64Array; scale: Float64Array } {
  const value = new Float64Array(M * N);
  const scale = new Float64Array(M * N);
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0;
      let m = 0;
      for (let k = 0; k < K; k++) {
        const p =
          (transA ? A[aOff + k * lda + i] : A[aOff + i * lda + k]) *
          (transB ? B[bOff + j * ldb + k] : B[bOff + k * ldb + j]);
        s += p;
        m += Math.abs(p);
      }
      value[i * N + j] = s;
      scale[i * N + j] = m;
    }
  }
  return { value, scale };
}

const SHAPES = [
  [1, 1, 1],
  [2, 3, 5],
  [5, 7, 3],
  [4, 8, 16],
  [7, 9, 17],
  [32, 32, 32],
  [33, 31, 12],
  [3, 100, 64],
  [64, 256, 1],
];

describe.each(FAST)('the %s backend', (name) => {
  const backend = resolveBackend(name, 'float32');

  it.each([
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ])(
    'gemm(transA=%s, transB=%s) on offset, padded operands is within float32 summation error of the exact product',
    (transA, transB) => {
      const rng = new Random(11);
      const eps = 2 ** -24;
      for (const accumulate of [false, true]) {
        for (const [M, N, K] of SHAPES) {
          const lda = (transA ? M : K) + 3;
          const ldb = (transB ? K : N) + 1;
          const ldc = N + 2;
          const A = random32(5 + (transA ? K : M) * lda, rng);
          const B = random32(2 + (transB ? N : K) * ldb, rng);
          const C = random32(3 + M * ldc + 1, rng);
          const before = C.slice();
          backend.gemm(
            M,
            N,
            K,
            { data: A, offset: 5, ld: lda, trans: transA },
            { data: B, offset: 2, ld: ldb, trans: transB },
            mat(C, 3, ldc),
            accumulate,
          );
          const ref = reference(transA, transB, M, N, K, A, 5, lda, B, 2, ldb);
          for (let i = 0; i < M; i++) {
            for (let j = 0; j < N; j++) {
              const c0 = accumulate ? before[3 + i * ldc + j] : 0;
              const exact = ref.value[i * N + j] + c0;
              const bound = (K + 2) * eps * (ref.scale[i * N + j] + Math.abs(c0)) + 1e-30;
              const got = C[3 + i * ldc + j];
              if (!(Math.abs(got - exact) <= bound)) {
                throw new Error(
                  `${name} ${M}×${N}×${K} C[${i},${j}] = ${got}, exact ${exact}, bound ${bound}`,
                );
              }
            }
            for (let j = N; j < ldc && 3 + i * ldc + j < C.length; j++) {
              expect(C[3 + i * ldc + j]).toBe(before[3 + i * ldc + j]); // padding untouched
            }
          }
          expect(C[0]).toBe(before[0]);
        }
      }
    },
  );

  it('gemm gives each row bit-identical results alone or among others, in full tiles and tails', () => {
    const rng = new Random(5);
    for (const [transA, transB, M, N, K] of [
      [false, false, 9, 19, 13],
      [true, false, 6, 33, 40],
      [false, true, 5, 12, 7],
      [false, true, 7, 9, 70],
      [true, true, 11, 8, 3],
    ] as const) {
      const A = random32(M * K, rng);
      const B = random32(K * N, rng);
      const all = new Float32Array(M * N);
      backend.gemm(
        M,
        N,
        K,
        { data: A, offset: 0, ld: transA ? M : K, trans: transA },
        { data: B, offset: 0, ld: transB ? K : N, trans: transB },
        mat(all, 0, N),
        false,
      );
      for (let i = 0; i < M; i++) {
        const row = new Float32Array(K);
        for (let k = 0; k < K; k++) row[k] = transA ? A[k * M + i] : A[i * K + k];
        const one = new Float32Array(N);
        backend.gemm(
          1,
          N,
          K,
          mat(row, 0, K),
          { data: B, offset: 0, ld: transB ? K : N, trans: transB },
          mat(one, 0, N),
          false,
        );
        expect(Array.from(one)).toEqual(Array.from(all.subarray(i * N, (i + 1) * N)));
      }
    }
  });

  it('gemm with K = 0 zeroes C or leaves it, and float64 operands are computed exactly as by the JS backend', () => {
    const C = new Float32Array([1, 2, 3, 4]);
    backend.gemm(2, 2, 0, mat(new Float32Array(0), 0, 0), mat(new Float32Array(0), 0, 2), mat(C, 0, 2), true);
    expect([...C]).toEqual([1, 2, 3, 4]);
    backend.gemm(
      2,
      2,
      0,
      mat(new Float32Array(0), 0, 0),
      mat(new Float32Array(0), 0, 2),
      mat(C, 0, 2),
      false,
    );
    expect([...C]).toEqual([0, 0, 0, 0]);
    const rng = new Random(2);
    const A = Float64Array.from(random32(6 * 7, rng));
    const B = Float64Array.from(random32(7 * 5, rng));
    const C1 = new Float64Array(30);
    const C2 = new Float64Array(30);
    backend.gemm(6, 5, 7, mat(A, 0, 7), mat(B, 0, 5), mat(C1, 0, 5), false);
    jsBackend.gemm(6, 5, 7, mat(A, 0, 7), mat(B, 0, 5), mat(C2, 0, 5), false);
    expect(Array.from(C1)).toEqual(Array.from(C2));
  });

  it('activate(tanh | sigmoid) is within 4 float32 ulp of Math.tanh and the logistic function, down to float32 normal numbers', () => {
    const xs: number[] = [
      0, -0, 1e-30, -1e-7, 1e-3, 0.3, 0.6249, 0.625, 0.626, 1, 2.5, 9, 15, 40, 88, 100, 1e4,
    ];
    for (let v = -20; v <= 20; v += 0.0137) xs.push(v);
    const all = xs.flatMap((v) => [v, -v]);
    const ulp = (v: number): number => {
      const a = Math.abs(Math.fround(v));
      if (a < 2 ** -126) return 2 ** -149;
      return 2 ** (Math.floor(Math.log2(a)) - 23);
    };
    for (const [act, exact] of [
      ['tanh', Math.tanh],
      ['sigmoid', (v: number) => 1 / (1 + Math.exp(-v))],
    ] as const) {
      const x = Float32Array.from(all);
      backend.activate(act, x, 0, x.length);
      let worst = 0;
      for (let i = 0; i < x.length; i++) {
        const e = exact(Math.fround(all[i]));
        // below float32's normal range (sigmoid(x) for x < −87) any value under 2^−126 will do
        if (Math.abs(e) < 2 ** -126 && Math.abs(x[i]) < 2 ** -126) continue;
        worst = Math.max(worst, Math.abs(x[i] - e) / ulp(e));
      }
      expect(worst, act).toBeLessThanOrEqual(4);
    }
    const odd = Float32Array.from([NaN, Infinity, -Infinity]);
    backend.activate('tanh', odd, 0, 3);
    expect([...odd]).toEqual([NaN, 1, -1]);
  });

  it('gemm stays right after a product too large for its memory so far (the memory grows)', () => {
    const rng = new Random(8);
    const small = () => {
      const A = random32(4 * 3, rng);
      const B = random32(3 * 2, rng);
      const C = new Float32Array(8);
      backend.gemm(4, 2, 3, mat(A, 0, 3), mat(B, 0, 2), mat(C, 0, 2), false);
      const ref = reference(false, false, 4, 2, 3, A, 0, 3, B, 0, 2);
      for (let i = 0; i < 8; i++) expect(C[i]).toBeCloseTo(ref.value[i], 5);
    };
    small();
    const [M, N, K] = [300, 700, 200];
    const A = random32(M * K, rng);
    const B = random32(K * N, rng);
    const C = new Float32Array(M * N);
    backend.gemm(M, N, K, mat(A, 0, K), mat(B, 0, N), mat(C, 0, N), false);
    const ref = reference(false, false, M, N, K, A, 0, K, B, 0, N);
    let worst = 0;
    for (let i = 0; i < M * N; i++) worst = Math.max(worst, Math.abs(C[i] - ref.value[i]) / ref.scale[i]);
    expect(worst).toBeLessThan(202 * 2 ** -24);
    small();
  });

  const stacks: [string, () => Layer[], number[]][] = [
    ['SimpleRNN', () => [simpleRNN({ units: 32 }), dense({ units: 1 })], [12, 1]],
    [
      'LSTM → LSTM',
      () => [lstm({ units: 16, returnSequences: true }), lstm({ units: 8 }), dense({ units: 2 })],
      [10, 3],
    ],
    ['GRU (resetAfter false)', () => [gru({ units: 12, resetAfter: false }), dense({ units: 1 })], [9, 2]],
    ['Bidirectional GRU', () => [bidirectional(gru({ units: 8 })), dense({ units: 1 })], [7, 2]],
  ];

  it.each(stacks)(
    '%s trains to the same losses and predictions as with the JS backend',
    (_, make, inputShape) => {
      const rng = new Random(4);
      const [T, F] = inputShape;
      const n = 48;
      const outUnits = 1 + Number(_ === 'LSTM → LSTM');
      const x = { shape: [n, T, F], data: random32(n * T * F, rng) };
      const y = { shape: [n, outUnits], data: random32(n * outUnits, rng) };
      const train = async (b: string) => {
        const m = sequential(make(), { inputShape, seed: 9, backend: b as 'js' });
        expect(m.backendName).toBe(b);
        m.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'mse' });
        const h = await m.fit(x, y, { epochs: 3, batchSize: 16, seed: 1 });
        return { loss: h.history.loss, prediction: m.predict(x).data };
      };
      return Promise.all([train('js'), train(name)]).then(([a, b]) => {
        for (let e = 0; e < 3; e++) expect(Math.abs(b.loss[e] - a.loss[e]) / a.loss[e]).toBeLessThan(1e-4);
        let worst = 0;
        for (let i = 0; i < a.prediction.length; i++) {
          worst = Math.max(
            worst,
            Math.abs(b.prediction[i] - a.prediction[i]) / (1e-3 + Math.abs(a.prediction[i])),
          );
        }
        expect(worst).toBeLessThan(1e-3);
      });
    },
  );

  it('predict gives a window bit-identical results alone or inside a batch', () => {
    const rng = new Random(6);
    const m = sequential([lstm({ units: 20 }), dense({ units: 1 })], {
      inputShape: [6, 2],
      seed: 3,
      backend: name,
    });
    const x = random32(37 * 6 * 2, rng);
    const all = m.predict({ shape: [37, 6, 2], data: x }).data;
    for (const i of [0, 1, 17, 36]) {
      const one = m.predict({ shape: [1, 6, 2], data: x.subarray(i * 12, (i + 1) * 12) }).data;
      expect(one[0]).toBe(all[i]);
    }
  });

  it('passes every conformance case in float32', () => {
    const s = runConformanceDir(FIXTURES, { backend: name });
    expect(s.results.filter((r) => r.status !== 'passed').map((r) => `${r.name}: ${r.message}`)).toEqual([]);
    expect(s.passed).toBe(111);
  });
});

describe('choosing a backend', () => {
  it('the WebAssembly backend loads in Node, and auto picks the fastest available one for float32', () => {
    expect(loadWasmBackend()?.name).toBe('wasm');
    expect(availableBackends()).toContain('wasm');
    expect(availableBackends().at(-1)).toBe('js');
    const m = sequential([simpleRNN({ units: 4 })], { inputShape: [3, 1], seed: 1 });
    expect(m.backendName).toBe(availableBackends()[0]);
  });

  it.skipIf(!availableBackends().includes('native'))(
    'the native backend runs its own steps: training SimpleRNN, LSTM and GRU models on it never compiles WebAssembly',
    async () => {
      // a fresh copy of the library, whose WebAssembly module is not loaded yet
      vi.resetModules();
      const api = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } })
        .WebAssembly;
      const compile = vi.spyOn(api, 'Module');
      try {
        const lib = await import('../src/index.js');
        const native = lib.resolveBackend('native', 'float32');
        const steps = ['lstmForward', 'lstmBackward', 'gruForward', 'gruBackward'] as const;
        const spies = steps.map((step) => vi.spyOn(native, step));
        const data = (n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i / 3));
        const train = async (layer: Layer) => {
          const m = lib.sequential([layer, lib.dense({ units: 1 })], {
            inputShape: [5, 1],
            seed: 1,
            backend: 'native',
          });
          expect(m.backendName).toBe('native');
          m.compile({ optimizer: lib.adam(), loss: 'mse' });
          await m.fit({ shape: [8, 5, 1], data: data(40) }, { shape: [8, 1], data: data(8) }, { epochs: 1 });
          return m;
        };
        await train(lib.simpleRNN({ units: 4 }));
        expect(spies.map((s) => s.mock.calls.length)).toEqual([0, 0, 0, 0]);
        await train(lib.lstm({ units: 4 }));
        await train(lib.gru({ units: 4 }));
        // one epoch of one batch of 5 steps each way
        expect(spies.map((s) => s.mock.calls.length)).toEqual([5, 5, 5, 5]);
        expect(compile).not.toHaveBeenCalled();
      } finally {
        compile.mockRestore();
        vi.restoreAllMocks();
      }
    },
  );

  it('staleAddon(exports) names an addon built from older sources: another ABI version, or none', async () => {
    const { NATIVE_ABI_VERSION, staleAddon, loadNativeAddon } = await import('../src/kernels/native.js');
    expect(staleAddon({ abiVersion: NATIVE_ABI_VERSION })).toBeNull();
    expect(staleAddon({})).toMatch(
      /^was built from older sources \(no ABI version; this seqcast needs \d+\)$/,
    );
    expect(staleAddon({ abiVersion: NATIVE_ABI_VERSION - 1 })).toMatch(
      /\(ABI version \d+; this seqcast needs/,
    );
    const addon = loadNativeAddon();
    if (addon !== null) expect(addon.abiVersion).toBe(NATIVE_ABI_VERSION);
  });

  it("with a stale addon, 'auto' falls back to WebAssembly and backend 'native' is an error naming the rebuild", async () => {
    vi.resetModules();
    const real = await import('../src/kernels/native.js');
    const why =
      'the native kernel at /x/seqcast_native.node was built from older sources (no ABI version; ' +
      'this seqcast needs 2); rebuild it with npm run build:native';
    vi.doMock('../src/kernels/native.js', () => ({
      ...real,
      loadNativeBackend: () => null,
      nativeUnavailableReason: () => why,
    }));
    try {
      const select = await import('../src/kernels/select.js');
      expect(select.resolveBackend('auto', 'float32').name).toBe('wasm');
      expect(select.availableBackends()).not.toContain('native');
      expect(() => select.resolveBackend('native', 'float32', 'sequential()')).toThrow(
        /^sequential\(\): backend 'native' is unavailable: the native kernel at \S+ was built from older sources .*rebuild it with npm run build:native; use 'auto' or 'js'$/,
      );
    } finally {
      vi.doUnmock('../src/kernels/native.js');
      vi.resetModules();
    }
  });

  it('float64 models compute in JavaScript, and forcing a float32-only backend on one is an error naming both', () => {
    const m = sequential([simpleRNN({ units: 4 })], { inputShape: [3, 1], seed: 1, dtype: 'float64' });
    expect(m.backendName).toBe('js');
    expect(() =>
      sequential([simpleRNN({ units: 4 })], {
        inputShape: [3, 1],
        seed: 1,
        dtype: 'float64',
        backend: 'wasm',
      }),
    ).toThrow(/backend 'wasm' computes in float32 only; use dtype 'float32' or backend 'js'/);
  });

  it('an unknown backend name is rejected with the list of names', () => {
    expect(() =>
      sequential([simpleRNN({ units: 4 })], { inputShape: [3, 1], backend: 'gpu' as 'js' }),
    ).toThrow(SeqcastError);
    expect(() => resolveBackend('gpu' as 'js', 'float32')).toThrow(
      /backend must be 'auto', 'native', 'wasm', 'js' or a Backend object \(got "gpu"\)/,
    );
  });

  it('setDefaultBackend applies to models built after it, and a custom Backend object is used as given', () => {
    try {
      setDefaultBackend('js');
      expect(sequential([simpleRNN({ units: 4 })], { inputShape: [3, 1] }).backendName).toBe('js');
      // a program-wide choice does not make float64 models fail
      setDefaultBackend('wasm');
      expect(
        sequential([simpleRNN({ units: 4 })], { inputShape: [3, 1], dtype: 'float64' }).backendName,
      ).toBe('js');
    } finally {
      setDefaultBackend(undefined);
    }
    const calls: string[] = [];
    const counting: Backend = {
      ...jsBackend,
      name: 'counting',
      gemm: (...args) => {
        calls.push('gemm');
        jsBackend.gemm(...args);
      },
    };
    const m = sequential([simpleRNN({ units: 4 }), dense({ units: 1 })], {
      inputShape: [3, 1],
      seed: 1,
      backend: counting,
    });
    expect(m.backendName).toBe('counting');
    m.predict({ shape: [2, 3, 1], data: new Float32Array(6) });
    // the input projection, the recurrent product of each of the 3 steps (jsBackend's steps compute
    // through the backend they are called on), and the Dense layer
    expect(calls.length).toBe(5);
  });

  it.each(availableBackends().filter((b) => b !== 'js'))(
    'the %s backend computes float64 arrays, its steps included, with the JavaScript arithmetic: training is bit-identical to js',
    async (name) => {
      const backend = resolveBackend(name, 'float32'); // the object itself: a model may then be float64
      const rng = new Random(4);
      const [n, T, F] = [8, 5, 2];
      const x = { shape: [n, T, F], data: Float64Array.from({ length: n * T * F }, () => rng.normal()) };
      const y = { shape: [n, 1], data: Float64Array.from({ length: n }, () => rng.normal()) };
      const train = async (be: Backend) => {
        const layers = [
          lstm({ units: 4, returnSequences: true }),
          gru({ units: 3, returnSequences: true }),
          gru({ units: 3, resetAfter: false, returnSequences: true }),
          simpleRNN({ units: 2 }),
          dense({ units: 1 }),
        ];
        const m = sequential(layers, { inputShape: [T, F], seed: 2, dtype: 'float64', backend: be });
        m.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'mse' });
        await m.fit(x, y, { epochs: 2, batchSize: 4, seed: 1 });
        return m.getWeights();
      };
      const got = await train(backend);
      const want = await train(jsBackend);
      for (let i = 0; i < want.length; i++) {
        expect(Array.from(got[i].data), want[i].name).toEqual(Array.from(want[i].data));
      }
    },
  );

  it('a Backend object without the step methods is rejected with a message naming them', () => {
    const partial = { name: 'partial', gemm: jsBackend.gemm, activate: jsBackend.activate };
    expect(() =>
      sequential([simpleRNN({ units: 4 })], {
        inputShape: [3, 1],
        backend: partial as unknown as Backend,
      }),
    ).toThrow(
      /^sequential\(\): the Backend object 'partial' lacks activateBackward, simpleRnnForward, simpleRnnBackward, lstmForward, lstmBackward, gruForward, gruBackward; spread jsBackend/,
    );
  });

  it('the CLI takes --backend and rejects an unavailable one in one line', () => {
    const cli = join(ROOT, 'dist', 'cli', 'main.js');
    const out = execFileSync('node', [cli, '--backend', 'js', 'conformance', FIXTURES], { encoding: 'utf8' });
    expect(out.trim().split('\n').at(-1)).toBe('111 passed, 0 failed');
    if (!availableBackends().includes('native')) {
      let stderr = '';
      try {
        execFileSync('node', [cli, '--backend', 'native', 'datasets'], { encoding: 'utf8', stdio: 'pipe' });
      } catch (e) {
        stderr = String((e as { stderr: string }).stderr);
      }
      expect(stderr.trim().split('\n')).toHaveLength(1);
      expect(stderr).toMatch(/backend 'native' is unavailable/);
    }
  });

  it('the committed WebAssembly binary is what assembly/kernels.ts compiles to', () => {
    const out = execFileSync('node', [join(ROOT, 'scripts', 'build-wasm.mjs'), '--check'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBe('');
  });
});
