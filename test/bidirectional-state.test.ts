// Bidirectional's states (issue 16): call(x, initialState) gives each half its half of the list, returnState
// returns both halves' final states, backwardCall's gradients (weights, input, initial states) match float64
// central differences, and a stateful Bidirectional's halves each carry their own states.
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../src/index.js';
import { bidirectional, gru, lstm, MERGE_MODES, Random, sequential, simpleRNN } from '../src/index.js';
import type { MergeMode } from '../src/layers/bidirectional.js';
import type { Recurrent } from '../src/layers/recurrent.js';
import { buildStandalone, dot, gradientCheck, randomTensor } from './helpers/gradcheck.js';

const [N, T, I, U] = [2, 4, 3, 2];

const KINDS = {
  SimpleRNN: (o: { returnSequences: boolean }) => simpleRNN({ units: U, returnState: true, ...o }),
  LSTM: (o: { returnSequences: boolean }) => lstm({ units: U, returnState: true, ...o }),
  'GRU (resetAfter false)': (o: { returnSequences: boolean }) =>
    gru({ units: U, returnState: true, resetAfter: false, ...o }),
};

describe('Bidirectional call(x, initialState) with returnState', () => {
  it.each(Object.keys(KINDS) as (keyof typeof KINDS)[])(
    '%s: each half is the wrapped layer run alone with its half of the states',
    (kind) => {
      const rng = new Random(3);
      const layer = bidirectional(KINDS[kind]({ returnSequences: false }), { mergeMode: 'concat' });
      buildStandalone(layer, [T, I], rng);
      const n = layer.forwardLayer.cell.stateCount;
      const init = Array.from({ length: 2 * n }, () => randomTensor(rng, [N, U]));
      const x = randomTensor(rng, [N, T, I]);
      const { output, states } = layer.call(x, init);
      const f = layer.forwardLayer.call(x, init.slice(0, n));
      const fStates = f.states.map((s) => Array.from(s.data));
      const b = layer.backwardLayer.call(x, init.slice(n));
      const bStates = b.states.map((s) => Array.from(s.data));
      expect(states.map((s) => Array.from(s.data))).toEqual([...fStates, ...bStates]);
      for (let r = 0; r < N; r++) {
        expect(Array.from(output.data.subarray(r * 2 * U, r * 2 * U + U))).toEqual(
          fStates[0].slice(r * U, (r + 1) * U),
        );
        expect(Array.from(output.data.subarray(r * 2 * U + U, (r + 1) * 2 * U))).toEqual(
          bStates[0].slice(r * U, (r + 1) * U),
        );
      }
    },
  );
});

describe('Bidirectional backwardCall matches float64 central differences', () => {
  const cases = (Object.keys(KINDS) as (keyof typeof KINDS)[]).flatMap((kind) =>
    MERGE_MODES.map((mergeMode) => [kind, mergeMode] as const),
  );
  it.each(cases)(
    '%s, mergeMode %s: weights, x and the four (or two) initial states, with gradient on the output and every final state',
    (kind, mergeMode: MergeMode) => {
      const rng = new Random(17);
      const layer = bidirectional(KINDS[kind]({ returnSequences: true }), { mergeMode });
      const { weights, grads } = buildStandalone(layer, [T, I], rng);
      const n = layer.forwardLayer.cell.stateCount;
      const x = randomTensor(rng, [N, T, I]);
      const init = Array.from({ length: 2 * n }, () => randomTensor(rng, [N, U]));
      const first = layer.call(x, init);
      const dOut = randomTensor(rng, first.output.shape);
      const dStates = first.states.map((s) => randomTensor(rng, s.shape));
      const loss = (): number => {
        const r = layer.call(x, init);
        return (
          dot(r.output.data, dOut.data) + r.states.reduce((s, st, k) => s + dot(st.data, dStates[k].data), 0)
        );
      };
      const checks = gradientCheck(
        [
          ...weights.map((w) => ({ name: w.name, value: w.data })),
          { name: 'x', value: x.data },
          ...init.map((s, k) => ({ name: `initial state ${k}`, value: s.data })),
        ],
        loss,
        () => {
          for (const g of grads) g.data.fill(0);
          layer.call(x, init);
          const r = layer.backwardCall(dOut, dStates);
          return [...grads.map((g) => g.data), r.dx.data, ...r.dInitialState.map((d) => d.data)];
        },
      );
      expect(checks.filter((c) => !(c.error < 1e-6)).map((c) => [c.name, c.error])).toEqual([]);
      expect(checks.filter((c) => !(c.scale > 1e-6)).map((c) => c.name)).toEqual([]);
    },
  );

  it('backwardCall(dy) without state gradients is backward(dy)', () => {
    const rng = new Random(5);
    const layer = bidirectional(lstm({ units: U, returnSequences: true }), { mergeMode: 'mul' });
    const { grads } = buildStandalone(layer, [T, I], rng);
    const x = randomTensor(rng, [N, T, I]);
    const dy = randomTensor(rng, [N, T, U]); // mul merges to U
    layer.forward(x);
    const a = Array.from(layer.backward(dy).data);
    const ga = grads.map((g) => Array.from(g.data));
    for (const g of grads) g.data.fill(0);
    layer.forward(x);
    expect(Array.from(layer.backwardCall(dy).dx.data)).toEqual(a);
    expect(grads.map((g) => Array.from(g.data))).toEqual(ga);
  });
});

describe('a stateful Bidirectional', () => {
  it('both halves are stateful and carry their own states; resetStates(values) splits forward then backward', () => {
    const model = sequential([bidirectional(gru({ units: U, stateful: true }))], {
      inputShape: [T, I],
      batchSize: N,
      seed: 2,
      dtype: 'float64',
    });
    const bi = model.layers[0] as unknown as {
      forwardLayer: Recurrent;
      backwardLayer: Recurrent;
      states: readonly Tensor[] | null;
      resetStates(s?: readonly Tensor[]): void;
    };
    expect([bi.forwardLayer.stateful, bi.backwardLayer.stateful]).toEqual([true, true]);
    const x = randomTensor(new Random(1), [N, T, I]);
    model.predict(x);
    const after = bi.states!;
    expect(after.map((s) => Array.from(s.data))).toEqual([
      Array.from(bi.forwardLayer.states![0].data),
      Array.from(bi.backwardLayer.states![0].data),
    ]);
    const second = Array.from(model.predict(x).data);
    bi.resetStates(after);
    expect(Array.from(model.predict(x).data)).toEqual(second);
    model.resetStates();
    expect(bi.states!.every((s) => s.data.every((v) => v === 0))).toBe(true);
  });
});
