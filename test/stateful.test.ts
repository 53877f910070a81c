// Stateful layers (issue 16): a stateful model over consecutive pieces of sequences gives what the same
// model, not stateful, gives over the whole sequences — every cell kind, every backend, float32 and float64,
// with and without a mask; resetStates (with and without values); fit carries the states from batch to batch
// with no gradient across (a float64 finite-difference check holds the carried state constant); saving and
// loading keep `stateful` and the batch size.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BackendName, DType, Layer, Sequential, Tensor } from '../src/index.js';
import {
  availableBackends,
  dense,
  fromArtifacts,
  gru,
  lstm,
  masking,
  Random,
  sequential,
  sgd,
  simpleRNN,
  toArtifacts,
} from '../src/index.js';
import { loadModel, saveModel } from '../src/node.js';
import type { Recurrent } from '../src/layers/recurrent.js';
import { dot, gradientCheck, randomTensor } from './helpers/gradcheck.js';

const B = 3;
const F = 2;
const T = 6;
const HALF = 3;

type Stack = (rs: boolean, stateful: boolean) => Layer[];
const STACKS: Record<string, Stack> = {
  SimpleRNN: (rs, stateful) => [simpleRNN({ units: 3, returnSequences: rs, stateful })],
  LSTM: (rs, stateful) => [lstm({ units: 3, returnSequences: rs, stateful })],
  GRU: (rs, stateful) => [gru({ units: 3, returnSequences: rs, stateful })],
  'GRU (resetAfter false)': (rs, stateful) => [
    gru({ units: 3, resetAfter: false, returnSequences: rs, stateful }),
  ],
  'LSTM → Dense on sequences → GRU': (rs, stateful) => [
    lstm({ units: 3, returnSequences: true, stateful }),
    dense({ units: 2, activation: 'tanh' }),
    gru({ units: 2, returnSequences: rs, stateful }),
  ],
  'Masking → LSTM → SimpleRNN': (rs, stateful) => [
    masking({ maskValue: 0 }),
    lstm({ units: 3, returnSequences: true, stateful }),
    simpleRNN({ units: 2, returnSequences: rs, stateful }),
  ],
};

const CASES: [BackendName, DType][] = [
  ...availableBackends().map((b): [BackendName, DType] => [b, 'float32']),
  ['js', 'float64'],
];

/** B sequences of T steps, never 0; with `padded`, sample 1 ends after step 4 and sample 2 after step 2. */
function sequences(dtype: DType, padded: boolean): Tensor {
  const x = randomTensor(new Random(11), [B, T, F], dtype, 0.2, 1);
  if (padded) {
    for (const [b, from] of [
      [1, 4],
      [2, 2],
    ]) {
      x.data.fill(0, (b * T + from) * F, (b + 1) * T * F);
    }
  }
  return x;
}

/** Steps [from, to) of every sequence. */
function steps(x: Tensor, from: number, to: number): Tensor {
  const [n, , f] = x.shape;
  const len = x.shape[1];
  const out =
    x.data instanceof Float64Array
      ? new Float64Array(n * (to - from) * f)
      : new Float32Array(n * (to - from) * f);
  for (let b = 0; b < n; b++)
    out.set(x.data.subarray((b * len + from) * f, (b * len + to) * f), b * (to - from) * f);
  return { shape: [n, to - from, f], data: out };
}

/** A stateful model of batch size B and the same model, not stateful, with the same weights. */
function pair(stack: Stack, rs: boolean, backend: BackendName, dtype: DType): [Sequential, Sequential] {
  const plain = sequential(stack(rs, false), { inputShape: [null, F], seed: 7, backend, dtype });
  const stateful = sequential(stack(rs, true), {
    inputShape: [null, F],
    batchSize: B,
    seed: 1,
    backend,
    dtype,
  });
  stateful.setWeights(plain.getWeights());
  return [stateful, plain];
}

/**
 * Bit for bit: the same equations on the same weights, and one step's rows of every product computed as in
 * the whole sequence's (on every backend).
 */
function same(a: ArrayLike<number>, b: ArrayLike<number>, what: string): void {
  expect(Array.from(a), what).toEqual(Array.from(b));
}

