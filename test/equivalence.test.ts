/**
 * Equivalence between levels: the whole-sequence kernels of every backend (their fused steps included)
 * against a hand-run loop of the plain reference steps; a batch against its samples run one at a time; Bidirectional against a forward layer and
 * a time-reversed backward layer; goBackwards against a time-reversed input; seeds against the initialisers
 * run by hand.
 */
import { describe, expect, it } from 'vitest';
import type { Activation, DType, FloatArray, Layer, Recurrent, Sequential, Tensor } from '../src/index.js';
import type { BackendName } from '../src/index.js';
import {
  availableBackends,
  bidirectional,
  dense,
  gru,
  initialize,
  lstm,
  MERGE_MODES,
  Random,
  resolveBackend,
  sequential,
  simpleRNN,
} from '../src/index.js';
import { allocate, gruStepNaive, lstmStepNaive, simpleRnnStepNaive, sizeOf } from '../src/entries/kernels.js';
import type { MergeMode } from '../src/index.js';
import { buildStandalone, randomTensor, relativeError, titled, uniformArray } from './helpers/gradcheck.js';

/** The activations written out here, independently of the library's. */
const SCALAR: Record<Activation, (v: number) => number> = {
  linear: (v) => v,
  tanh: Math.tanh,
  sigmoid: (v) => 1 / (1 + Math.exp(-v)),
  relu: (v) => Math.max(0, v),
  // Keras 3: relu6(x + 3) / 6; TF.js and Keras 2: clip(0.2·x + 0.5, 0, 1)
  hardSigmoid: (v) => Math.min(6, Math.max(0, v + 3)) / 6,
  hardSigmoidTfjs: (v) => Math.min(1, Math.max(0, 0.2 * v + 0.5)),
};

interface RecurrentOpts {
  readonly returnSequences?: boolean;
  readonly returnState?: boolean;
  readonly goBackwards?: boolean;
  readonly name?: string;
}

interface Kind {
  /** The call that makes the layer, for test titles. */
  readonly label: string;
  /** The plain reference step's name, for test titles. */
  readonly stepName: string;
  readonly make: (units: number, o: RecurrentOpts) => Recurrent;
  /** One step of the plain reference: states [h] or [h, c], each [B, U] → the next states. */
  readonly step: (
    x: Float64Array,
    states: readonly Float64Array[],
    w: readonly FloatArray[],
    B: number,
    I: number,
    U: number,
  ) => Float64Array[];
}

function simpleRnnKind(label: string, activation: Activation): Kind {
  return {
    label,
    stepName: 'simpleRnnStepNaive',
    make: (units, o) => simpleRNN({ units, activation, ...o }),
    step: (x, [h], w, B, I, U) => [
      simpleRnnStepNaive(x, h, w[0], w[1], w[2] ?? null, B, I, U, SCALAR[activation]),
    ],
  };
}

function lstmKind(label: string, activation: Activation, recurrentActivation: Activation): Kind {
  return {
    label,
    stepName: 'lstmStepNaive',
    make: (units, o) => lstm({ units, activation, recurrentActivation, ...o }),
    step: (x, [h, c], w, B, I, U) => {
      const r = lstmStepNaive(
        x,
        h,
        c,
        w[0],
        w[1],
        w[2] ?? null,
        B,
        I,
        U,
        SCALAR[activation],
        SCALAR[recurrentActivation],
      );
      return [r.h, r.c];
    },
  };
}

function gruKind(
  label: string,
  resetAfter: boolean,
  activation: Activation,
  recurrentActivation: Activation,
): Kind {
  return {
    label,
    stepName: 'gruStepNaive',
    make: (units, o) => gru({ units, resetAfter, activation, recurrentActivation, ...o }),
    step: (x, [h], w, B, I, U) => [
      gruStepNaive(
        x,
        h,
        w[0],
        w[1],
        w[2] ?? null,
        B,
        I,
        U,
        resetAfter,
        SCALAR[activation],
        SCALAR[recurrentActivation],
      ),
    ],
  };
}

