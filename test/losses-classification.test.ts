/**
 * The crossentropy losses against Keras 3's own formulas and docstring values, exact gradients (float64
 * finite differences), stability at probabilities 0 and 1, and compile names.
 *
 * Keras source followed:
 * - keras/src/losses/losses.py: `binary_crossentropy` (label smoothing t(1 − s) + s/2, then
 *   `ops.mean(..., axis=-1)`), `categorical_crossentropy` (t(1 − s) + s/C), `sparse_categorical_crossentropy`,
 *   and their docstring examples (values 0.916 / 0.714, 0.0513 / 2.303).
 * - keras/src/backend/numpy/nn.py: `binary_crossentropy` (clip to [1e-7, 1 − 1e-7], −t log p − (1 − t) log(1 − p)),
 *   `categorical_crossentropy` (p / Σp, clip, −Σ t log p; logits through `log_softmax`).
 * - keras/src/backend/tensorflow/nn.py: from_logits binary crossentropy is
 *   `tf.nn.sigmoid_cross_entropy_with_logits` (max(z, 0) − z t + log(1 + e^−|z|)).
 * - keras/src/losses/loss.py `reduce_values`: `sum_over_batch_size` divides the sum by the number of rows.
 */
import { describe, expect, it } from 'vitest';
import {
  Random,
  binaryCrossentropy,
  categoricalCrossentropy,
  dense,
  getLoss,
  lstm,
  sequential,
  sparseCategoricalCrossentropy,
} from '../src/index.js';
import { gradientCheck, uniformArray } from './helpers/gradcheck.js';

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const EPS = 1e-7;

describe('binaryCrossentropy', () => {
  it("binaryCrossentropy() gives the values of Keras's docstring (0.916 and 0.714, mean 0.815)", () => {
    // losses.py: y_true [[0, 1], [0, 0]], y_pred [[0.6, 0.4], [0.4, 0.6]] → [0.916, 0.714]
    const l = binaryCrossentropy();
    const row0 = l.compute([0.6, 0.4], [0, 1], 2, null, 2);
    const row1 = l.compute([0.4, 0.6], [0, 0], 2, null, 2);
    expect(row0).toBeCloseTo(0.916, 3);
    expect(row1).toBeCloseTo(0.714, 3);
    expect(l.compute([0.6, 0.4, 0.4, 0.6], [0, 1, 0, 0], 4, null, 2)).toBeCloseTo((row0 + row1) / 2, 12);
  });

  it('binaryCrossentropy() clips probabilities to [1e-7, 1 − 1e-7]: finite at 0 and 1, zero gradient there', () => {
    const grad = new Float64Array(4);
    const v = binaryCrossentropy().compute([0, 1, 0, 1], [1, 0, 0, 1], 4, grad, 1);
    // two rows at the clip bound of the wrong class, two at the clip bound of the right one
    // as numpy/nn.py computes it: log(1 − q) with q = 1 − ε, not log ε
    const expected = (-Math.log(EPS) - Math.log(1 - (1 - EPS)) - 2 * Math.log(1 - EPS)) / 4;
    expect(v).toBeCloseTo(expected, 12);
    expect(Array.from(grad)).toEqual([0, 0, 0, 0]);
  });

  it('binaryCrossentropy({ fromLogits: true }) is sigmoid then the clipped form, and stable at |z| = 1000', () => {
    const z = [-3, -0.5, 0, 0.7, 4];
    const t = [0, 1, 1, 0, 1];
    const viaProb = binaryCrossentropy().compute(z.map(sigmoid), t, 5, null, 1);
    expect(binaryCrossentropy({ fromLogits: true }).compute(z, t, 5, null, 1)).toBeCloseTo(viaProb, 12);
    const grad = new Float64Array(2);
    const big = binaryCrossentropy({ fromLogits: true }).compute([1000, -1000], [0, 0], 2, grad, 1);
    expect(big).toBeCloseTo(500, 9); // (1000 + 0) / 2
    expect(Array.from(grad)).toEqual([0.5, 0]);
  });

  it('binaryCrossentropy({ labelSmoothing }) moves targets to t(1 − s) + s/2', () => {
    const p = 0.8;
    const s = 0.2;
    const t = 1 * (1 - s) + s / 2;
    const hand = -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
    expect(binaryCrossentropy({ labelSmoothing: s }).compute([p], [1], 1, null, 1)).toBeCloseTo(hand, 14);
  });
});

