// Dropout (issue 16): Keras's semantics — identity at inference; in training kept with probability 1 − rate and
// scaled by 1/(1 − rate); a recurrent layer's input dropout draws one mask per sequence, reused at every step;
// seeded, so the same seeds give the same masks and the same trained weights.
import { describe, expect, it } from 'vitest';
import {
  adam,
  dense,
  dropout,
  fromArtifacts,
  gru,
  lstm,
  Random,
  sequential,
  simpleRNN,
  tensor,
  toArtifacts,
} from '../src/index.js';

const X = (n: number, seed = 1) => {
  const r = new Random(seed);
  return Float32Array.from({ length: n }, () => r.uniform() * 2 - 1);
};

describe('the Dropout layer', () => {
  it('is the identity at inference and in training drops about rate, scaling the rest by 1/(1 − rate)', () => {
    const m = sequential([dropout({ rate: 0.3, seed: 5 })], { inputShape: [1000] });
    const x = tensor(new Float32Array(4000).fill(1), [4, 1000]);
    expect(Array.from(m.forward(x).data)).toEqual(Array.from(x.data));
    const y = m.forward(x, true).data;
    const kept = y.filter((v) => v !== 0);
    expect(kept.every((v) => Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
    expect(Math.abs(kept.length / 4000 - 0.7)).toBeLessThan(0.03);
    let sum = 0;
    for (const v of y) sum += v;
    const mean = sum / 4000;
    expect(Math.abs(mean - 1)).toBeLessThan(0.05); // the expectation is kept
    // the backward pass uses the same mask
    const d = m.backward(tensor(new Float32Array(4000).fill(1), [4, 1000])).data;
    expect(Array.from(d)).toEqual(Array.from(y));
  });

  it('the same seed gives the same masks; another seed others', () => {
    const x = tensor(new Float32Array(200).fill(1), [2, 100]);
    const a = sequential([dropout({ rate: 0.5, seed: 1 })], { inputShape: [100] })
      .forward(x, true)
      .data.slice();
    const b = sequential([dropout({ rate: 0.5, seed: 1 })], { inputShape: [100] })
      .forward(x, true)
      .data.slice();
    const c = sequential([dropout({ rate: 0.5, seed: 2 })], { inputShape: [100] })
      .forward(x, true)
      .data.slice();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('noiseShape shares one mask value along the axes given as 1', () => {
    const m = sequential([dropout({ rate: 0.5, noiseShape: [1, null], seed: 3 })], { inputShape: [5, 8] });
    const y = m.forward(tensor(new Float32Array(2 * 5 * 8).fill(1), [2, 5, 8]), true).data;
    for (let b = 0; b < 2; b++)
      for (let t = 1; t < 5; t++)
        for (let f = 0; f < 8; f++) expect(y[(b * 5 + t) * 8 + f]).toBe(y[b * 5 * 8 + f]);
  });

  it('checks its options and round-trips through model.json', () => {
    expect(() => dropout({ rate: 1 })).toThrow(/rate must be a number in \[0, 1\)/);
    expect(() => dropout({} as never)).toThrow(/rate/);
    expect(() => dropout({ rate: 0.1, noiseShape: [2] as never })).toThrow(
      /noiseShape must be null or a list/,
    );
    const model = sequential(
      [
        lstm({ units: 2, returnSequences: true }),
        dropout({ rate: 0.3, seed: 4 }),
        lstm({ units: 2 }),
        dense({ units: 1 }),
      ],
      {
        inputShape: [3, 2],
        seed: 1,
      },
    );
    const back = fromArtifacts(toArtifacts(model));
    expect(back.layers[1].getConfig()).toMatchObject({ rate: 0.3, seed: 4, noiseShape: null });
    const x = tensor(X(12), [2, 3, 2]);
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(model.predict(x).data));
  });
});

describe('input dropout of recurrent layers', () => {
  it.each([
    ['SimpleRNN', () => simpleRNN({ units: 4, dropout: 0.4, seed: 9 })],
    ['LSTM', () => lstm({ units: 4, dropout: 0.4, seed: 9 })],
    ['GRU', () => gru({ units: 4, dropout: 0.4, seed: 9 })],
  ])(
    '%s: one mask per sequence reused at every step; identity at inference; exact gradient for a fixed mask',
    (_, make) => {
      const T = 5,
        F = 6,
        B = 3;
      const withDrop = sequential([make()], { inputShape: [T, F], seed: 2, dtype: 'float64' });
      const x = tensor(Float64Array.from(X(B * T * F, 4)), [B, T, F]);
      // inference: exactly the layer without dropout
      const plain = sequential([make()], { inputShape: [T, F], seed: 2, dtype: 'float64' });
      plain.setWeights(withDrop.getWeights());
      expect(Array.from(withDrop.forward(x).data)).toEqual(Array.from(plain.forward(x).data));
      // training: equal to the plain layer on the input multiplied by a [B, F] mask (the same at every step)
      const y = Float64Array.from(withDrop.forward(x, true).data);
      const layer = withDrop.layers[0] as unknown as { dropMask: Float64Array };
      const m = layer.dropMask;
      expect(m.length).toBeGreaterThanOrEqual(B * F);
      const dropped = Float64Array.from(x.data, (v, i) => {
        const b = Math.floor(i / (T * F));
        return v * m[b * F + (i % F)];
      });
      expect(m.slice(0, B * F).some((v) => v === 0)).toBe(true);
      const ref = plain.forward(tensor(dropped, [B, T, F])).data;
      for (let i = 0; i < ref.length; i++) expect(Math.abs(y[i] - ref[i])).toBeLessThan(1e-12);
      // the gradient with the mask fixed: central differences of sum(y · r) against backward
      const r = Float64Array.from(X(y.length, 8));
      withDrop.forward(x, true);
      withDrop.zeroGrad();
      const dx = Float64Array.from(withDrop.backward(tensor(r, [B, 4])).data);
      const loss = (xs: Float64Array): number => {
        const out = plain.forward(
          tensor(
            Float64Array.from(xs, (v, i) => v * m[Math.floor(i / (T * F)) * F + (i % F)]),
            [B, T, F],
          ),
        ).data;
        let total = 0;
        for (let i = 0; i < out.length; i++) total += out[i] * r[i];
        return total;
      };
      for (let i = 0; i < x.data.length; i += 7) {
        const up = Float64Array.from(x.data);
        const down = Float64Array.from(x.data);
        up[i] += 1e-6;
        down[i] -= 1e-6;
        expect(Math.abs((loss(up) - loss(down)) / 2e-6 - dx[i])).toBeLessThan(1e-7);
      }
    },
  );

  it('fit with dropout is seeded: the same seeds train to the same weights', async () => {
    const train = async (): Promise<number[]> => {
      const m = sequential([lstm({ units: 4, dropout: 0.3 }), dropout({ rate: 0.2 }), dense({ units: 1 })], {
        inputShape: [6, 2],
        seed: 11,
      });
      m.compile({ optimizer: adam(), loss: 'mse' });
      await m.fit(tensor(X(24 * 12), [24, 6, 2]), tensor(X(24, 3), [24, 1]), {
        epochs: 3,
        batchSize: 8,
        seed: 1,
      });
      return Array.from(m.params);
    };
    const a = await train();
    expect(await train()).toEqual(a);
  });
});
