/**
 * Dense's 'softmax' activation (Keras `activations.softmax` over the last axis; stable as
 * keras/src/backend/numpy/nn.py writes it, exp(z − max z) / Σ exp(z − max z)): forward on 2-D and 3-D
 * outputs, float32 and float64, exact backward, serialised in every format, refused where it makes no sense.
 */
import { describe, expect, it } from 'vitest';
import {
  Random,
  Sequential,
  bidirectional,
  dense,
  fromArtifacts,
  gru,
  lstm,
  sequential,
  simpleRNN,
  toArtifacts,
} from '../src/index.js';
import { jsBackend } from '../src/entries/kernels.js';
import { DENSE_LAYER } from '../src/layers/dense.js';
import { layerToKeras } from '../src/model/topology.js';
import { dot, gradientCheck, uniformArray } from './helpers/gradcheck.js';

function softmaxRef(z: readonly number[]): number[] {
  const m = Math.max(...z);
  const e = z.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

describe("dense({ activation: 'softmax' })", () => {
  it.each(['float32', 'float64'] as const)(
    'dense(softmax) in %s gives the softmax of x·W + b on each row, rows summing to 1',
    (dtype) => {
      const model = sequential([dense({ units: 4, activation: 'softmax' })], {
        inputShape: [3],
        seed: 2,
        dtype,
      });
      const linear = sequential([dense({ units: 4 })], { inputShape: [3], seed: 2, dtype });
      const rng = new Random(5);
      const x = { shape: [6, 3], data: uniformArray(rng, 18, -2, 2, dtype) };
      const y = Array.from(model.forward(x).data);
      const z = Array.from(linear.forward(x).data);
      const tol = dtype === 'float64' ? 1e-15 : 1e-7;
      for (let r = 0; r < 6; r++) {
        const ref = softmaxRef(z.slice(r * 4, r * 4 + 4));
        ref.forEach((v, j) => expect(Math.abs(y[r * 4 + j] - v)).toBeLessThan(tol));
        expect(Math.abs(y.slice(r * 4, r * 4 + 4).reduce((a, b) => a + b, 0) - 1)).toBeLessThan(4 * tol);
      }
    },
  );

  it('dense(softmax) is stable for logits of ±1000 (the row maximum is subtracted first)', () => {
    const model = sequential([dense({ units: 3, activation: 'softmax', useBias: false })], {
      inputShape: [1],
      seed: 1,
      dtype: 'float64',
    });
    model.setWeight('dense/kernel', [1, 3], [1000, 999, -1000]);
    const y = Array.from(model.forward({ shape: [1, 1], data: new Float64Array([1]) }).data);
    expect(y.every(Number.isFinite)).toBe(true);
    const ref = softmaxRef([1000, 999, -1000]);
    y.forEach((v, j) => expect(v).toBeCloseTo(ref[j], 15));
  });

  it('dense(softmax) on sequences normalises each time step over the last axis', () => {
    const model = sequential(
      [lstm({ units: 3, returnSequences: true }), dense({ units: 5, activation: 'softmax' })],
      {
        inputShape: [4, 2],
        seed: 3,
      },
    );
    const out = model.forward({ shape: [2, 4, 2], data: uniformArray(new Random(1), 16, -1, 1, 'float32') });
    expect(out.shape).toEqual([2, 4, 5]);
    for (let r = 0; r < 8; r++) {
      let s = 0;
      for (let j = 0; j < 5; j++) s += out.data[r * 5 + j];
      expect(Math.abs(s - 1)).toBeLessThan(1e-6);
    }
  });

  it('dense(softmax) backward matches float64 finite differences of L = Σ out ⊙ dout (weights and input)', () => {
    const model = sequential([dense({ units: 4, activation: 'softmax' })], {
      inputShape: [3, 2],
      seed: 4,
      dtype: 'float64',
    });
    const rng = new Random(9);
    const x = { shape: [2, 3, 2], data: uniformArray(rng, 12, -1.5, 1.5, 'float64') };
    const dout = uniformArray(rng, 24, -1, 1, 'float64');
    const checks = gradientCheck(
      [
        { name: 'params', value: model.params },
        { name: 'x', value: x.data },
      ],
      () => dot(model.forward(x).data, dout),
      () => {
        model.forward(x);
        model.zeroGrad();
        const dx = model.backward({ shape: [2, 3, 4], data: dout });
        return [Float64Array.from(model.grads), Float64Array.from(dx.data)];
      },
    );
    for (const c of checks) {
      expect(c.scale).toBeGreaterThan(1e-3);
      expect(c.error).toBeLessThan(1e-7);
    }
  });

  it("dense(softmax) is written as Keras's activation 'softmax' and read back from Keras and TF.js configs", () => {
    const layer = dense({ units: 3, activation: 'softmax' });
    layer.build([4], { dtype: 'float32', backend: jsBackend });
    const { config } = layerToKeras(layer, [null, 4]);
    expect(config.activation).toBe('softmax');
    const back = DENSE_LAYER.fromKeras(config, 'here', () => {
      throw new Error('no nested layers');
    });
    expect(back.getConfig()).toEqual(layer.getConfig());
    // Keras 3 may write an activation as a serialised function
    const fn = DENSE_LAYER.fromKeras(
      { ...config, activation: { class_name: 'function', config: 'softmax' } },
      'here',
      () => {
        throw new Error('no nested layers');
      },
    );
    expect((fn as typeof layer).activation).toBe('softmax');
  });

  it('fromArtifacts(toArtifacts(model)) keeps a softmax head and its predictions exactly', () => {
    const model = new Sequential([lstm({ units: 3 }), dense({ units: 4, activation: 'softmax' })], {
      inputShape: [5, 2],
      seed: 8,
    });
    const a = toArtifacts(model);
    const back = fromArtifacts({
      modelJson: JSON.parse(JSON.stringify(a.modelJson)),
      weightData: a.weightData,
    });
    const x = { shape: [3, 5, 2], data: uniformArray(new Random(2), 30, -1, 1, 'float32') };
    expect(Array.from(back.forward(x).data)).toEqual(Array.from(model.forward(x).data));
  });

  it("recurrent layers refuse 'softmax' as activation or recurrentActivation, saying it is Dense's", () => {
    expect(() => lstm({ units: 2, activation: 'softmax' as never })).toThrow(
      /LSTM: activation cannot be 'softmax'.*use it as Dense's activation/,
    );
    expect(() => gru({ units: 2, recurrentActivation: 'softmax' as never })).toThrow(
      /GRU: recurrentActivation cannot be 'softmax'/,
    );
    expect(() => bidirectional(simpleRNN({ units: 2, activation: 'softmax' as never }))).toThrow(
      /SimpleRNN: activation cannot be 'softmax'/,
    );
    expect(() => dense({ units: 2, activation: 'softmax2' as never })).toThrow(
      /Dense: activation must be one of .*'softmax' \(got "softmax2"\)/,
    );
  });

  it("a Keras LSTM config with activation 'softmax' is refused with the reason", () => {
    const model = new Sequential([lstm({ units: 2 })], { inputShape: [3, 1], seed: 1 });
    const a = toArtifacts(model);
    const json = JSON.parse(JSON.stringify(a.modelJson));
    json.modelTopology.config.layers[0].config.activation = 'softmax';
    expect(() => fromArtifacts({ modelJson: json, weightData: a.weightData })).toThrow(
      /has activation "softmax".*only a Dense activation in seqcast/,
    );
  });
});
