/**
 * The accuracy metrics, as keras/src/metrics/accuracy_metrics.py defines them (`binary_accuracy`: mean of
 * [(p > threshold) = t] with threshold 0.5; `categorical_accuracy`: [argmax p = argmax t];
 * `sparse_categorical_accuracy`: [argmax p = label]), 'accuracy' resolved as
 * keras/src/trainers/compile_utils.py `get_metric` resolves it, and LSTM classifiers that learn separable
 * synthetic tasks to > 90 % accuracy with a fixed seed.
 */
import { describe, expect, it } from 'vitest';
import {
  Random,
  adam,
  categoricalCrossentropy,
  dense,
  earlyStopping,
  lstm,
  sequential,
} from '../src/index.js';
import type { Sequential } from '../src/index.js';

function oneDense(units: number, activation: 'sigmoid' | 'softmax' | 'linear'): Sequential {
  return sequential([dense({ units, activation, useBias: false })], {
    inputShape: [1],
    seed: 1,
    dtype: 'float64',
  });
}

/** A model whose output for input row i is `outputs[i]`: Dense(units, linear) on one-hot inputs. */
function fixedOutputs(outputs: number[][]): { model: Sequential; x: number[][] } {
  const N = outputs.length;
  const U = outputs[0].length;
  const model = sequential([dense({ units: U, useBias: false })], {
    inputShape: [N],
    seed: 1,
    dtype: 'float64',
  });
  model.setWeight('dense/kernel', [N, U], outputs.flat());
  const x = outputs.map((_, i) => Array.from({ length: N }, (_, j) => (i === j ? 1 : 0)));
  return { model, x };
}

