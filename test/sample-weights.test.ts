/**
 * sampleWeight and classWeight with Keras 3's semantics:
 * - keras/src/losses/loss.py `reduce_weighted_values` / `reduce_values`: each sample's loss times its weight,
 *   summed, divided by the number of samples (`sum_over_batch_size`), not by the sum of the weights.
 * - keras/src/trainers/data_adapters/data_adapter_utils.py `class_weight_to_sample_weights`: the class of a
 *   sample is argmax(y) for one-hot targets, round(y) for one unit or integer labels; absent classes weigh 1.
 * - keras/src/trainers/data_adapters/array_data_adapter.py: class_weight and sample_weight together are refused.
 */
import { describe, expect, it } from 'vitest';
import { Random, adam, dense, lstm, sequential } from '../src/index.js';
import type { Sequential } from '../src/index.js';
import { uniformArray } from './helpers/gradcheck.js';

function classifier(
  units: number,
  activation: 'sigmoid' | 'softmax',
  dtype: 'float32' | 'float64' = 'float64',
): Sequential {
  return sequential([lstm({ units: 3 }), dense({ units, activation })], {
    inputShape: [4, 2],
    seed: 5,
    dtype,
  });
}

function data(N: number, seed = 3): number[][][] {
  const rng = new Random(seed);
  return Array.from({ length: N }, () =>
    Array.from({ length: 4 }, () => Array.from(uniformArray(rng, 2, -1, 1, 'float64'))),
  );
}

describe('evaluate({ sampleWeight })', () => {
  it("evaluate() weights each sample's loss and divides by the number of samples (sum_over_batch_size)", () => {
    const m = classifier(3, 'softmax');
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const x = data(5);
    const y = [0, 2, 1, 1, 0];
    const w = [1, 0, 2.5, 0.5, 3];
    const per = x.map((xi, i) => m.evaluate([xi], [y[i]]).loss);
    const hand = per.reduce((a, l, i) => a + w[i] * l, 0) / 5;
    const r = m.evaluate(x, y, { sampleWeight: w, batchSize: 2 });
    expect(r.loss).toBeCloseTo(hand, 12);
    // metrics are not weighted (Keras's metrics, not weighted_metrics)
    expect(r.accuracy).toBe(m.evaluate(x, y).accuracy);
  });

  it('evaluate() with a sample weight of 1 everywhere gives exactly the unweighted loss (mse, 3-D outputs)', () => {
    const m = sequential([lstm({ units: 3, returnSequences: true }), dense({ units: 2 })], {
      inputShape: [4, 2],
      seed: 1,
      dtype: 'float64',
    });
    m.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = data(6);
    const y = x.map((s) => s.map((v) => [v[0], v[1] * 2]));
    expect(m.evaluate(x, y, { sampleWeight: [1, 1, 1, 1, 1, 1] }).loss).toBe(m.evaluate(x, y).loss);
    // a sequence sample's weight applies to each of its time steps
    const w = [2, 0, 1, 1, 0.5, 1];
    const per = x.map((xi, i) => m.evaluate([xi], [y[i]]).loss);
    expect(m.evaluate(x, y, { sampleWeight: w }).loss).toBeCloseTo(
      per.reduce((a, l, i) => a + w[i] * l, 0) / 6,
      12,
    );
  });
});