describe('categoricalCrossentropy and sparseCategoricalCrossentropy', () => {
  const yTrue = [0, 1, 0, 0, 0, 1];
  const yPred = [0.05, 0.95, 0, 0.1, 0.8, 0.1];

  it("categoricalCrossentropy() gives the values of Keras's docstring (0.0513 and 2.303)", () => {
    const l = categoricalCrossentropy();
    expect(l.compute(yPred.slice(0, 3), yTrue.slice(0, 3), 3, null, 3)).toBeCloseTo(0.0513, 4);
    expect(l.compute(yPred.slice(3), yTrue.slice(3), 3, null, 3)).toBeCloseTo(2.303, 3);
    expect(l.compute(yPred, yTrue, 6, null, 3)).toBeCloseTo((-Math.log(0.95) - Math.log(0.1)) / 2, 12);
  });

  it('sparseCategoricalCrossentropy() takes one label a row and agrees with the one-hot form', () => {
    const l = sparseCategoricalCrossentropy();
    expect(l.sparse).toBe(true);
    expect(l.compute(yPred, [1, 2], 6, null, 3)).toBeCloseTo(
      categoricalCrossentropy().compute(yPred, yTrue, 6, null, 3),
      14,
    );
  });

  it('categoricalCrossentropy() normalises by the row sum and clips a zero probability to 1e-7', () => {
    // row sums 2: p = o / 2; the true class has o = 0 → clipped to 1e-7
    const v = categoricalCrossentropy().compute([0, 2, 1, 1], [1, 0, 0, 1], 4, null, 2);
    expect(v).toBeCloseTo((-Math.log(EPS) - Math.log(0.5)) / 2, 10);
  });

  it('categoricalCrossentropy({ fromLogits: true }) is log_softmax, stable for logits of 1000', () => {
    const z = [1000, 999, 998];
    const m = 1000;
    const lse = m + Math.log(1 + Math.exp(-1) + Math.exp(-2));
    const v = categoricalCrossentropy({ fromLogits: true }).compute(z, [0, 0, 1], 3, null, 3);
    expect(v).toBeCloseTo(lse - 998, 10);
    expect(sparseCategoricalCrossentropy({ fromLogits: true }).compute(z, [2], 3, null, 3)).toBeCloseTo(
      v,
      12,
    );
  });

  it('categoricalCrossentropy({ labelSmoothing }) moves targets to t(1 − s) + s/C', () => {
    const s = 0.3;
    const p = [0.2, 0.5, 0.3];
    const t = [0, 1, 0].map((x) => x * (1 - s) + s / 3);
    const hand = -t.reduce((a, tj, j) => a + tj * Math.log(p[j]), 0);
    expect(categoricalCrossentropy({ labelSmoothing: s }).compute(p, [0, 1, 0], 3, null, 3)).toBeCloseTo(
      hand,
      14,
    );
  });
});