describe('accuracy values', () => {
  it("the accuracies give the values of Keras's docstring examples (accuracy_metrics.py: 0.75, 0.5, 0.5)", () => {
    const bin = fixedOutputs([[0.98], [1], [0], [0.6]]);
    bin.model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['binaryAccuracy'] });
    expect(bin.model.evaluate(bin.x, [[1], [1], [0], [0]]).binaryAccuracy).toBe(0.75);
    const cat = fixedOutputs([
      [0.1, 0.9, 0.8],
      [0.05, 0.95, 0],
    ]);
    cat.model.compile({
      optimizer: 'sgd',
      loss: 'categoricalCrossentropy',
      metrics: ['categoricalAccuracy'],
    });
    expect(
      cat.model.evaluate(cat.x, [
        [0, 0, 1],
        [0, 1, 0],
      ]).categoricalAccuracy,
    ).toBe(0.5);
    const sparse = fixedOutputs([
      [0.1, 0.6, 0.3],
      [0.05, 0.95, 0],
    ]);
    sparse.model.compile({
      optimizer: 'sgd',
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['sparseCategoricalAccuracy'],
    });
    expect(sparse.model.evaluate(sparse.x, [[2], [1]]).sparseCategoricalAccuracy).toBe(0.5);
  });

  it('binaryAccuracy counts p > 0.5 against 0/1 targets (0.5 itself is class 0), averaged over every element', () => {
    const { model, x } = fixedOutputs([[0.9], [0.5], [0.2], [0.7]]);
    model.compile({
      optimizer: 'sgd',
      loss: 'mse',
      metrics: ['binaryAccuracy', 'accuracy', 'binary_accuracy'],
    });
    const r = model.evaluate(x, [[1], [1], [0], [0]]);
    expect(r.binaryAccuracy).toBe(0.5);
    expect(r.accuracy).toBe(0.5); // one output unit: accuracy is binary accuracy
    expect(model.compiled?.metrics.map((m) => m.name)).toEqual([
      'binaryAccuracy',
      'accuracy',
      'binaryAccuracy',
    ]);
  });

  it('categoricalAccuracy compares argmaxes of one-hot targets (the first maximum on ties)', () => {
    const { model, x } = fixedOutputs([
      [0.1, 0.7, 0.2],
      [0.4, 0.4, 0.2],
      [0.3, 0.3, 0.4],
      [0.5, 0.2, 0.3],
    ]);
    model.compile({
      optimizer: 'sgd',
      loss: 'categoricalCrossentropy',
      metrics: ['categoricalAccuracy', 'accuracy'],
    });
    const y = [
      [0, 1, 0],
      [0, 1, 0], // tie 0.4/0.4 → argmax 0: wrong
      [0, 0, 1],
      [0, 1, 0],
    ];
    const r = model.evaluate(x, y);
    expect(r.categoricalAccuracy).toBe(0.5);
    expect(r.accuracy).toBe(0.5);
  });

  it('sparseCategoricalAccuracy compares argmax p with integer labels, given as [N] or [N, 1]', () => {
    const { model, x } = fixedOutputs([
      [0.1, 0.7, 0.2],
      [0.6, 0.3, 0.1],
      [0.3, 0.3, 0.4],
    ]);
    model.compile({
      optimizer: 'sgd',
      loss: 'sparse_categorical_crossentropy',
      metrics: ['sparse_categorical_accuracy', 'acc'],
    });
    expect(model.evaluate(x, [1, 0, 0])).toMatchObject({ sparseCategoricalAccuracy: 2 / 3, accuracy: 2 / 3 });
    expect(model.evaluate(x, [[1], [0], [2]])).toMatchObject({ sparseCategoricalAccuracy: 1, accuracy: 1 });
    // the loss: −mean log p[label] (losses.py sparse_categorical_crossentropy)
    expect(model.evaluate(x, [1, 0, 2]).loss).toBeCloseTo(
      -(Math.log(0.7) + Math.log(0.6) + Math.log(0.4)) / 3,
      12,
    );
  });

  it('compile() refuses metrics that do not fit the targets, and unknown metrics, with one message each', () => {
    const m = oneDense(3, 'softmax');
    expect(() =>
      m.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['mae'] }),
    ).toThrow(
      /metric 'mae' compares predictions with targets shaped like them, but sparseCategoricalCrossentropy takes integer class labels; use 'accuracy' or 'sparseCategoricalAccuracy'/,
    );
    expect(() =>
      m.compile({
        optimizer: 'sgd',
        loss: 'categoricalCrossentropy',
        metrics: ['sparseCategoricalAccuracy'],
      }),
    ).toThrow(
      /'sparseCategoricalAccuracy' takes integer class labels, which only loss 'sparseCategoricalCrossentropy' uses/,
    );
    expect(() => m.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['auc' as never] })).toThrow(
      /unknown metric "auc"; the metrics are 'mse', 'mae', 'rmse', 'accuracy', 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'precision', 'recall'/,
    );
  });

  it('fit() and evaluate() refuse labels that are not integer classes of the output', () => {
    const { model, x } = fixedOutputs([
      [0.1, 0.7, 0.2],
      [0.6, 0.3, 0.1],
    ]);
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    expect(() => model.evaluate(x, [1, 3])).toThrow(
      /evaluate\(\): y holds 3 at sample 1 .*class labels must be integers in \[0, 3\) for an output of 3 classes/,
    );
    expect(() => model.evaluate(x, [0.5, 1])).toThrow(/y holds 0.5 at sample 0/);
    expect(() =>
      model.evaluate(x, [
        [0, 1, 0],
        [1, 0, 0],
      ]),
    ).toThrow(
      /sparseCategoricalCrossentropy takes one integer class label per output row: \[None\] for outputs \[None, 3\]/,
    );
  });
});

/** N sequences of T steps and F features, uniform in [−1, 1), from a seeded generator. */
function sequences(rng: Random, N: number, T: number, F: number): number[][][] {
  return Array.from({ length: N }, () =>
    Array.from({ length: T }, () => Array.from({ length: F }, () => rng.uniformRange(-1, 1))),
  );
}

