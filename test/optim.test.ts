import { describe, expect, it } from 'vitest';
import type { Optimizer } from '../src/index.js';
import { adam, exponentialDecay, getLoss, huber, rmsprop, sgd, SeqcastError } from '../src/index.js';
import { clipGradients } from '../src/optim/clip.js';

/** Runs `steps` updates of an optimiser on one parameter vector with fixed gradients per step. */
function run(opt: Optimizer, w0: number[], grads: number[][]): number[] {
  const w = Float64Array.from(w0);
  for (const g of grads) opt.applyGradients(w, Float64Array.from(g), [{ offset: 0, length: w.length }]);
  return Array.from(w);
}

const G = [
  [0.5, -1.0, 2.0],
  [0.1, 0.3, -0.7],
  [-0.4, 0.2, 0.9],
];

describe('optimisers follow Keras 3 update rules', () => {
  it('sgd() without momentum is w − lr·g', () => {
    expect(run(sgd({ learningRate: 0.1 }), [1, 2, 3], [G[0]])).toEqual([1 - 0.05, 2 + 0.1, 3 - 0.2]);
  });

  it('sgd({ momentum }) and sgd({ momentum, nesterov }) match the velocity recursion written out', () => {
    const lr = 0.1;
    const mu = 0.9;
    const expected = (nesterov: boolean): number[] => {
      const w = [1, 2, 3];
      const v = [0, 0, 0];
      for (const g of G) {
        for (let i = 0; i < 3; i++) {
          v[i] = mu * v[i] - lr * g[i];
          w[i] += nesterov ? mu * v[i] - lr * g[i] : v[i];
        }
      }
      return w;
    };
    run(sgd({ learningRate: lr, momentum: mu }), [1, 2, 3], G).forEach((x, i) =>
      expect(x).toBeCloseTo(expected(false)[i], 14),
    );
    run(sgd({ learningRate: lr, momentum: mu, nesterov: true }), [1, 2, 3], G).forEach((x, i) =>
      expect(x).toBeCloseTo(expected(true)[i], 14),
    );
  });

  it('adam() puts epsilon outside the bias correction: w − lr·√(1−β2^t)/(1−β1^t) · m/(√v + ε)', () => {
    const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-7];
    const w = [1, 2, 3];
    const m = [0, 0, 0];
    const v = [0, 0, 0];
    G.forEach((g, k) => {
      const t = k + 1;
      const alpha = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      for (let i = 0; i < 3; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        w[i] -= (alpha * m[i]) / (Math.sqrt(v[i]) + eps);
      }
    });
    run(adam({ learningRate: lr }), [1, 2, 3], G).forEach((x, i) => expect(x).toBeCloseTo(w[i], 14));
  });

  it('rmsprop() plain, centered and with momentum match the Keras recursion written out', () => {
    const [lr, rho, eps] = [0.01, 0.9, 1e-7];
    for (const [centered, mom] of [
      [false, 0],
      [true, 0],
      [false, 0.5],
      [true, 0.5],
    ] as const) {
      const w = [1, 2, 3];
      const v = [0, 0, 0];
      const a = [0, 0, 0];
      const m = [0, 0, 0];
      for (const g of G) {
        for (let i = 0; i < 3; i++) {
          v[i] = rho * v[i] + (1 - rho) * g[i] ** 2;
          let den = v[i] + eps;
          if (centered) {
            a[i] = rho * a[i] + (1 - rho) * g[i];
            den = v[i] - a[i] ** 2 + eps;
          }
          const inc = (lr * g[i]) / Math.sqrt(den);
          if (mom > 0) {
            m[i] = mom * m[i] + inc;
            w[i] -= m[i];
          } else w[i] -= inc;
        }
      }
      run(rmsprop({ learningRate: lr, centered, momentum: mom }), [1, 2, 3], G).forEach((x, i) =>
        expect(x, `centered ${centered} momentum ${mom}`).toBeCloseTo(w[i], 14),
      );
    }
  });

  it('adam({ learningRate: exponentialDecay(...) }) uses lr(step) with step = updates made so far', () => {
    const schedule = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5 });
    expect(schedule.at(0)).toBe(0.1);
    expect(schedule.at(1)).toBeCloseTo(0.1 * Math.SQRT1_2, 15);
    expect(
      exponentialDecay({ initialLearningRate: 0.1, decaySteps: 2, decayRate: 0.5, staircase: true }).at(3),
    ).toBe(0.05);
    const opt = sgd({ learningRate: schedule });
    run(opt, [0], [[1], [1]]);
    expect(opt.iterations).toBe(2);
    expect(opt.currentLearningRate()).toBe(0.05);
  });

  it('optimisers reject two clip options at once, unknown options and non-positive rates', () => {
    expect(() => adam({ clipnorm: 1, clipvalue: 1 })).toThrow(
      /at most one of clipnorm, globalClipnorm and clipvalue/,
    );
    expect(() => adam({ amsgrad: true } as never)).toThrow(SeqcastError);
    expect(() => sgd({ learningRate: 0 })).toThrow(/learningRate must be a finite number > 0 \(got 0\)/);
  });
});

