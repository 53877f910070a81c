/**
 * Keras 3's own test values for stateful layers, `reset_state`, initial states and returned states
 * (keras/src/layers/rnn/{simple_rnn,lstm,gru,bidirectional}_test.py: test_statefulness,
 * test_pass_initial_state, test_pass_return_state, test_return_state), run through seqcast's public API with
 * Keras's inputs and weights: kernel 0.01, recurrent kernel 0.02, bias 0.03 everywhere (an LSTM's forget
 * bias 1, Keras's unit_forget_bias), float32, to Keras's tolerance (1e-5 absolute and relative).
 */
import { describe, expect, it } from 'vitest';
import type { Layer, NamedTensor, Sequential, Tensor } from '../src/index.js';
import { bidirectional, gru, lstm, sequential, simpleRNN } from '../src/index.js';
import { jsBackend } from '../src/entries/kernels.js';
import type { Recurrent } from '../src/layers/recurrent.js';
import type { Bidirectional } from '../src/layers/bidirectional.js';

/** Keras's arange(24).reshape(shape), float32. */
function arange(shape: [number, number, number]): Tensor {
  return { shape, data: Float32Array.from({ length: 24 }, (_, i) => i) };
}

/** arange(4).reshape(2, 2) * k, the initial states of the tests. */
function state(rows: number, cols: number, k = 1): Tensor {
  return { shape: [rows, cols], data: Float32Array.from({ length: rows * cols }, (_, i) => i * k) };
}

/** Keras's Constant initialisers: 0.01, 0.02, 0.03, and 1 for an LSTM's forget-gate bias. */
function fillConstants(weights: readonly NamedTensor[], lstmBias: boolean): void {
  for (const w of weights) {
    const v = w.name.endsWith('recurrent_kernel') ? 0.02 : w.name.endsWith('kernel') ? 0.01 : 0.03;
    w.data.fill(v);
    if (lstmBias && w.name.endsWith('bias')) {
      const U = w.data.length / 4;
      w.data.fill(1, U, 2 * U);
    }
  }
}

function withConstants(model: Sequential, isLstm: boolean): Sequential {
  fillConstants(model.weights(), isLstm);
  return model;
}

/** A layer outside a model (returnState makes several outputs, which a Sequential refuses), Keras's weights. */
function standalone<L extends Layer>(layer: L, inputShape: [number, number], isLstm: boolean): L {
  layer.build(inputShape, { dtype: 'float32', backend: jsBackend });
  const weights = layer.weightSpecs().map((s) => ({
    name: s.name,
    shape: s.shape,
    data: new Float32Array(s.shape.reduce((a, b) => a * b, 1)),
  }));
  fillConstants(weights, isLstm);
  layer.attach(
    weights.map((w) => w.data),
    weights.map((w) => new Float32Array(w.data.length)),
  );
  return layer;
}

function expectClose(actual: ArrayLike<number>, expected: readonly (readonly number[])[]): void {
  const flat = expected.flat();
  expect(actual.length).toBe(flat.length);
  for (let i = 0; i < flat.length; i++) {
    expect(Math.abs(actual[i] - flat[i]), `[${i}]: ${actual[i]} vs ${flat[i]}`).toBeLessThanOrEqual(
      1e-5 + 1e-5 * Math.abs(flat[i]),
    );
  }
}

const row = (v: number, n: number): number[] => new Array<number>(n).fill(v);

describe("Keras's test_statefulness: the second call continues the first; reset_state starts over", () => {
  const cases = [
    {
      title: 'SimpleRNN(4)',
      make: () => simpleRNN({ units: 4, stateful: true }),
      isLstm: false,
      expected: [row(0.40559256, 4), row(0.7361247, 4)],
    },
    {
      title: 'LSTM(4)',
      make: () => lstm({ units: 4, stateful: true }),
      isLstm: true,
      expected: [row(0.3124785, 4), row(0.6863672, 4)],
    },
    {
      title: 'GRU(4)',
      make: () => gru({ units: 4, stateful: true }),
      isLstm: false,
      expected: [row(0.29542392, 4), row(0.5885018, 4)],
    },
  ];
  it.each(cases.map((c) => [c.title, c] as const))(
    '%s stateful: predict twice on arange(24).reshape(2, 3, 4), the layer resetState(), twice again',
    (_t, c) => {
      const model = withConstants(sequential([c.make()], { inputShape: [3, 4], batchSize: 2 }), c.isLstm);
      const sequence = arange([2, 3, 4]);
      model.predict(sequence);
      expectClose(model.predict(sequence).data, c.expected);
      (model.layers[0] as Recurrent).resetState();
      model.predict(sequence);
      expectClose(model.predict(sequence).data, c.expected);
    },
  );

  it('Bidirectional(LSTM(2, stateful)) on arange(24).reshape(2, 4, 3), and model.resetStates()', () => {
    const model = withConstants(
      sequential([bidirectional(lstm({ units: 2, stateful: true }))], { inputShape: [4, 3], batchSize: 2 }),
      true,
    );
    const sequence = arange([2, 4, 3]);
    const expected = [
      [0.26234663, 0.26234663, 0.16959146, 0.16959146],
      [0.6137073, 0.6137073, 0.5381646, 0.5381646],
    ];
    model.predict(sequence);
    expectClose(model.predict(sequence).data, expected);
    model.resetStates();
    model.predict(sequence);
    expectClose(model.predict(sequence).data, expected);
  });
});