describe.each(CASES)(
  'stateful over two halves = not stateful over the whole, backend %s, %s',
  (backend, dtype) => {
    it.each(Object.keys(STACKS))('%s: the last output, and every step of the sequence output', (name) => {
      const x = sequences(dtype, name.startsWith('Masking'));
      for (const rs of [false, true]) {
        const [stateful, plain] = pair(STACKS[name], rs, backend, dtype);
        const whole = plain.predict(x);
        const first = stateful.predict(steps(x, 0, HALF));
        const second = stateful.predict(steps(x, HALF, T));
        // Keras starts every call's masked outputs at 0: sample 2 (real steps 1–2 only) has no real step in
        // the second half, so it outputs 0 there; its state is carried unchanged (the tests below)
        const idle = name.startsWith('Masking') ? [2] : [];
        const want = rs ? steps(whole, HALF, T) : whole;
        const wanted = Array.from(want.data);
        const width = wanted.length / B;
        for (const b of idle) wanted.fill(0, b * width, (b + 1) * width);
        if (!rs) {
          same(second.data, wanted, `${name}: the last output`);
          continue;
        }
        same(first.data, steps(whole, 0, HALF).data, `${name}: steps 1–${HALF}`);
        same(second.data, wanted, `${name}: steps ${HALF + 1}–${T}`);
      }
    });
  },
);

describe('the carried state and resetStates', () => {
  it('a row masked throughout a call keeps its state (Keras: the state is carried over masked steps)', () => {
    const [stateful] = pair(STACKS['Masking → LSTM → SimpleRNN'], false, 'js', 'float64');
    const x = sequences('float64', true); // sample 2 is all padding after step 2
    stateful.predict(steps(x, 0, HALF));
    const before = (stateful.layers[1] as Recurrent).states!;
    stateful.predict(steps(x, HALF, T));
    const after = (stateful.layers[1] as Recurrent).states!;
    expect(after.map((s) => Array.from(s.data.subarray(2 * 3, 3 * 3)))).toEqual(
      before.map((s) => Array.from(s.data.subarray(2 * 3, 3 * 3))),
    );
    expect(Array.from(after[0].data.subarray(0, 3))).not.toEqual(Array.from(before[0].data.subarray(0, 3)));
  });

  it.each(CASES)(
    'model.resetStates() makes the next output the first one again (backend %s, %s)',
    (backend, dtype) => {
      const [stateful] = pair(STACKS.LSTM, true, backend, dtype);
      const x = steps(sequences(dtype, false), 0, HALF);
      const a = stateful.predict(x).data;
      const b = stateful.predict(x).data;
      expect(Array.from(b)).not.toEqual(Array.from(a));
      stateful.resetStates();
      expect(Array.from(stateful.predict(x).data)).toEqual(Array.from(a));
    },
  );

  it('layer.resetStates(values) sets the states: restoring saved states repeats the next output exactly', () => {
    const [stateful] = pair(STACKS['LSTM → Dense on sequences → GRU'], true, 'js', 'float32');
    const x = sequences('float32', false);
    stateful.predict(steps(x, 0, HALF));
    const layers = [stateful.layers[0], stateful.layers[2]] as Recurrent[];
    const saved = layers.map((l) => l.states!);
    expect(saved.map((s) => s.map((t) => t.shape))).toEqual([
      [
        [B, 3],
        [B, 3],
      ],
      [[B, 2]],
    ]);
    const next = stateful.predict(steps(x, HALF, T)).data.slice();
    stateful.resetStates();
    layers.forEach((l, i) => l.resetStates(saved[i]));
    expect(Array.from(stateful.predict(steps(x, HALF, T)).data)).toEqual(Array.from(next));
  });

  it('predict on a model that is not stateful gives the same output every time', () => {
    const [, plain] = pair(STACKS.GRU, false, 'js', 'float32');
    const x = sequences('float32', false);
    const a = Array.from(plain.predict(x).data);
    plain.predictStep(steps(x, 0, 1));
    expect(Array.from(plain.predict(x).data)).toEqual(a);
    expect(plain.stateful).toBe(false);
  });
});