const SIMPLE_RNN = simpleRnnKind('simpleRNN', 'tanh');
const LSTM = lstmKind('lstm', 'tanh', 'sigmoid');
const GRU_AFTER = gruKind('gru({ resetAfter: true })', true, 'tanh', 'sigmoid');
const GRU_BEFORE = gruKind('gru({ resetAfter: false })', false, 'tanh', 'sigmoid');
const KINDS: readonly Kind[] = [SIMPLE_RNN, LSTM, GRU_AFTER, GRU_BEFORE];

/** [B, T, F] → the same with the time axis reversed. */
function reverseTime(x: Tensor): Tensor {
  const [B, T, F] = x.shape;
  const out = allocate(x.data instanceof Float64Array ? 'float64' : 'float32', x.data.length);
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      const from = (b * T + t) * F;
      out.set(x.data.subarray(from, from + F), (b * T + (T - 1 - t)) * F);
    }
  }
  return { shape: [...x.shape], data: out };
}

/** Sample b of a batch-major tensor, as a batch of one. */
function sample(x: Tensor, b: number): Tensor {
  const n = x.data.length / x.shape[0];
  return { shape: [1, ...x.shape.slice(1)], data: x.data.slice(b * n, (b + 1) * n) };
}

// ---- fused = naive -------------------------------------------------------------------------------------

interface Sizes {
  readonly B: number;
  readonly T: number;
  readonly I: number;
  readonly U: number;
}

const NAIVE_SHAPES: readonly Sizes[] = [
  { B: 1, T: 1, I: 1, U: 5 },
  { B: 1, T: 1, I: 1, U: 1 },
  { B: 2, T: 3, I: 1, U: 5 },
  { B: 7, T: 9, I: 3, U: 11 },
];

const NAIVE_KINDS: readonly Kind[] = [
  ...KINDS,
  simpleRnnKind("simpleRNN({ activation: 'relu' })", 'relu'),
  lstmKind("lstm({ activation: 'relu', recurrentActivation: 'tanh' })", 'relu', 'tanh'),
  gruKind("gru({ activation: 'linear' })", true, 'linear', 'sigmoid'),
  gruKind(
    "gru({ resetAfter: false, activation: 'relu', recurrentActivation: 'tanh' })",
    false,
    'relu',
    'tanh',
  ),
  simpleRnnKind("simpleRNN({ activation: 'hardSigmoid' })", 'hardSigmoid'),
  lstmKind("lstm({ recurrentActivation: 'hardSigmoid' })", 'tanh', 'hardSigmoid'),
  lstmKind("lstm({ recurrentActivation: 'hardSigmoidTfjs' })", 'tanh', 'hardSigmoidTfjs'),
  gruKind("gru({ recurrentActivation: 'hardSigmoidTfjs' })", true, 'tanh', 'hardSigmoidTfjs'),
  gruKind("gru({ resetAfter: false, recurrentActivation: 'hardSigmoid' })", false, 'tanh', 'hardSigmoid'),
];

const TOLERANCE: Record<DType, number> = { float32: 1e-5, float64: 1e-12 };

/**
 * Every backend this runtime has, in each dtype it computes: the wasm and native ones run their fused
 * kernels for Keras' default activations and their general step loops otherwise; float64 is JavaScript's.
 */
const NAIVE_BACKENDS: readonly { backend: BackendName; dtype: DType }[] = [
  ...availableBackends().map((backend) => ({ backend, dtype: 'float32' as const })),
  { backend: 'js', dtype: 'float64' },
];

const naiveCases = NAIVE_KINDS.flatMap((kind) =>
  NAIVE_SHAPES.flatMap((sizes) =>
    NAIVE_BACKENDS.flatMap(({ backend, dtype }) =>
      [false, true].map((withInitialState) => ({
        title:
          `${kind.label}.call on the ${backend} backend matches a hand-run loop of ${kind.stepName} on ` +
          `B=${sizes.B}, T=${sizes.T}, I=${sizes.I}, U=${sizes.U} in ${dtype}` +
          (withInitialState ? ' from a given initial state' : ''),
        kind,
        sizes,
        backend,
        dtype,
        withInitialState,
      })),
    ),
  ),
);

