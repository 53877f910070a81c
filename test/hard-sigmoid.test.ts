/**
 * The two hard sigmoids (src/kernels/backend.ts): Keras 3's 'hardSigmoid', relu6(x + 3) / 6, and TF.js's
 * (Keras 2's) 'hardSigmoidTfjs', clip(0.2·x + 0.5, 0, 1). Values against the formulas written out here,
 * derivatives from the output against central differences (kinks avoided), every backend equal to the JS
 * arithmetic, and a TF.js-style model.json whose "hard_sigmoid" means TF.js's formula.
 */
import { describe, expect, it } from 'vitest';
import type { Activation } from '../src/index.js';
import {
  availableBackends,
  fromArtifacts,
  lstm,
  resolveBackend,
  Sequential,
  toArtifacts,
} from '../src/index.js';
import { activationFunction, jsBackend } from '../src/entries/kernels.js';

const KERAS3 = (x: number): number => Math.min(6, Math.max(0, x + 3)) / 6;
const TFJS = (x: number): number => Math.min(1, Math.max(0, 0.2 * x + 0.5));
const FORMULA: Readonly<Record<'hardSigmoid' | 'hardSigmoidTfjs', (x: number) => number>> = {
  hardSigmoid: KERAS3,
  hardSigmoidTfjs: TFJS,
};
const SLOPE = { hardSigmoid: 1 / 6, hardSigmoidTfjs: 0.2 };
const KINK = { hardSigmoid: 3, hardSigmoidTfjs: 2.5 };
const NAMES = ['hardSigmoid', 'hardSigmoidTfjs'] as const;

/** Points on both sides of both kinks, at both saturations and in between. */
const POINTS = [-7, -3.5, -3.01, -2.9, -2.51, -2.4, -1, -0.3, 0, 0.25, 1.7, 2.4, 2.6, 2.99, 3.2, 9];

describe('hard sigmoid values', () => {
  it("activate('hardSigmoid') is Keras 3's relu6(x + 3) / 6: 0 for x ≤ −3, 1 for x ≥ 3, x/6 + 0.5 between", () => {
    const x = Float64Array.from([-4, -3, -1.5, 0, 1.5, 3, 4]);
    jsBackend.activate('hardSigmoid', x, 0, x.length);
    expect(Array.from(x)).toEqual([0, 0, 0.25, 0.5, 0.75, 1, 1]);
  });

  it("activate('hardSigmoidTfjs') is TF.js's clip(0.2·x + 0.5, 0, 1): 0 for x ≤ −2.5, 1 for x ≥ 2.5", () => {
    const x = Float64Array.from([-4, -2.5, -1, 0, 1, 2.5, 4]);
    jsBackend.activate('hardSigmoidTfjs', x, 0, x.length);
    const expected = [0, 0, 0.3, 0.5, 0.7, 1, 1];
    for (let i = 0; i < x.length; i++) expect(x[i]).toBeCloseTo(expected[i], 15);
  });

  it.each(NAMES)('activate(%s) and activationFunction agree with the formula on every point', (act) => {
    const x = Float64Array.from(POINTS);
    jsBackend.activate(act, x, 0, x.length);
    const f = activationFunction(act);
    for (let i = 0; i < POINTS.length; i++) {
      expect(x[i]).toBeCloseTo(FORMULA[act](POINTS[i]), 15);
      expect(f(POINTS[i])).toBe(x[i]);
    }
  });

  it('the two definitions differ inside (−3, 3): 0.7 and 0.6667 at x = 1', () => {
    expect(TFJS(1)).toBeCloseTo(0.7, 15);
    expect(KERAS3(1)).toBeCloseTo(2 / 3, 15);
  });
});

describe('hard sigmoid derivatives, from the output', () => {
  it.each(NAMES)(
    'activateBackward(%s) matches central differences away from the kinks (slope inside, 0 when saturated)',
    (act) => {
      const y = Float64Array.from(POINTS);
      jsBackend.activate(act, y, 0, y.length);
      const dx = new Float64Array(POINTS.length).fill(1);
      jsBackend.activateBackward(act, y, 0, dx, 0, dx.length);
      const h = 1e-6;
      for (let i = 0; i < POINTS.length; i++) {
        expect(Math.abs(Math.abs(POINTS[i]) - KINK[act])).toBeGreaterThan(1e-3);
        const fd = (FORMULA[act](POINTS[i] + h) - FORMULA[act](POINTS[i] - h)) / (2 * h);
        expect(dx[i]).toBeCloseTo(fd, 8);
      }
    },
  );

  it.each(NAMES)(
    'activateBackward(%s) gives 0 at the kinks themselves, as TensorFlow’s relu6 gradient does',
    (act) => {
      const y = Float64Array.from([-KINK[act], KINK[act]]);
      jsBackend.activate(act, y, 0, 2);
      expect(Array.from(y)).toEqual([0, 1]);
      const dx = Float64Array.from([1, 1]);
      jsBackend.activateBackward(act, y, 0, dx, 0, 2);
      expect(Array.from(dx)).toEqual([0, 0]);
      const inside = Float64Array.from([0.5]);
      jsBackend.activateBackward(act, inside, 0, ((dx[0] = 3), dx), 0, 1);
      expect(dx[0]).toBeCloseTo(3 * SLOPE[act], 15);
    },
  );
});

