/**
 * Finite-difference gradient checks, float64, on tiny shapes: L = Σ(out ⊙ dout) for a random dout, every
 * weight element and every input element (and, for returnState, every initial-state element) perturbed by
 * ±1e-6; the analytic gradient of each tensor must match to a relative error below 1e-6, measured as
 * max |fd − analytic| / max(1e-8, max |analytic|) over the tensor.
 *
 * Weights are drawn uniform in [-0.6, 0.6) (biases included, so every bias path is exercised), except the
 * rows marked "with Keras initial weights", which keep the seeded initialisers (that is what unitForgetBias
 * changes). Relu and hard-sigmoid kinks: the backend records every relu input (distance to 0) and every hard
 * sigmoid input (distance to ±3, or ±2.5 for TF.js's), and each check asserts that the smallest
 * non-zero |relu input| is above 1e-4 (the fixed seeds give 2e-3 or more), so no ±1e-6 finite difference
 * straddles a kink. Exact zeros are structural (an LSTM's c_1 = i ⊙ relu(z_c) with c_0 = 0 when z_c < 0)
 * and stay exactly 0 under the perturbations.
 */
import { describe, expect, it } from 'vitest';
import type { Activation, Layer, Recurrent, Sequential, Tensor } from '../src/index.js';
import { bidirectional, dense, gru, lstm, MERGE_MODES, Random, sequential, simpleRNN } from '../src/index.js';
import type { TensorCheck } from './helpers/gradcheck.js';
import {
  buildStandalone,
  dot,
  gradientCheck,
  randomTensor,
  RELU_MARGIN,
  reluProbe,
  relativeError,
  titled,
  uniformArray,
} from './helpers/gradcheck.js';

const TOLERANCE = 1e-6;
/** The smallest max |analytic| accepted for a tensor: an all-zero gradient would check nothing. */
const MIN_SCALE = 1e-6;

interface Sizes {
  readonly B: number;
  readonly T: number;
  readonly I: number;
  readonly U: number;
}
const SMALL: Sizes = { B: 2, T: 4, I: 3, U: 3 };
const ODD: Sizes = { B: 3, T: 5, I: 2, U: 5 };

interface RecurrentOpts {
  readonly returnSequences?: boolean;
  readonly returnState?: boolean;
  readonly goBackwards?: boolean;
  readonly useBias?: boolean;
  readonly activation?: Activation;
  readonly recurrentActivation?: Activation;
  readonly unitForgetBias?: boolean;
}

interface Kind {
  readonly label: string;
  readonly gated: boolean;
  readonly make: (units: number, o: RecurrentOpts) => Recurrent;
}

const SIMPLE_RNN: Kind = {
  label: 'SimpleRNN',
  gated: false,
  make: (units, o) => simpleRNN({ units, ...o }),
};
const LSTM: Kind = { label: 'LSTM', gated: true, make: (units, o) => lstm({ units, ...o }) };
const GRU_AFTER: Kind = {
  label: 'GRU (resetAfter true)',
  gated: true,
  make: (units, o) => gru({ units, resetAfter: true, ...o }),
};
const GRU_BEFORE: Kind = {
  label: 'GRU (resetAfter false)',
  gated: true,
  make: (units, o) => gru({ units, resetAfter: false, ...o }),
};
const KINDS: readonly Kind[] = [SIMPLE_RNN, LSTM, GRU_AFTER, GRU_BEFORE];

function failures(results: readonly TensorCheck[]): { name: string; error: number }[] {
  return results.filter((r) => !(r.error < TOLERANCE)).map((r) => ({ name: r.name, error: r.error }));
}

function vacuous(results: readonly TensorCheck[]): string[] {
  return results.filter((r) => !(r.scale > MIN_SCALE)).map((r) => r.name);
}

function expectGradientsMatch(results: readonly TensorCheck[]): void {
  expect(failures(results)).toEqual([]);
  expect(vacuous(results)).toEqual([]);
}

interface ModelCase {
  readonly title: string;
  /** Without the batch axis. */
  readonly inputShape: readonly number[];
  readonly batch: number;
  readonly layers: () => Layer[];
  /** Keep the seeded Keras initial weights instead of uniform [-0.6, 0.6). */
  readonly keepInit?: boolean;
}

/**
 * Builds the model in float64 and checks every weight and the input. The backend records every relu input,
 * and the check first asserts that none lies within RELU_MARGIN of the kink (see the header).
 */