describe('fused kernels = plain reference steps, on every backend', () => {
  it('runs on every backend this runtime has', () => {
    expect(new Set(naiveCases.map((c) => c.backend))).toEqual(new Set(availableBackends()));
  });

  it.each(titled(naiveCases))('%s', (_title, { kind, sizes, backend, dtype, withInitialState }) => {
    const { B, T, I, U } = sizes;
    const rng = new Random(11 + B + T + U);
    const layer = kind.make(U, { returnSequences: true, returnState: true });
    const be = resolveBackend(backend, dtype);
    expect(be.name).toBe(backend);
    const { weights } = buildStandalone(layer, [T, I], rng, dtype, be, -0.7, 0.7);
    const w = weights.map((v) => v.data);
    const x = randomTensor(rng, [B, T, I], dtype);
    const n = layer.cell.stateCount;
    const init = withInitialState
      ? Array.from({ length: n }, () => randomTensor(rng, [B, U], dtype))
      : undefined;
    const { output, states } = layer.call(x, init);
    expect(output.shape).toEqual([B, T, U]);

    // the reference: the naive step run by hand, t = 1..T, from the same initial states
    let s: Float64Array[] = Array.from({ length: n }, (_, k) =>
      init === undefined ? new Float64Array(B * U) : Float64Array.from(init[k].data),
    );
    const expected = new Float64Array(B * T * U);
    const got = Float64Array.from(output.data);
    for (let t = 0; t < T; t++) {
      const xt = new Float64Array(B * I);
      for (let b = 0; b < B; b++) xt.set(x.data.subarray((b * T + t) * I, (b * T + t + 1) * I), b * I);
      s = kind.step(xt, s, w, B, I, U);
      for (let b = 0; b < B; b++) expected.set(s[0].subarray(b * U, (b + 1) * U), (b * T + t) * U);
    }
    expect(relativeError(got, expected)).toBeLessThan(TOLERANCE[dtype]);
    expect(states.length).toBe(n);
    for (let k = 0; k < n; k++) {
      expect(relativeError(states[k].data, s[k])).toBeLessThan(TOLERANCE[dtype]);
    }
  });
});

/** The weights (by name) whose slices of two flat gradient arrays differ by more than `tol`, relatively. */
function worstByWeight(
  model: Sequential,
  a: Float64Array,
  b: Float64Array,
  tol: number,
): { name: string; error: number }[] {
  const bad: { name: string; error: number }[] = [];
  let offset = 0;
  for (const w of model.weights()) {
    const n = w.data.length;
    const error = relativeError(a.subarray(offset, offset + n), b.subarray(offset, offset + n));
    if (!(error < tol)) bad.push({ name: w.name, error });
    offset += n;
  }
  return bad;
}

// ---- batch = B runs of batch 1 -------------------------------------------------------------------------

const batchCases: { title: string; layers: () => Layer[] }[] = [
  ...KINDS.flatMap((kind) =>
    [true, false].map((returnSequences) => ({
      title: `${kind.label} forward and backward on a batch equal the per-sample runs (returnSequences ${returnSequences})`,
      layers: () => [kind.make(4, { returnSequences })],
    })),
  ),
  ...MERGE_MODES.map((mergeMode) => ({
    title: `bidirectional(lstm, { mergeMode: '${mergeMode}' }) forward and backward on a batch equal the per-sample runs`,
    layers: () => [bidirectional(lstm({ units: 3, returnSequences: true }), { mergeMode })],
  })),
  {
    title:
      'sequential([bidirectional(gru({ resetAfter: false })), dense]) forward and backward on a batch equal the per-sample runs',
    layers: () => [
      bidirectional(gru({ units: 3, resetAfter: false })),
      dense({ units: 2, activation: 'tanh' }),
    ],
  },
];