describe('fit({ sampleWeight, classWeight })', () => {
  it('fit() with sampleWeight all 1 trains exactly as without it', async () => {
    const x = data(20);
    const y = x.map((s) => [s[3][0] > 0 ? 1 : 0]);
    const a = classifier(1, 'sigmoid', 'float32');
    const b = classifier(1, 'sigmoid', 'float32');
    for (const m of [a, b])
      m.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'binaryCrossentropy' });
    const ha = await a.fit(x, y, { epochs: 3, batchSize: 8 });
    const hb = await b.fit(x, y, { epochs: 3, batchSize: 8, sampleWeight: new Array(20).fill(1) });
    expect(hb.history.loss).toEqual(ha.history.loss);
    expect(Array.from(b.params)).toEqual(Array.from(a.params));
  });

  it("fit({ classWeight }) trains exactly as fit({ sampleWeight }) with the weights of each sample's class", async () => {
    const x = data(24);
    const labels = x.map((s) => (s[0][0] > 0.3 ? 2 : s[0][1] > 0 ? 1 : 0));
    const oneHot = labels.map((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0)));
    const cw = { 0: 1, 1: 3, 2: 0.5 };
    const sw = labels.map((c) => cw[c as 0 | 1 | 2]);
    for (const [loss, y] of [
      ['sparseCategoricalCrossentropy', labels],
      ['categoricalCrossentropy', oneHot],
    ] as const) {
      const a = classifier(3, 'softmax', 'float32');
      const b = classifier(3, 'softmax', 'float32');
      for (const m of [a, b]) m.compile({ optimizer: adam({ learningRate: 0.01 }), loss });
      const ha = await a.fit(x, y, { epochs: 2, batchSize: 5, classWeight: cw });
      const hb = await b.fit(x, y, { epochs: 2, batchSize: 5, sampleWeight: sw });
      expect(ha.history.loss).toEqual(hb.history.loss);
      expect(Array.from(a.params)).toEqual(Array.from(b.params));
    }
  });

  it('fit({ classWeight }) on one sigmoid unit takes the class of round(y), and absent classes weigh 1', async () => {
    const x = data(10);
    const y = x.map((s) => [s[1][1] > 0 ? 1 : 0]);
    const a = classifier(1, 'sigmoid');
    const b = classifier(1, 'sigmoid');
    for (const m of [a, b]) m.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
    await a.fit(x, y, { epochs: 1, batchSize: 4, classWeight: { 1: 4 } });
    await b.fit(x, y, { epochs: 1, batchSize: 4, sampleWeight: y.map(([c]) => (c === 1 ? 4 : 1)) });
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
  });

  it("fit({ sampleWeight, validationSplit }) weights val_loss with the held-out samples' weights", async () => {
    const x = data(10);
    const y = x.map((s) => [s[2][0] > 0 ? 1 : 0]);
    const w = [1, 2, 1, 1, 1, 1, 1, 1, 3, 0];
    const m = classifier(1, 'sigmoid');
    m.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    const h = await m.fit(x, y, { epochs: 1, batchSize: 4, validationSplit: 0.2, sampleWeight: w });
    expect(h.history.val_loss[0]).toBeCloseTo(
      m.evaluate(x.slice(8), y.slice(8), { sampleWeight: [3, 0] }).loss,
      12,
    );
  });

  it('fit() and evaluate() refuse bad weights with one message each', async () => {
    const x = data(4);
    const y = [0, 1, 2, 1];
    const m = classifier(3, 'softmax');
    m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    await expect(m.fit(x, y, { sampleWeight: [1, 1, 1] })).rejects.toThrow(
      /fit\(\): sampleWeight has 3 weights but x has 4 samples; give one per sample/,
    );
    await expect(m.fit(x, y, { sampleWeight: [1, -1, 1, 1] })).rejects.toThrow(
      /fit\(\): sampleWeight\[1\] is -1; sample weights must be finite numbers ≥ 0/,
    );
    await expect(m.fit(x, y, { sampleWeight: [1, NaN, 1, 1] })).rejects.toThrow(/sampleWeight\[1\] is NaN/);
    await expect(m.fit(x, y, { sampleWeight: 2 as never })).rejects.toThrow(
      /sampleWeight must be an array of one number per sample \(got 2\)/,
    );
    await expect(m.fit(x, y, { classWeight: { 3: 2 } })).rejects.toThrow(
      /fit\(\): classWeight has class "3", but the model's 3 output units have classes 0 to 2/,
    );
    await expect(m.fit(x, y, { classWeight: { a: 2 } as never })).rejects.toThrow(
      /classWeight has class "a"/,
    );
    await expect(m.fit(x, y, { classWeight: { 0: -2 } })).rejects.toThrow(
      /classWeight\[0\] is -2; class weights must be finite numbers ≥ 0/,
    );
    await expect(m.fit(x, y, { classWeight: { 0: 2 }, sampleWeight: [1, 1, 1, 1] })).rejects.toThrow(
      /fit\(\): give sampleWeight or classWeight, not both/,
    );
    await expect(m.fit(x, y, { class_weight: { 0: 2 } } as never)).rejects.toThrow(
      /fit\(\): unknown option 'class_weight'; the options are .*'sampleWeight', 'classWeight'/,
    );
    expect(() => m.evaluate(x, y, { sampleWeight: [1, 1] })).toThrow(
      /evaluate\(\): sampleWeight has 2 weights but x has 4 samples/,
    );
    expect(() => m.evaluate(x, y, { classWeight: {} } as never)).toThrow(
      /evaluate\(\): unknown option 'classWeight'; the options are 'batchSize', 'sampleWeight'/,
    );
    const b = classifier(1, 'sigmoid');
    b.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy' });
    await expect(b.fit(x, [0, 1, 1, 0], { classWeight: { 2: 1 } })).rejects.toThrow(
      /the model's one output unit has classes 0 to 1/,
    );
    const seq = sequential(
      [lstm({ units: 2, returnSequences: true }), dense({ units: 2, activation: 'softmax' })],
      { inputShape: [4, 2], seed: 1 },
    );
    seq.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    await expect(
      seq.fit(
        x,
        [
          [0, 1, 1, 0],
          [1, 1, 0, 0],
          [0, 0, 0, 0],
          [1, 1, 1, 1],
        ],
        { classWeight: { 0: 2 } },
      ),
    ).rejects.toThrow(
      /classWeight needs one output row per sample.*weight sequence outputs with sampleWeight/,
    );
  });
});