function checkModel(c: ModelCase): TensorCheck[] {
  const probe = reluProbe();
  const model = sequential(c.layers(), {
    inputShape: c.inputShape,
    seed: 1,
    dtype: 'float64',
    backend: probe.backend,
  });
  const rng = new Random(1001);
  if (c.keepInit !== true) {
    for (const w of model.weights()) w.data.set(uniformArray(rng, w.data.length, -0.6, 0.6, 'float64'));
  }
  const x = randomTensor(rng, [c.batch, ...c.inputShape]);
  probe.reset();
  const out = model.forward(x);
  expect(probe.margin()).toBeGreaterThan(RELU_MARGIN);
  const dout = randomTensor(rng, out.shape);
  const variables = [
    ...model.weights().map((w) => ({ name: w.name, value: w.data })),
    { name: 'x', value: x.data },
  ];
  return gradientCheck(
    variables,
    () => dot(model.forward(x).data, dout.data),
    () => {
      model.zeroGrad();
      model.forward(x);
      const dx = model.backward(dout);
      return [...model.gradients().map((g) => g.data), dx.data];
    },
  );
}

// ---- Dense ----------------------------------------------------------------------------------------------

const ACTS: readonly Activation[] = ['linear', 'tanh', 'sigmoid', 'relu', 'hardSigmoid', 'hardSigmoidTfjs'];

const denseCases: ModelCase[] = [
  ...ACTS.flatMap((activation) => [
    {
      title: `dense({ activation: '${activation}' }) backward matches central differences on 2-D input`,
      inputShape: [3],
      batch: 2,
      layers: () => [dense({ units: 4, activation })],
    },
    {
      title: `dense({ activation: '${activation}' }) backward matches central differences on 3-D input`,
      inputShape: [4, 3],
      batch: 2,
      layers: () => [dense({ units: 4, activation })],
    },
  ]),
  {
    title: `dense({ useBias: false }) backward matches central differences on 2-D input`,
    inputShape: [3],
    batch: 3,
    layers: () => [dense({ units: 5, activation: 'relu', useBias: false })],
  },
  {
    title: `dense({ useBias: false }) backward matches central differences on 3-D input`,
    inputShape: [4, 3],
    batch: 2,
    layers: () => [dense({ units: 2, activation: 'tanh', useBias: false })],
  },
];

describe('Dense gradients', () => {
  it.each(titled(denseCases))('%s', (_title, c) => {
    expectGradientsMatch(checkModel(c));
  });
});

// ---- SimpleRNN, LSTM, GRU in a model ----------------------------------------------------------------------

interface Variant {
  readonly desc: string;
  readonly options: RecurrentOpts;
  readonly gatedOnly?: boolean;
  readonly only?: Kind;
  readonly sizes?: Sizes;
  readonly keepInit?: boolean;
}

const VARIANTS: readonly Variant[] = [
  { desc: 'returning the last step', options: {} },
  { desc: 'with returnSequences', options: { returnSequences: true } },
  { desc: 'with goBackwards', options: { goBackwards: true } },
  { desc: 'with returnSequences and goBackwards', options: { returnSequences: true, goBackwards: true } },
  { desc: 'with useBias false', options: { useBias: false, returnSequences: true } },
  { desc: "with activation 'relu'", options: { activation: 'relu', returnSequences: true } },
  { desc: "with activation 'linear'", options: { activation: 'linear' } },
  {
    desc: "with recurrentActivation 'tanh'",
    options: { recurrentActivation: 'tanh', returnSequences: true },
    gatedOnly: true,
  },
  {
    desc: "with recurrentActivation 'hardSigmoid'",
    options: { recurrentActivation: 'hardSigmoid', returnSequences: true },
    gatedOnly: true,
  },
  {
    desc: "with recurrentActivation 'hardSigmoidTfjs'",
    options: { recurrentActivation: 'hardSigmoidTfjs', returnSequences: true },
    gatedOnly: true,
  },
  { desc: "with activation 'hardSigmoid'", options: { activation: 'hardSigmoid', returnSequences: true } },
  { desc: 'on odd sizes (B=3, T=5, I=2, U=5)', options: { returnSequences: true }, sizes: ODD },
  { desc: 'with Keras initial weights', options: { returnSequences: true }, keepInit: true },
  {
    desc: 'with unitForgetBias false and Keras initial weights',
    options: { unitForgetBias: false },
    only: LSTM,
    keepInit: true,
  },
];