describe("Keras's test_pass_initial_state: call(x, initialState)", () => {
  const sequence = arange([2, 4, 3]);
  const cases = [
    {
      title: 'SimpleRNN(4), initial state arange(8).reshape(2, 4)',
      make: (goBackwards: boolean) => simpleRNN({ units: 4, goBackwards }),
      isLstm: false,
      init: [state(2, 4)],
      forward: [row(0.33621645, 4), row(0.6262637, 4)],
      backward: [row(0.07344437, 4), row(0.43043602, 4)],
    },
    {
      title: 'LSTM(2), initial states [arange(4), arange(4)]',
      make: (goBackwards: boolean) => lstm({ units: 2, goBackwards }),
      isLstm: true,
      init: [state(2, 2), state(2, 2)],
      forward: [
        [0.20574439, 0.3558822],
        [0.64930826, 0.66276],
      ],
      backward: [
        [0.13281618, 0.2790356],
        [0.5839337, 0.5992567],
      ],
    },
    {
      title: 'GRU(2), initial state arange(4)',
      make: (goBackwards: boolean) => gru({ units: 2, goBackwards }),
      isLstm: false,
      init: [state(2, 2)],
      forward: [
        [0.23774096, 0.33508456],
        [0.83659905, 1.0227708],
      ],
      backward: [
        [0.13486053, 0.23261218],
        [0.78257304, 0.9691353],
      ],
    },
  ];
  it.each(cases.map((c) => [c.title, c] as const))('%s, forwards and with goBackwards', (_t, c) => {
    for (const goBackwards of [false, true]) {
      const model = withConstants(sequential([c.make(goBackwards)], { inputShape: [4, 3] }), c.isLstm);
      const layer = model.layers[0] as Recurrent;
      expectClose(layer.call(sequence, c.init).output.data, goBackwards ? c.backward : c.forward);
    }
  });

  it('Bidirectional(LSTM(2)): the four states split in half, the forward [h, c] first', () => {
    const model = withConstants(
      sequential([bidirectional(lstm({ units: 2 }))], { inputShape: [4, 3] }),
      true,
    );
    const init = [state(2, 2, 1), state(2, 2, 2), state(2, 2, 3), state(2, 2, 4)];
    const { output } = (model.layers[0] as Bidirectional).call(sequence, init);
    expectClose(output.data, [
      [0.20794602, 0.4577124, 0.14046375, 0.48191673],
      [0.6682636, 0.6711909, 0.60943645, 0.60950446],
    ]);
  });
});

describe("Keras's test_pass_return_state and test_return_state: call() returns the final states", () => {
  const sequence = arange([2, 4, 3]);

  it('GRU(2, returnState) with an initial state: the state equals the output, forwards and backwards', () => {
    const expected = {
      forward: [
        [0.23774096, 0.33508456],
        [0.83659905, 1.0227708],
      ],
      backward: [
        [0.13486053, 0.23261218],
        [0.78257304, 0.9691353],
      ],
    };
    for (const goBackwards of [false, true]) {
      const layer = standalone(gru({ units: 2, returnState: true, goBackwards }), [4, 3], false);
      const { output, states } = layer.call(sequence, [state(2, 2)]);
      const want = goBackwards ? expected.backward : expected.forward;
      expectClose(output.data, want);
      expect(states.length).toBe(1);
      expectClose(states[0].data, want);
    }
  });

  it('Bidirectional(LSTM(2, returnState)): output, then the forward h, c, then the backward h, c', () => {
    const layer = standalone(bidirectional(lstm({ units: 2, returnState: true })), [4, 3], true);
    expect(layer.returnState).toBe(true);
    const { output, states } = layer.call(sequence);
    expectClose(output.data, [
      [0.1990008, 0.1990008, 0.12659755, 0.12659755],
      [0.52335435, 0.52335435, 0.44717982, 0.44717982],
    ]);
    expect(states.map((s) => s.shape)).toEqual([
      [2, 2],
      [2, 2],
      [2, 2],
      [2, 2],
    ]);
    const [h1, c1, h2, c2] = states;
    expectClose(h1.data, [row(0.1990008, 2), row(0.52335435, 2)]);
    expectClose(c1.data, [row(0.35567185, 2), row(1.0492687, 2)]);
    expectClose(h2.data, [row(0.12659755, 2), row(0.44717982, 2)]);
    expectClose(c2.data, [row(0.2501858, 2), row(0.941473, 2)]);
  });
});