describe('gradients', () => {
  type Case = {
    title: string;
    make: () => ReturnType<typeof getLoss>;
    target: (rng: Random, rows: number, C: number) => number[];
    logits: boolean;
  };
  const oneHot = (rng: Random, rows: number, C: number): number[] => {
    const t: number[] = [];
    for (let r = 0; r < rows; r++) {
      const k = rng.int(C);
      for (let j = 0; j < C; j++) t.push(j === k ? 1 : 0);
    }
    return t;
  };
  const CASES: Case[] = [
    {
      title: 'binaryCrossentropy()',
      make: () => binaryCrossentropy(),
      target: (rng, rows, C) => Array.from({ length: rows * C }, () => rng.int(2)),
      logits: false,
    },
    {
      title: 'binaryCrossentropy({ fromLogits, labelSmoothing })',
      make: () => binaryCrossentropy({ fromLogits: true, labelSmoothing: 0.1 }),
      target: (rng, rows, C) => Array.from({ length: rows * C }, () => rng.uniformRange(0, 1)),
      logits: true,
    },
    {
      title: 'categoricalCrossentropy()',
      make: () => categoricalCrossentropy(),
      target: oneHot,
      logits: false,
    },
    {
      title: 'categoricalCrossentropy({ fromLogits, labelSmoothing })',
      make: () => categoricalCrossentropy({ fromLogits: true, labelSmoothing: 0.2 }),
      target: oneHot,
      logits: true,
    },
    {
      title: 'sparseCategoricalCrossentropy()',
      make: () => sparseCategoricalCrossentropy(),
      target: (rng, rows, C) => Array.from({ length: rows }, () => rng.int(C)),
      logits: false,
    },
    {
      title: 'sparseCategoricalCrossentropy({ fromLogits })',
      make: () => sparseCategoricalCrossentropy({ fromLogits: true }),
      target: (rng, rows, C) => Array.from({ length: rows }, () => rng.int(C)),
      logits: true,
    },
    {
      title: 'meanSquaredError with weights',
      make: () => getLoss('mse'),
      target: (rng, rows, C) => Array.from({ length: rows * C }, () => rng.uniformRange(-1, 1)),
      logits: true,
    },
    {
      title: 'huber with weights',
      make: () => getLoss('huber'),
      target: (rng, rows, C) => Array.from({ length: rows * C }, () => rng.uniformRange(-1, 1)),
      logits: true,
    },
  ];

  it.each(CASES.map((c) => [c.title, c] as const))(
    '%s: the gradient matches float64 finite differences, with and without row weights',
    (_t, c) => {
      const rng = new Random(7);
      const rows = 4;
      const C = 3;
      const loss = c.make();
      const pred = c.logits
        ? uniformArray(rng, rows * C, -2, 2, 'float64')
        : uniformArray(rng, rows * C, 0.05, 0.95, 'float64');
      const target = c.target(rng, rows, C);
      for (const weights of [null, [0.5, 2, 0, 1.25]]) {
        const grad = new Float64Array(rows * C);
        const [check] = gradientCheck(
          [{ name: 'pred', value: pred }],
          () => loss.compute(pred, target, rows * C, null, C, weights),
          () => {
            loss.compute(pred, target, rows * C, grad, C, weights);
            return [grad];
          },
        );
        expect(check.scale).toBeGreaterThan(1e-3);
        expect(check.error).toBeLessThan(1e-6);
      }
    },
  );

  it('Dense(softmax) with categoricalCrossentropy: every weight gradient of an LSTM classifier matches finite differences', () => {
    const model = sequential([lstm({ units: 3 }), dense({ units: 4, activation: 'softmax' })], {
      inputShape: [5, 2],
      seed: 3,
      dtype: 'float64',
    });
    const rng = new Random(11);
    const x = { shape: [3, 5, 2], data: uniformArray(rng, 30, -1, 1, 'float64') };
    const y = [1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0];
    for (const loss of [categoricalCrossentropy(), sparseCategoricalCrossentropy()]) {
      const target = loss.sparse === true ? [0, 2, 1] : y;
      const value = (grad: Float64Array | null): number =>
        loss.compute(model.forward(x).data, target, 12, grad, 4, [1, 0.5, 2]);
      const [check] = gradientCheck(
        [{ name: 'params', value: model.params }],
        () => value(null),
        () => {
          const dOut = new Float64Array(12);
          value(dOut);
          model.zeroGrad();
          model.backward({ shape: [3, 4], data: dOut });
          return [Float64Array.from(model.grads)];
        },
      );
      expect(check.scale).toBeGreaterThan(1e-3);
      expect(check.error).toBeLessThan(1e-6);
    }
  });
});

describe('names and options', () => {
  it.each([
    ['binary_crossentropy', 'binaryCrossentropy'],
    ['binaryCrossentropy', 'binaryCrossentropy'],
    ['categorical_crossentropy', 'categoricalCrossentropy'],
    ['categoricalCrossentropy', 'categoricalCrossentropy'],
    ['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy'],
    ['sparseCategoricalCrossentropy', 'sparseCategoricalCrossentropy'],
  ] as const)('getLoss(%j) is %s without logits', (spec, name) => {
    const l = getLoss(spec);
    expect(l.name).toBe(name);
    expect(l.fromLogits).toBe(false);
  });

  it('the crossentropies refuse unknown options and bad values with one message each', () => {
    expect(() => binaryCrossentropy({ from_logits: true } as never)).toThrow(
      /binaryCrossentropy\(\): unknown option 'from_logits'; the options are 'fromLogits', 'labelSmoothing'/,
    );
    expect(() => categoricalCrossentropy({ labelSmoothing: 2 })).toThrow(
      /labelSmoothing must be a number in \[0, 1\] \(got 2\)/,
    );
    expect(() => sparseCategoricalCrossentropy({ fromLogits: 1 } as never)).toThrow(
      /fromLogits must be true or false \(got 1\)/,
    );
    expect(() => sparseCategoricalCrossentropy({ labelSmoothing: 0.1 } as never)).toThrow(
      /unknown option 'labelSmoothing'/,
    );
    expect(() => getLoss('crossentropy' as never)).toThrow(
      /unknown loss "crossentropy"; the losses are .*'sparseCategoricalCrossentropy'/,
    );
  });
});