const recurrentCases: ModelCase[] = KINDS.flatMap((kind) =>
  VARIANTS.filter((v) => (v.only === undefined || v.only === kind) && (!v.gatedOnly || kind.gated)).map(
    (v): ModelCase => {
      const { B, T, I, U } = v.sizes ?? SMALL;
      return {
        title: `${kind.label} backward matches central differences ${v.desc}`,
        inputShape: [T, I],
        batch: B,
        layers: () => [kind.make(U, v.options)],
        keepInit: v.keepInit,
      };
    },
  ),
);

describe('recurrent layer gradients', () => {
  it.each(titled(recurrentCases))('%s', (_title, c) => {
    expectGradientsMatch(checkModel(c));
  });
});

// ---- returnState and initial states (standalone layers) ---------------------------------------------------

interface StateCase {
  readonly title: string;
  readonly kind: Kind;
  readonly options: RecurrentOpts;
  /** false: backwardCall(null, dStates), only the final states receive gradient. */
  readonly outputGradient: boolean;
  /** Which final states receive a gradient (default all). */
  readonly stateGradients?: readonly boolean[];
}

const stateCases: StateCase[] = KINDS.flatMap((kind): StateCase[] => [
  {
    title: `${kind.label} backwardCall matches central differences on the output, final and initial states`,
    kind,
    options: {},
    outputGradient: true,
  },
  {
    title: `${kind.label} backwardCall matches central differences on the states with returnSequences and goBackwards`,
    kind,
    options: { returnSequences: true, goBackwards: true },
    outputGradient: true,
  },
  {
    title: `${kind.label} backwardCall matches central differences with a gradient on the final states only`,
    kind,
    options: { returnSequences: true },
    outputGradient: false,
  },
]);
stateCases.push(
  {
    title: 'LSTM backwardCall matches central differences with a gradient on the final c only',
    kind: LSTM,
    options: {},
    outputGradient: false,
    stateGradients: [false, true],
  },
  {
    title: 'LSTM backwardCall matches central differences with a gradient on the output and the final h only',
    kind: LSTM,
    options: { returnSequences: true },
    outputGradient: true,
    stateGradients: [true, false],
  },
);

function checkStates(c: StateCase): TensorCheck[] {
  const { B, T, I, U } = SMALL;
  const rng = new Random(7);
  const layer = c.kind.make(U, { ...c.options, returnState: true });
  const { weights, grads } = buildStandalone(layer, [T, I], rng);
  const x = randomTensor(rng, [B, T, I]);
  const n = layer.cell.stateCount;
  const init: Tensor[] = Array.from({ length: n }, () => randomTensor(rng, [B, U]));
  const first = layer.call(x, init);
  expect(first.states.length).toBe(n);
  const dOut = c.outputGradient ? randomTensor(rng, first.output.shape) : null;
  const dStates = first.states.map((s, k) =>
    (c.stateGradients?.[k] ?? true) ? randomTensor(rng, s.shape) : null,
  );
  const loss = (): number => {
    const r = layer.call(x, init);
    let s = dOut === null ? 0 : dot(r.output.data, dOut.data);
    r.states.forEach((st, k) => {
      const d = dStates[k];
      if (d !== null) s += dot(st.data, d.data);
    });
    return s;
  };
  const variables = [
    ...weights.map((w) => ({ name: w.name, value: w.data })),
    { name: 'x', value: x.data },
    ...init.map((s, k) => ({ name: `initial state ${k}`, value: s.data })),
  ];
  return gradientCheck(variables, loss, () => {
    for (const g of grads) g.data.fill(0);
    layer.call(x, init);
    const r = layer.backwardCall(dOut, dStates);
    return [...grads.map((g) => g.data), r.dx.data, ...r.dInitialState.map((d) => d.data)];
  });
}

describe('returnState and initial-state gradients', () => {
  it.each(titled(stateCases))('%s', (_title, c) => {
    expectGradientsMatch(checkStates(c));
  });
});

// ---- Bidirectional -------------------------------------------------------------------------------------------

const BIDIR_KINDS: readonly Kind[] = [SIMPLE_RNN, LSTM, GRU_AFTER];