describe('batch = B runs of batch 1', () => {
  it.each(titled(batchCases))('%s', (_title, { layers }) => {
    const [B, T, I] = [5, 4, 3];
    const model = sequential(layers(), { inputShape: [T, I], seed: 21, dtype: 'float64' });
    const rng = new Random(22);
    model.params.set(uniformArray(rng, model.params.length, -0.6, 0.6, 'float64'));
    const x = randomTensor(rng, [B, T, I]);

    model.zeroGrad();
    const y = model.forward(x);
    const outBatch = Float64Array.from(y.data);
    const dy = randomTensor(rng, y.shape);
    const dxBatch = Float64Array.from(model.backward(dy).data);
    const gradBatch = Float64Array.from(model.grads);

    const outSamples = new Float64Array(outBatch.length);
    const dxSamples = new Float64Array(dxBatch.length);
    const gradSum = new Float64Array(gradBatch.length);
    const perOut = outBatch.length / B;
    const perIn = dxBatch.length / B;
    for (let b = 0; b < B; b++) {
      model.zeroGrad();
      const yb = model.forward(sample(x, b));
      expect(yb.shape).toEqual([1, ...y.shape.slice(1)]);
      outSamples.set(yb.data, b * perOut);
      dxSamples.set(model.backward(sample(dy, b)).data, b * perIn);
      for (let i = 0; i < gradSum.length; i++) gradSum[i] += model.grads[i];
    }
    expect(relativeError(outBatch, outSamples)).toBeLessThan(1e-12);
    expect(relativeError(dxBatch, dxSamples)).toBeLessThan(1e-12);
    expect(worstByWeight(model, gradBatch, gradSum, 1e-12)).toEqual([]);
  });
});

// ---- Bidirectional = forward ⊕ time-reversed backward ----------------------------------------------------

/**
 * The merge written out: f [B, T, U] (or [B, U]) from the forward layer, bOut in the backward layer's own
 * processing order, so position t of the merged output pairs f_t with bOut_{T-1-t}.
 */
function mergeByHand(
  mode: MergeMode,
  f: Float64Array,
  bOut: Float64Array,
  B: number,
  T: number,
  U: number,
): Float64Array {
  const W = mode === 'concat' ? 2 * U : U;
  const out = new Float64Array(B * T * W);
  for (let n = 0; n < B; n++) {
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < U; j++) {
        const fv = f[(n * T + t) * U + j];
        const bv = bOut[(n * T + (T - 1 - t)) * U + j];
        const o = (n * T + t) * W + j;
        if (mode === 'concat') {
          out[o] = fv;
          out[o + U] = bv;
        } else if (mode === 'sum') out[o] = fv + bv;
        else if (mode === 'mul') out[o] = fv * bv;
        else out[o] = (fv + bv) / 2;
      }
    }
  }
  return out;
}

/** The merge's backward written out: dy → (dF, dB), dB in the backward layer's processing order. */
function splitByHand(
  mode: MergeMode,
  dy: FloatArray,
  f: Float64Array,
  bOut: Float64Array,
  B: number,
  T: number,
  U: number,
): { dF: Float64Array; dB: Float64Array } {
  const W = mode === 'concat' ? 2 * U : U;
  const dF = new Float64Array(B * T * U);
  const dB = new Float64Array(B * T * U);
  for (let n = 0; n < B; n++) {
    for (let t = 0; t < T; t++) {
      for (let j = 0; j < U; j++) {
        const fo = (n * T + t) * U + j;
        const bo = (n * T + (T - 1 - t)) * U + j;
        const g = dy[(n * T + t) * W + j];
        if (mode === 'concat') {
          dF[fo] = g;
          dB[bo] = dy[(n * T + t) * W + U + j];
        } else if (mode === 'sum') {
          dF[fo] = g;
          dB[bo] = g;
        } else if (mode === 'mul') {
          dF[fo] = g * bOut[bo];
          dB[bo] = g * f[fo];
        } else {
          dF[fo] = g / 2;
          dB[bo] = g / 2;
        }
      }
    }
  }
  return { dF, dB };
}

const BIDIR_KINDS: readonly Kind[] = [SIMPLE_RNN, LSTM, GRU_AFTER, GRU_BEFORE];