describe('sequence classifiers learn separable tasks', () => {
  it('LSTM → Dense(1, sigmoid) with binaryCrossentropy learns "is the sum positive?" to > 90 % accuracy', async () => {
    const rng = new Random(21);
    const x = sequences(rng, 240, 6, 1);
    const y = x.map((s) => [s.reduce((a, v) => a + v[0], 0) > 0 ? 1 : 0]);
    const model = sequential([lstm({ units: 8 }), dense({ units: 1, activation: 'sigmoid' })], {
      inputShape: [6, 1],
      seed: 1,
    });
    model.compile({
      optimizer: adam({ learningRate: 0.02 }),
      loss: 'binaryCrossentropy',
      metrics: ['accuracy'],
    });
    const h = await model.fit(x.slice(0, 200), y.slice(0, 200), { epochs: 25, batchSize: 32 });
    const acc = h.history.accuracy;
    expect(acc[acc.length - 1]).toBeGreaterThan(0.9);
    expect(h.history.loss[h.history.loss.length - 1]).toBeLessThan(h.history.loss[0]);
    const test = model.evaluate(x.slice(200), y.slice(200));
    expect(test.accuracy).toBeGreaterThan(0.9);
  });

  it('LSTM → Dense(3, softmax) with sparseCategoricalCrossentropy learns "which feature is shifted up?" to > 90 %', async () => {
    const rng = new Random(22);
    // class c: feature c is shifted up by 1 at every step, so its sum is the highest almost always
    const y = Array.from({ length: 360 }, () => rng.int(3));
    const x = y.map((c) =>
      Array.from({ length: 5 }, () => [0, 1, 2].map((f) => rng.uniformRange(-1, 1) + (f === c ? 1 : 0))),
    );
    const model = sequential([lstm({ units: 12 }), dense({ units: 3, activation: 'softmax' })], {
      inputShape: [5, 3],
      seed: 1,
    });
    model.compile({
      optimizer: adam({ learningRate: 0.02 }),
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
    });
    const h = await model.fit(x.slice(0, 300), y.slice(0, 300), {
      epochs: 40,
      batchSize: 32,
      validationSplit: 0.1,
    });
    expect(h.history.val_accuracy).toBeDefined();
    const test = model.evaluate(x.slice(300), y.slice(300));
    expect(test.accuracy).toBeGreaterThan(0.9);
    // the same task with one-hot targets and categoricalCrossentropy from logits
    const logits = sequential([lstm({ units: 12 }), dense({ units: 3 })], { inputShape: [5, 3], seed: 1 });
    logits.compile({
      optimizer: adam({ learningRate: 0.02 }),
      loss: categoricalCrossentropy({ fromLogits: true }),
      metrics: ['categoricalAccuracy'],
    });
    const oneHot = y.map((c) => [0, 1, 2].map((j) => (j === c ? 1 : 0)));
    await logits.fit(x.slice(0, 300), oneHot.slice(0, 300), { epochs: 40, batchSize: 32 });
    const t2 = logits.evaluate(x.slice(300), oneHot.slice(300));
    expect(t2.categoricalAccuracy).toBeGreaterThan(0.9);
  });
});

describe('callbacks on accuracies', () => {
  it("earlyStopping({ monitor: 'accuracy' }) treats a higher accuracy as the improvement (Keras's direction 'up')", async () => {
    const { model, x } = fixedOutputs([[0.9], [0.2]]);
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
    const es = earlyStopping({ monitor: 'accuracy', patience: 1 });
    const logs = (accuracy: number): Record<string, number> => ({ loss: 1, accuracy });
    es.onTrainBegin({
      model,
      epochs: 5,
      initialEpoch: 0,
      stepsPerEpoch: 1,
      samples: x.length,
      validationSamples: 0,
    });
    es.onEpochEnd(0, logs(0.5));
    es.onEpochEnd(1, logs(0.75));
    expect(es.bestEpoch).toBe(1);
    es.onEpochEnd(2, logs(0.6));
    expect(model.stopTraining).toBe(true);
    expect(es.bestEpoch).toBe(1);
  });
});