const bidirectionalCases: ModelCase[] = [
  ...BIDIR_KINDS.flatMap((kind) =>
    MERGE_MODES.flatMap((mergeMode) =>
      [true, false].map((returnSequences): ModelCase => ({
        title:
          `bidirectional(${kind.label}, { mergeMode: '${mergeMode}' }) backward matches central differences ` +
          (returnSequences ? 'with returnSequences' : 'returning the last step'),
        inputShape: [SMALL.T, SMALL.I],
        batch: SMALL.B,
        layers: () => [bidirectional(kind.make(SMALL.U, { returnSequences }), { mergeMode })],
      })),
    ),
  ),
  {
    title:
      "bidirectional(GRU (resetAfter false) with goBackwards, { mergeMode: 'concat' }) backward matches central differences",
    inputShape: [ODD.T, ODD.I],
    batch: ODD.B,
    layers: () => [bidirectional(GRU_BEFORE.make(ODD.U, { returnSequences: true, goBackwards: true }))],
  },
];

describe('Bidirectional gradients', () => {
  it.each(titled(bidirectionalCases))('%s', (_title, c) => {
    expectGradientsMatch(checkModel(c));
  });
});

// ---- stacks --------------------------------------------------------------------------------------------------

const stackCases: ModelCase[] = [
  {
    title: 'sequential([bidirectional(lstm seq), gru, dense]) backward matches central differences',
    inputShape: [4, 2],
    batch: 2,
    layers: () => [
      bidirectional(lstm({ units: 3, returnSequences: true })),
      gru({ units: 3 }),
      dense({ units: 2 }),
    ],
  },
  {
    title: 'sequential([simpleRNN seq, dense]) backward matches central differences on 3-D Dense input',
    inputShape: [4, 3],
    batch: 2,
    layers: () => [simpleRNN({ units: 3, returnSequences: true }), dense({ units: 2, activation: 'tanh' })],
  },
  {
    title: 'sequential([lstm seq, lstm goBackwards, dense]) backward matches central differences',
    inputShape: [5, 2],
    batch: 3,
    layers: () => [
      lstm({ units: 3, returnSequences: true }),
      lstm({ units: 2, goBackwards: true }),
      dense({ units: 1 }),
    ],
  },
  {
    title:
      "sequential([gru resetAfter false seq, bidirectional(simpleRNN seq, 'ave'), dense relu]) backward matches central differences",
    inputShape: [4, 2],
    batch: 2,
    layers: () => [
      gru({ units: 3, resetAfter: false, returnSequences: true }),
      bidirectional(simpleRNN({ units: 3, returnSequences: true }), { mergeMode: 'ave' }),
      dense({ units: 2, activation: 'relu' }),
    ],
  },
];

describe('stack gradients', () => {
  it.each(titled(stackCases))('%s', (_title, c) => {
    expectGradientsMatch(checkModel(c));
  });
});

// ---- accumulation --------------------------------------------------------------------------------------------

/** One zeroGrad + forward + backward, then a second forward + backward without zeroGrad. */
function twoPasses(model: Sequential, x: Tensor, dy: Tensor): { once: Float64Array; twice: Float64Array } {
  model.zeroGrad();
  model.forward(x);
  model.backward(dy);
  const once = Float64Array.from(model.grads);
  model.forward(x);
  model.backward(dy);
  return { once, twice: Float64Array.from(model.grads) };
}

const accumulationCases: { title: string; layers: () => Layer[] }[] = [
  {
    title:
      'Sequential.backward accumulates: two passes without zeroGrad give twice the gradients (LSTM, Dense)',
    layers: () => [lstm({ units: 3, returnSequences: true }), dense({ units: 2 })],
  },
  {
    title:
      'Sequential.backward accumulates: two passes without zeroGrad give twice the gradients (Bidirectional)',
    layers: () => [bidirectional(gru({ units: 3 }), { mergeMode: 'mul' })],
  },
];

describe('gradient accumulation', () => {
  it.each(titled(accumulationCases))('%s', (_title, c) => {
    const model = sequential(c.layers(), { inputShape: [4, 3], seed: 3, dtype: 'float64' });
    const rng = new Random(4);
    model.params.set(uniformArray(rng, model.params.length, -0.6, 0.6, 'float64'));
    const x = randomTensor(rng, [2, 4, 3]);
    const dy = randomTensor(rng, model.forward(x).shape);
    const { once, twice } = twoPasses(model, x, dy);
    const doubled = once.map((g) => 2 * g);
    // not bit-exact: the second pass adds its partial sums onto the first pass's totals, so each sum is
    // rounded in another order; a few ulps is all that may differ
    expect(relativeError(twice, doubled)).toBeLessThan(1e-14);
    expect(Math.max(...once.map(Math.abs))).toBeGreaterThan(1e-3);
  });
});