const bidirCases = BIDIR_KINDS.flatMap((kind) =>
  MERGE_MODES.flatMap((mergeMode) =>
    [true, false].map((returnSequences) => ({
      title:
        `bidirectional(${kind.label}, { mergeMode: '${mergeMode}' }) equals a forward layer and a goBackwards ` +
        `layer with its weights, ${returnSequences ? 'with returnSequences' : 'returning the last step'}`,
      kind,
      mergeMode,
      returnSequences,
    })),
  ),
);

describe('Bidirectional = forward ⊕ time-reversed backward', () => {
  it.each(titled(bidirCases))('%s', (_title, { kind, mergeMode, returnSequences }) => {
    const [B, T, I, U] = [3, 5, 2, 4];
    const options = { inputShape: [T, I], seed: 31, dtype: 'float64' } as const;
    const bi = sequential(
      [bidirectional(kind.make(U, { returnSequences }), { mergeMode, name: 'bi' })],
      options,
    );
    const fwd = sequential([kind.make(U, { returnSequences, name: 'fwd' })], options);
    const bwd = sequential([kind.make(U, { returnSequences, goBackwards: true, name: 'bwd' })], options);
    const rng = new Random(32);
    bi.params.set(uniformArray(rng, bi.params.length, -0.6, 0.6, 'float64'));
    const biWeights = bi.getWeights();
    const renamed = (prefix: string, to: string) =>
      biWeights
        .filter((w) => w.name.startsWith(prefix))
        .map((w) => ({ ...w, name: w.name.replace(prefix, to) }));
    fwd.setWeights(renamed('bi/forward/', 'fwd/'));
    bwd.setWeights(renamed('bi/backward/', 'bwd/'));

    const x = randomTensor(rng, [B, T, I]);
    const out = bi.forward(x);
    const f = Float64Array.from(fwd.forward(x).data);
    const b = Float64Array.from(bwd.forward(x).data);
    const Tout = returnSequences ? T : 1;
    const expected = mergeByHand(mergeMode, f, b, B, Tout, U);
    const W = mergeMode === 'concat' ? 2 * U : U;
    expect(out.shape).toEqual(returnSequences ? [B, T, W] : [B, W]);
    expect(relativeError(out.data, expected)).toBeLessThan(1e-14);

    // backward: the merge's gradient split by hand, fed to the two plain layers
    const dy = randomTensor(rng, out.shape);
    bi.zeroGrad();
    const dxBi = Float64Array.from(bi.backward(dy).data);
    const { dF, dB } = splitByHand(mergeMode, dy.data, f, b, B, Tout, U);
    fwd.zeroGrad();
    bwd.zeroGrad();
    fwd.forward(x);
    const partShape = returnSequences ? [B, T, U] : [B, U];
    const dxF = Float64Array.from(fwd.backward({ shape: partShape, data: dF }).data);
    bwd.forward(x);
    const dxB = bwd.backward({ shape: partShape, data: dB }).data;
    const dxSum = dxF.map((v, i) => v + dxB[i]);
    expect(relativeError(dxBi, dxSum)).toBeLessThan(1e-13);
    const biGrads = bi.gradients();
    for (const [model, prefix] of [
      [fwd, 'bi/forward/'],
      [bwd, 'bi/backward/'],
    ] as const) {
      for (const g of model.gradients()) {
        const name = prefix + g.name.slice(g.name.indexOf('/') + 1);
        const mine = biGrads.find((v) => v.name === name);
        expect(mine, name).toBeDefined();
        expect(relativeError(mine!.data, g.data), name).toBeLessThan(1e-13);
      }
    }
  });
});

// ---- goBackwards = the input reversed in time ------------------------------------------------------------

const goBackwardsCases = KINDS.flatMap((kind) =>
  [true, false].map((returnSequences) => ({
    title:
      `${kind.label} with goBackwards equals the same weights on the time-reversed input, ` +
      (returnSequences ? 'with returnSequences' : 'returning the last step'),
    kind,
    returnSequences,
  })),
);