describe('training a stateful model', () => {
  it('fit over two consecutive batches = two fits of one batch with the states handed over by resetStates(values)', async () => {
    // GRU: its state is its output, so the state after batch 1 (with the weights before the first update) is readable
    const make = (): Sequential =>
      sequential([gru({ units: 3, stateful: true }), dense({ units: 1 })], {
        inputShape: [HALF, F],
        batchSize: B,
        seed: 5,
        dtype: 'float64',
      });
    const x = sequences('float64', false);
    const x1 = steps(x, 0, HALF);
    const x2 = steps(x, HALF, T);
    const y = randomTensor(new Random(2), [2 * B, 1], 'float64');
    const both = { shape: [2 * B, HALF, F], data: Float64Array.from([...x1.data, ...x2.data]) };

    const model = make();
    model.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'mse' });
    await model.fit(both, y, { epochs: 1 }); // batchSize and shuffle default to B and false

    const byHand = make();
    byHand.compile({ optimizer: sgd({ learningRate: 0.1 }), loss: 'mse' });
    byHand.forward(x1); // the states after batch 1, with the weights before the first update
    const carried = (byHand.layers[0] as Recurrent).states!;
    byHand.resetStates();
    await byHand.fit(x1, { shape: [B, 1], data: y.data.subarray(0, B) }, { epochs: 1 });
    (byHand.layers[0] as Recurrent).resetStates(carried);
    await byHand.fit(x2, { shape: [B, 1], data: y.data.subarray(B) }, { epochs: 1 });
    expect(Array.from(model.params)).toEqual(Array.from(byHand.params));
  });

  it('the gradient of a batch treats the carried state as a constant (float64 central differences)', () => {
    const model = sequential(
      [
        lstm({ units: 3, returnSequences: true, stateful: true }),
        gru({ units: 2, stateful: true }),
        dense({ units: 2 }),
      ],
      { inputShape: [HALF, F], batchSize: B, seed: 3, dtype: 'float64' },
    );
    const x = sequences('float64', false);
    model.forward(steps(x, 0, HALF), true);
    const recurrent = [model.layers[0], model.layers[1]] as Recurrent[];
    const carried = recurrent.map((l) => l.states!);
    expect(carried[0][1].data.some((v) => v !== 0)).toBe(true);
    const x2 = steps(x, HALF, T);
    const dOut = randomTensor(new Random(4), [B, 2], 'float64');
    const restore = (): void => recurrent.forEach((l, i) => l.resetStates(carried[i]));
    const loss = (): number => {
      restore();
      return dot(model.forward(x2, true).data, dOut.data);
    };
    const checks = gradientCheck(
      model.weights().map((w) => ({ name: w.name, value: w.data })),
      loss,
      () => {
        restore();
        model.forward(x2, true);
        model.zeroGrad();
        model.backward(dOut);
        return model.gradients().map((g) => g.data);
      },
    );
    expect(checks.filter((c) => !(c.error < 1e-6)).map((c) => [c.name, c.error])).toEqual([]);
    expect(checks.filter((c) => !(c.scale > 1e-6)).map((c) => c.name)).toEqual([]);
  });
});

describe('saving a stateful model', () => {
  const build = (): Sequential =>
    sequential([lstm({ units: 3, returnSequences: true, stateful: true }), dense({ units: 1 })], {
      inputShape: [null, F],
      batchSize: B,
      seed: 8,
    });

  it('model.json records stateful and batch_input_shape [B, …]; the loaded model continues as the original', () => {
    const model = build();
    const { modelJson, weightData } = toArtifacts(model);
    const layers = (modelJson.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } })
      .config.layers;
    expect(layers[0].config).toMatchObject({ stateful: true, batch_input_shape: [B, null, F] });
    const loaded = fromArtifacts({ modelJson, weightData });
    expect(loaded.batchSize).toBe(B);
    expect(loaded.stateful).toBe(true);
    const x = sequences('float32', false);
    for (const piece of [steps(x, 0, 2), steps(x, 2, T)]) {
      expect(Array.from(loaded.predict(piece).data)).toEqual(Array.from(model.predict(piece).data));
    }
  });

  it('saveModel / loadModel keep stateful and the batch size (the states themselves are not saved, as in Keras)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seqcast-stateful-'));
    try {
      const model = build();
      model.predict(sequences('float32', false));
      await saveModel(model, join(dir, 'm'));
      const loaded = await loadModel(join(dir, 'm'));
      expect(loaded.batchSize).toBe(B);
      expect(loaded.layers[0].getConfig()).toMatchObject({ stateful: true });
      model.resetStates();
      const x = sequences('float32', false);
      expect(Array.from(loaded.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a model without stateful layers still writes batch_input_shape [null, …]', () => {
    const model = sequential([lstm({ units: 2 })], { inputShape: [4, F], seed: 1 });
    const { modelJson } = toArtifacts(model);
    const layers = (modelJson.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } })
      .config.layers;
    expect(layers[0].config.batch_input_shape).toEqual([null, 4, F]);
    expect(fromArtifacts(toArtifacts(model)).batchSize).toBeNull();
  });
});
