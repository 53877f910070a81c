/**
 * The layers real Keras files use: GlobalAveragePooling1D (mask-aware), SpatialDropout1D and
 * TimeDistributed(Dense). Forward against hand-written loops, float64 finite-difference gradients, the
 * equivalences (padded = unpadded through a mask, batch = B runs of batch 1, every backend), and both ways
 * through TF.js (which has all three).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../src/index.js';
import {
  availableBackends,
  dense,
  embedding,
  fromArtifacts,
  globalAveragePooling1D,
  gru,
  layerFromConfig,
  Random,
  sequential,
  spatialDropout1D,
  tensor,
  timeDistributed,
  toArtifacts,
} from '../src/index.js';
import { dot, gradientCheck, randomTensor, relativeError } from './helpers/gradcheck.js';

const TOLERANCE = 1e-6;

function fdCheck(
  model: ReturnType<typeof sequential>,
  x: Tensor,
  dout: Float64Array,
): { name: string; error: number; scale: number }[] {
  const xs = { name: 'x', value: x.data as Float64Array };
  const loss = (): number => dot(model.forward(x).data, dout);
  const analytic = (): Float64Array[] => {
    model.zeroGrad();
    const y = model.forward(x);
    const dx = model.backward({ shape: y.shape, data: dout });
    return [Float64Array.from(dx.data), ...model.gradients().map((g) => Float64Array.from(g.data))];
  };
  return gradientCheck(
    [xs, ...model.weights().map((w) => ({ name: w.name, value: w.data as Float64Array }))],
    loss,
    analytic,
  );
}

describe('GlobalAveragePooling1D', () => {
  it('globalAveragePooling1D() is the mean over time, [B, T, F] → [B, F] (keepdims: [B, 1, F])', () => {
    const rng = new Random(3);
    const x = randomTensor(rng, [2, 4, 3]);
    const m = sequential([globalAveragePooling1D()], { inputShape: [4, 3], dtype: 'float64' });
    const y = m.forward(x);
    expect(y.shape).toEqual([2, 3]);
    for (let b = 0; b < 2; b++)
      for (let f = 0; f < 3; f++) {
        let s = 0;
        for (let t = 0; t < 4; t++) s += x.data[(b * 4 + t) * 3 + f];
        expect(y.data[b * 3 + f]).toBeCloseTo(s / 4, 14);
      }
    const k = sequential([globalAveragePooling1D({ keepdims: true })], {
      inputShape: [4, 3],
      dtype: 'float64',
    });
    expect(k.outputShape).toEqual([1, 3]);
    expect(Array.from(k.forward(x).data)).toEqual(Array.from(y.data));
  });

  it('with a mask it averages the real steps only: a padded sequence gives what it gives alone', () => {
    const make = () =>
      sequential([embedding({ inputDim: 9, outputDim: 3, maskZero: true }), globalAveragePooling1D()], {
        inputShape: [null],
        seed: 4,
        dtype: 'float64',
      });
    const padded = make();
    const alone = make();
    const ids = [3, 5, 8, 0, 0, 2, 0, 0, 0, 0];
    // outputs are views of the layer's buffers: copied before the next call
    const yp = Float64Array.from(padded.forward(tensor(Float64Array.from(ids), [2, 5])).data);
    const y0 = Float64Array.from(alone.forward(tensor(Float64Array.from([3, 5, 8]), [1, 3])).data);
    const y1 = Float64Array.from(alone.forward(tensor(Float64Array.from([2]), [1, 1])).data);
    for (let f = 0; f < 3; f++) {
      expect(yp[f]).toBeCloseTo(y0[f], 14);
      expect(yp[3 + f]).toBeCloseTo(y1[f], 14);
    }
    expect(() => padded.forward(tensor(Float64Array.from([0, 0, 1, 1]), [2, 2]))).toThrow(
      /every step of sample 0 is masked/,
    );
  });

  it('backward matches float64 finite differences, with and without a mask', () => {
    const rng = new Random(11);
    const plain = sequential([globalAveragePooling1D(), dense({ units: 2, activation: 'tanh' })], {
      inputShape: [5, 3],
      seed: 1,
      dtype: 'float64',
    });
    const x = randomTensor(rng, [3, 5, 3]);
    const dout = Float64Array.from({ length: 6 }, () => rng.uniformRange(-1, 1));
    for (const r of fdCheck(plain, x, dout)) expect(r.error, r.name).toBeLessThan(TOLERANCE);
    // masked: embeddings → pooling; the input (indices) has no gradient, the embeddings do
    const masked = sequential(
      [
        embedding({ inputDim: 6, outputDim: 2, maskZero: true }),
        globalAveragePooling1D(),
        dense({ units: 2 }),
      ],
      { inputShape: [4], seed: 2, dtype: 'float64' },
    );
    const ids = tensor(Float64Array.from([1, 2, 0, 0, 3, 4, 5, 0]), [2, 4]);
    const d2 = Float64Array.from({ length: 4 }, () => rng.uniformRange(-1, 1));
    const results = gradientCheck(
      masked.weights().map((w) => ({ name: w.name, value: w.data as Float64Array })),
      () => dot(masked.forward(ids).data, d2),
      () => {
        masked.zeroGrad();
        masked.forward(ids);
        masked.backward({ shape: [2, 2], data: d2 });
        return masked.gradients().map((g) => Float64Array.from(g.data));
      },
    );
    for (const r of results) expect(r.error, r.name).toBeLessThan(TOLERANCE);
    // the padding row (index 0) gets no gradient: masked steps add nothing
    const dE = masked.gradients()[0].data;
    expect(Array.from(dE.subarray(0, 2))).toEqual([0, 0]);
  });

  it("refuses Keras's channels_first and input that is not a sequence", () => {
    const json = JSON.parse(
      JSON.stringify(toArtifacts(sequential([globalAveragePooling1D()], { inputShape: [4, 2] })).modelJson),
    ) as {
      modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
    };
    expect(json.modelTopology.config.layers[0].config.data_format).toBe('channels_last');
    json.modelTopology.config.layers[0].config.data_format = 'channels_first';
    expect(() => fromArtifacts({ modelJson: json, weightData: new ArrayBuffer(0) })).toThrow(
      /has data_format "channels_first"; seqcast reads sequences as \[batch, timesteps, features\]/,
    );
    expect(() =>
      layerFromConfig('GlobalAveragePooling1D', { keepdims: 'yes' } as unknown as Record<string, unknown>),
    ).toThrow(/keepdims must be true or false/);
    expect(() => sequential([globalAveragePooling1D()], { inputShape: [3] })).toThrow(
      /expects input \[batch, timesteps, features\]/,
    );
  });
});

describe('SpatialDropout1D', () => {
  it('is the identity at inference; in training drops whole channels: one value per (sample, feature) at every step', () => {
    const m = sequential([spatialDropout1D({ rate: 0.5, seed: 7 })], {
      inputShape: [6, 40],
      dtype: 'float64',
    });
    const x = tensor(
      Float64Array.from({ length: 4 * 6 * 40 }, (_, i) => 1 + (i % 13)),
      [4, 6, 40],
    );
    expect(m.forward(x, false).data).toBe(x.data);
    const y = m.forward(x, true).data;
    let dropped = 0;
    for (let b = 0; b < 4; b++)
      for (let f = 0; f < 40; f++) {
        const ratios = Array.from(
          { length: 6 },
          (_, t) => y[(b * 6 + t) * 40 + f] / x.data[(b * 6 + t) * 40 + f],
        );
        expect(new Set(ratios).size, `sample ${b} feature ${f}`).toBe(1);
        expect([0, 2]).toContain(ratios[0]);
        if (ratios[0] === 0) dropped++;
      }
    expect(dropped / 160).toBeGreaterThan(0.35);
    expect(dropped / 160).toBeLessThan(0.65);
  });

  it('backward is dy ⊙ mask for the mask of the forward pass (finite differences with that mask fixed)', () => {
    const m = sequential([spatialDropout1D({ rate: 0.4, seed: 3 })], {
      inputShape: [3, 5],
      dtype: 'float64',
    });
    const rng = new Random(5);
    const x = randomTensor(rng, [2, 3, 5]);
    const y = Float64Array.from(m.forward(x, true).data);
    const mask = Float64Array.from(y, (v, i) => v / x.data[i]);
    const dout = Float64Array.from({ length: 30 }, () => rng.uniformRange(-1, 1));
    const dx = m.backward({ shape: [2, 3, 5], data: dout }).data;
    // L(x) = Σ (x ⊙ mask) · dout, differentiated numerically
    const fd = Float64Array.from(x.data, (_, i) => {
      const up = Float64Array.from(x.data);
      const down = Float64Array.from(x.data);
      up[i] += 1e-6;
      down[i] -= 1e-6;
      const l = (v: Float64Array): number => v.reduce((s, xi, j) => s + xi * mask[j] * dout[j], 0);
      return (l(up) - l(down)) / 2e-6;
    });
    expect(relativeError(dx, fd)).toBeLessThan(TOLERANCE);
  });

  it('passes the mask on and refuses a noise_shape other than null', () => {
    const m = sequential(
      [
        embedding({ inputDim: 5, outputDim: 2, maskZero: true }),
        spatialDropout1D({ rate: 0.2 }),
        gru({ units: 2, resetAfter: true }),
      ],
      { inputShape: [null], seed: 1, dtype: 'float64' },
    );
    const padded = Float64Array.from(m.forward(tensor(Float64Array.from([1, 2, 0, 0]), [1, 4])).data);
    const alone = m.forward(tensor(Float64Array.from([1, 2]), [1, 2])).data;
    expect(Array.from(padded)).toEqual(Array.from(alone));
    const model = sequential([spatialDropout1D({ rate: 0.2 })], { inputShape: [3, 2] });
    const json = JSON.parse(JSON.stringify(toArtifacts(model).modelJson)) as {
      modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
    };
    json.modelTopology.config.layers[0].config.noise_shape = [null, 3, 1];
    expect(() => fromArtifacts({ modelJson: json, weightData: new ArrayBuffer(0) })).toThrow(
      /has noise_shape \[null,3,1\]; SpatialDropout1D always drops whole channels/,
    );
  });
});

describe('TimeDistributed(Dense)', () => {
  it('is the Dense applied at every step, and its gradients match float64 finite differences', () => {
    const rng = new Random(9);
    const td = sequential([timeDistributed(dense({ units: 3, activation: 'tanh' }))], {
      inputShape: [4, 2],
      seed: 5,
      dtype: 'float64',
    });
    const plain = sequential([dense({ units: 3, activation: 'tanh' })], {
      inputShape: [4, 2],
      seed: 5,
      dtype: 'float64',
    });
    expect(td.weights().map((w) => w.name)).toEqual(['time_distributed/kernel', 'time_distributed/bias']);
    plain.setWeights(
      td.getWeights().map((w) => ({ ...w, name: w.name.replace('time_distributed', 'dense') })),
    );
    const x = randomTensor(rng, [2, 4, 2]);
    expect(Array.from(td.forward(x).data)).toEqual(Array.from(plain.forward(x).data));
    const dout = Float64Array.from({ length: 24 }, () => rng.uniformRange(-1, 1));
    for (const r of fdCheck(td, x, dout)) expect(r.error, r.name).toBeLessThan(TOLERANCE);
  });

  it('batch = B runs of batch 1, on every backend within float32 tolerance', () => {
    const rng = new Random(2);
    const x = randomTensor(rng, [3, 5, 4], 'float32');
    const outs = availableBackends().map((backend) => {
      const m = sequential([timeDistributed(dense({ units: 6 })), globalAveragePooling1D()], {
        inputShape: [5, 4],
        seed: 8,
        backend,
      });
      const all = Float32Array.from(m.forward(x).data);
      for (let b = 0; b < 3; b++) {
        const one = m.forward(tensor(x.data.slice(b * 20, (b + 1) * 20), [1, 5, 4])).data;
        for (let j = 0; j < 6; j++) expect(Math.abs(one[j] - all[b * 6 + j])).toBeLessThan(1e-6);
      }
      return all;
    });
    for (const o of outs) expect(relativeError(o, outs[0])).toBeLessThan(1e-5);
  });

  it('refuses input that is not a sequence and a wrapped layer that is not a Dense', () => {
    expect(() => sequential([timeDistributed(dense({ units: 2 }))], { inputShape: [3] })).toThrow(
      /TimeDistributed\) expects input \[batch, timesteps, features\]/,
    );
    expect(() =>
      layerFromConfig('TimeDistributed', {
        layer: { className: 'GRU', config: { units: 2, resetAfter: true } },
      }),
    ).toThrow(/wraps a "GRU"; seqcast's TimeDistributed wraps 'Dense' only/);
  });
});

describe('the three layers and TF.js', () => {
  it('a seqcast model with them loads in TF.js and predicts the same', async () => {
    tf.enableProdMode();
    const model = sequential(
      [
        spatialDropout1D({ rate: 0.3 }),
        timeDistributed(dense({ units: 4, activation: 'relu' })),
        globalAveragePooling1D(),
        dense({ units: 2 }),
      ],
      { inputShape: [5, 3], seed: 12 },
    );
    const { modelJson, weightData } = toArtifacts(model);
    const theirs = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology as tf.io.ModelArtifacts['modelTopology'],
        weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
        weightData,
      }),
    );
    const x = randomTensor(new Random(1), [2, 5, 3], 'float32');
    const expected = (theirs.predict(tf.tensor(Array.from(x.data), [2, 5, 3])) as tf.Tensor).dataSync();
    expect(relativeError(model.forward(x).data, expected)).toBeLessThan(1e-5);
    theirs.dispose();
    // and back: what seqcast wrote reads as the same model
    const back = fromArtifacts({ modelJson, weightData });
    expect(back.layers.map((l) => l.className)).toEqual(model.layers.map((l) => l.className));
    expect(Array.from(back.forward(x).data)).toEqual(Array.from(model.forward(x).data));
  });

  it('a TF.js model with them loads in seqcast and predicts the same', async () => {
    const theirs = tf.sequential();
    theirs.add(tf.layers.spatialDropout1d({ rate: 0.2, inputShape: [6, 2] }));
    theirs.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 3, activation: 'tanh' }) }));
    theirs.add(tf.layers.globalAveragePooling1d({}));
    theirs.setWeights(
      theirs.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.6, 0.6, 'float32', 40 + i)),
    );
    let artifacts: tf.io.ModelArtifacts | null = null;
    await theirs.save(
      tf.io.withSaveHandler(async (a) => {
        artifacts = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const a = artifacts! as tf.io.ModelArtifacts;
    const ours = fromArtifacts({
      modelJson: {
        format: a.format,
        generatedBy: a.generatedBy,
        convertedBy: a.convertedBy,
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['w.bin'], weights: a.weightSpecs }],
      },
      weightData: tf.io.concatenateArrayBuffers(a.weightData as ArrayBuffer | ArrayBuffer[]),
    });
    const x = randomTensor(new Random(6), [3, 6, 2], 'float32');
    const expected = (theirs.predict(tf.tensor(Array.from(x.data), [3, 6, 2])) as tf.Tensor).dataSync();
    expect(relativeError(ours.forward(x).data, expected)).toBeLessThan(1e-5);
    theirs.dispose();
  });
});