describe('clipGradients(grads, segments, option)', () => {
  const segs = [
    { offset: 0, length: 2 },
    { offset: 2, length: 1 },
  ];

  it('clipnorm scales each tensor whose norm exceeds c down to c, separately', () => {
    const g = Float64Array.of(3, 4, 0.5); // norms 5 and 0.5
    const r = clipGradients(g, segs, { clipnorm: 1 });
    expect(Array.from(g)).toEqual([0.6000000000000001, 0.8, 0.5]);
    expect(r.engaged).toBe(true);
    expect(r.normBefore).toBeCloseTo(Math.sqrt(25.25), 14);
  });

  it('globalClipnorm scales all tensors by c / global norm', () => {
    const g = Float64Array.of(3, 4, 12); // global norm 13
    clipGradients(g, segs, { globalClipnorm: 1 });
    [3 / 13, 4 / 13, 12 / 13].forEach((v, i) => expect(g[i]).toBeCloseTo(v, 15));
  });

  it('clipvalue clamps elementwise and reports whether it engaged', () => {
    const g = Float64Array.of(-2, 0.3, 5);
    expect(clipGradients(g, segs, { clipvalue: 0.5 }).engaged).toBe(true);
    expect(Array.from(g)).toEqual([-0.5, 0.3, 0.5]);
    expect(clipGradients(Float64Array.of(0.1), [{ offset: 0, length: 1 }], { clipvalue: 0.5 }).engaged).toBe(
      false,
    );
  });
});

describe('losses average as Keras does and give exact gradients', () => {
  const pred = [0.5, -1.2, 3.0, 0.1];
  const target = [0.4, 0.3, 0.2, 0.1];

  it('meanSquaredError, meanAbsoluteError and huber(δ) compute the mean elementwise loss', () => {
    expect(getLoss('mse').compute(pred, target, 4, null)).toBeCloseTo((0.01 + 2.25 + 7.84 + 0) / 4, 14);
    expect(getLoss('mae').compute(pred, target, 4, null)).toBeCloseTo((0.1 + 1.5 + 2.8 + 0) / 4, 14);
    // δ = 1: 0.5·0.01, 1·(1.5 − 0.5), 1·(2.8 − 0.5), 0
    expect(huber(1).compute(pred, target, 4, null)).toBeCloseTo((0.005 + 1 + 2.3 + 0) / 4, 14);
  });

  it('each loss gradient matches central differences', () => {
    for (const loss of [getLoss('meanSquaredError'), getLoss('meanAbsoluteError'), huber(0.7)]) {
      const grad = new Float64Array(4);
      loss.compute(pred, target, 4, grad);
      for (let i = 0; i < 3; i++) {
        const h = 1e-6;
        const up = pred.slice();
        const dn = pred.slice();
        up[i] += h;
        dn[i] -= h;
        const fd = (loss.compute(up, target, 4, null) - loss.compute(dn, target, 4, null)) / (2 * h);
        expect(grad[i], `${loss.name}[${i}]`).toBeCloseTo(fd, 8);
      }
    }
  });

  it('getLoss() rejects an unknown name and lists the known ones', () => {
    expect(() => getLoss('crossentropy' as never)).toThrow(/unknown loss "crossentropy"; the losses are/);
  });
});