describe('goBackwards = the input reversed in time', () => {
  it.each(titled(goBackwardsCases))('%s', (_title, { kind, returnSequences }) => {
    const [B, T, I, U] = [2, 6, 3, 4];
    const rng = new Random(41);
    const back = kind.make(U, { returnSequences, returnState: true, goBackwards: true });
    const plain = kind.make(U, { returnSequences, returnState: true });
    const { weights, grads: gBack } = buildStandalone(back, [T, I], rng);
    const { grads: gPlain } = buildStandalone(plain, [T, I], rng);
    plain.attach(
      weights.map((w) => w.data),
      gPlain.map((g) => g.data),
    );
    const x = randomTensor(rng, [B, T, I]);
    const init = Array.from({ length: back.cell.stateCount }, () => randomTensor(rng, [B, U]));

    const rb = back.call(x, init);
    const outBack = Array.from(rb.output.data);
    const statesBack = rb.states.map((s) => Array.from(s.data));
    const rp = plain.call(reverseTime(x), init);
    // the same arithmetic on the same numbers: bit-identical, outputs in processing order
    expect(outBack).toEqual(Array.from(rp.output.data));
    expect(statesBack).toEqual(rp.states.map((s) => Array.from(s.data)));

    const dy = randomTensor(rng, rb.output.shape);
    const dStates = rb.states.map((s) => randomTensor(rng, s.shape));
    back.call(x, init);
    const gb = back.backwardCall(dy, dStates);
    const dxBack = Array.from(gb.dx.data);
    const dInitBack = gb.dInitialState.map((d) => Array.from(d.data));
    plain.call(reverseTime(x), init);
    const gp = plain.backwardCall(dy, dStates);
    expect(dxBack).toEqual(Array.from(reverseTime(gp.dx).data));
    expect(dInitBack).toEqual(gp.dInitialState.map((d) => Array.from(d.data)));
    expect(gBack.map((g) => Array.from(g.data))).toEqual(gPlain.map((g) => Array.from(g.data)));
    expect(Math.max(...gBack[0].data.map(Math.abs))).toBeGreaterThan(1e-3);
  });
});

// ---- seeds ---------------------------------------------------------------------------------------------------

const seedLayers = (): Layer[] => [
  bidirectional(lstm({ units: 3, returnSequences: true })),
  gru({ units: 4, returnSequences: true }),
  simpleRNN({ units: 2 }),
  dense({ units: 1 }),
];

describe('seeds', () => {
  it.each(['float32', 'float64'] as const)(
    'sequential(layers, { seed }) gives bit-identical weights for the same seed and different ones for another (%s)',
    (dtype) => {
      const options = { inputShape: [5, 2], dtype } as const;
      const a = sequential(seedLayers(), { ...options, seed: 123 }).getWeights();
      const b = sequential(seedLayers(), { ...options, seed: 123 }).getWeights();
      const c = sequential(seedLayers(), { ...options, seed: 124 }).getWeights();
      expect(a.map((w) => w.name)).toEqual(b.map((w) => w.name));
      for (let k = 0; k < a.length; k++) {
        expect(Array.from(a[k].data), a[k].name).toEqual(Array.from(b[k].data));
        if (a[k].name.endsWith('kernel')) {
          // random initialisers: a new seed changes every element
          const same = a[k].data.filter((v, i) => Object.is(v, c[k].data[i])).length;
          expect(same, a[k].name).toBe(0);
        }
      }
    },
  );

  it.each(['float32', 'float64'] as const)(
    'sequential(layers, { seed }) draws its weights as initialize() does with new Random(seed), in weight order (%s)',
    (dtype) => {
      const model = sequential(seedLayers(), { inputShape: [5, 2], dtype, seed: 99 });
      const rng = new Random(99);
      const expected = model.layers.flatMap((layer) =>
        layer.weightSpecs().map((spec) => {
          const data = allocate(dtype, sizeOf(spec.shape));
          initialize(spec.init, spec.shape, data, rng);
          return { name: `${layer.name}/${spec.name}`, shape: [...spec.shape], data };
        }),
      );
      const got = model.getWeights();
      expect(got.map((w) => w.name)).toEqual(expected.map((w) => w.name));
      for (let k = 0; k < got.length; k++) {
        expect(got[k].shape, got[k].name).toEqual(expected[k].shape);
        expect(Array.from(got[k].data), got[k].name).toEqual(Array.from(expected[k].data));
      }
    },
  );
});