describe('every backend computes the hard sigmoids as the JS arithmetic does', () => {
  const cases = availableBackends().flatMap((backend) => NAMES.map((act) => ({ backend, act })));
  it.each(cases)(
    'the $backend backend: activate and activateBackward($act) on float32 equal js',
    ({ backend, act }) => {
      const be = resolveBackend(backend, 'float32');
      const n = 37;
      const x = new Float32Array(n);
      for (let i = 0; i < n; i++) x[i] = -5 + (10 * i) / (n - 1) + 0.013;
      const ours = Float32Array.from(x);
      const ref = Float32Array.from(x);
      be.activate(act, ours, 3, n - 5);
      jsBackend.activate(act, ref, 3, n - 5);
      expect(Array.from(ours)).toEqual(Array.from(ref));
      const dOurs = new Float32Array(n).fill(0.75);
      const dRef = new Float32Array(n).fill(0.75);
      be.activateBackward(act, ours, 2, dOurs, 1, n - 4);
      jsBackend.activateBackward(act, ref, 2, dRef, 1, n - 4);
      expect(Array.from(dOurs)).toEqual(Array.from(dRef));
    },
  );
});

/** An LSTM step by hand, gate order i, f, g, o (Keras), for batch 1; weights as Keras lays them out. */
function lstmByHand(
  x: readonly number[], // [T] with I = 1
  kernel: ArrayLike<number>, // [1, 4U]
  recurrent: ArrayLike<number>, // [U, 4U]
  bias: ArrayLike<number>, // [4U]
  U: number,
  ract: (v: number) => number,
): number[] {
  let h = new Array<number>(U).fill(0);
  let c = new Array<number>(U).fill(0);
  for (const xt of x) {
    const z = Array.from({ length: 4 * U }, (_, j) => {
      let s = xt * kernel[j] + bias[j];
      for (let k = 0; k < U; k++) s += h[k] * recurrent[k * 4 * U + j];
      return s;
    });
    const nc = c.map((cu, u) => ract(z[U + u]) * cu + ract(z[u]) * Math.tanh(z[2 * U + u]));
    h = nc.map((cu, u) => ract(z[3 * U + u]) * Math.tanh(cu));
    c = nc;
  }
  return h;
}

describe("a model.json's hard_sigmoid is TF.js's", () => {
  it('fromArtifacts reads recurrent_activation "hard_sigmoid" as hardSigmoidTfjs and predicts what the TF.js formula gives by hand', () => {
    const U = 2;
    const made = new Sequential([lstm({ units: U, recurrentActivation: 'sigmoid' })], {
      inputShape: [4, 1],
      seed: 5,
    });
    // weights large enough that the two definitions give clearly different outputs
    for (const w of made.weights())
      for (let i = 0; i < w.data.length; i++) w.data[i] = 1.2 * Math.sin(3 * i + w.data.length);
    const { modelJson, weightData } = toArtifacts(made);
    const json = JSON.parse(JSON.stringify(modelJson)) as {
      modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
    };
    json.modelTopology.config.layers[0].config.recurrent_activation = 'hard_sigmoid';
    const model = fromArtifacts({ modelJson: json, weightData });
    expect(model.layers[0].getConfig().recurrentActivation).toBe<Activation>('hardSigmoidTfjs');
    const xs = [0.9, -1.3, 2.2, 0.4];
    const out = model.forward({ shape: [1, 4, 1], data: Float32Array.from(xs) }).data;
    const [kernel, recurrent, bias] = model.weights().map((w) => w.data);
    const expected = lstmByHand(xs, kernel, recurrent, bias, U, TFJS);
    for (let u = 0; u < U; u++) expect(out[u]).toBeCloseTo(expected[u], 6);
    const keras3 = lstmByHand(xs, kernel, recurrent, bias, U, KERAS3);
    expect(Math.abs(out[0] - keras3[0]) + Math.abs(out[1] - keras3[1])).toBeGreaterThan(1e-3);
    // and it is written back as "hard_sigmoid"
    const again = JSON.parse(JSON.stringify(toArtifacts(model).modelJson)) as typeof json;
    expect(again.modelTopology.config.layers[0].config.recurrent_activation).toBe('hard_sigmoid');
  });

  it("a Keras 3 activation object { class_name: 'function', config: 'hard_sigmoid' } means Keras 3's hard sigmoid", () => {
    const made = new Sequential([lstm({ units: 2 })], { inputShape: [3, 1], seed: 5 });
    const { modelJson, weightData } = toArtifacts(made);
    const json = JSON.parse(JSON.stringify(modelJson)) as {
      modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
    };
    json.modelTopology.config.layers[0].config.recurrent_activation = {
      module: 'keras.activations',
      class_name: 'function',
      config: 'hard_sigmoid',
      registered_name: null,
    };
    const model = fromArtifacts({ modelJson: json, weightData });
    expect(model.layers[0].getConfig().recurrentActivation).toBe<Activation>('hardSigmoid');
  });
});
