/**
 * Embedding (src/layers/embedding.ts) with Keras's semantics: rows of `embeddings` [inputDim, outputDim]
 * looked up by integer indices, a scatter-add backward checked against float64 central differences, the
 * errors for indices that are not indices and for maskZero, training, and the model.json round trip in
 * both directions with TF.js.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  adam,
  bidirectional,
  dense,
  embedding,
  fromArtifacts,
  lstm,
  padSequences,
  Random,
  sequential,
  tensor,
  toArtifacts,
} from '../src/index.js';
import { loadModel, saveModel } from '../src/node.js';
import { modelWeightCheck, randomTensor, uniformArray } from './helpers/gradcheck.js';

let root = '';
beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'seqcast-embedding-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function indices(rows: readonly (readonly number[])[], dtype: 'float32' | 'float64' = 'float32') {
  const data = dtype === 'float64' ? Float64Array.from(rows.flat()) : Float32Array.from(rows.flat());
  return { shape: [rows.length, rows[0].length], data };
}

describe('embedding forward', () => {
  it('embedding({ inputDim, outputDim }) maps [B, T] indices to the rows of embedding/embeddings, [B, T, outputDim]', () => {
    const model = sequential([embedding({ inputDim: 4, outputDim: 3 })], { inputShape: [null], seed: 1 });
    const [w] = model.weights();
    expect(w.name).toBe('embedding/embeddings');
    expect(w.shape).toEqual([4, 3]);
    w.data.set(Float32Array.from({ length: 12 }, (_, i) => i / 10));
    const y = model.forward(
      indices([
        [3, 0, 3],
        [1, 2, 0],
      ]),
    );
    expect(y.shape).toEqual([2, 3, 3]);
    const row = (k: number) => [0, 1, 2].map((d) => (k * 3 + d) / 10);
    const expected = [3, 0, 3, 1, 2, 0].flatMap(row);
    for (let i = 0; i < expected.length; i++) expect(y.data[i]).toBeCloseTo(expected[i], 6);
    // any length, and a fixed inputShape
    expect(model.forward(indices([[1]])).shape).toEqual([1, 1, 3]);
    const fixed = sequential([embedding({ inputDim: 4, outputDim: 2 })], { inputShape: [5], seed: 1 });
    expect(fixed.forward(indices([[0, 1, 2, 3, 0]])).shape).toEqual([1, 5, 2]);
  });

  it("embedding's default initializer is Keras's 'uniform', RandomUniform(-0.05, 0.05)", () => {
    const model = sequential([embedding({ inputDim: 50, outputDim: 40 })], { inputShape: [null], seed: 3 });
    const e = model.weights()[0].data;
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of e) {
      min = Math.min(min, v);
      max = Math.max(max, v);
      sum += v;
    }
    expect(min).toBeGreaterThanOrEqual(-0.05);
    expect(max).toBeLessThan(0.05);
    expect(min).toBeLessThan(-0.049);
    expect(max).toBeGreaterThan(0.049);
    expect(Math.abs(sum / e.length)).toBeLessThan(0.003);
    expect(model.layers[0].getConfig().embeddingsInitializer).toBe('uniform');
  });

  it('embedding forward names the sample and step of a value that is not an index in [0, inputDim)', () => {
    const model = sequential([embedding({ inputDim: 4, outputDim: 2 })], { inputShape: [3], seed: 1 });
    expect(() =>
      model.forward(
        indices([
          [0, 1, 2],
          [3, 1.5, 0],
        ]),
      ),
    ).toThrow(
      /layer 'embedding' \(Embedding\): sample 1 step 1 holds 1\.5, but an index must be an integer in \[0, 4\)/,
    );
    expect(() => model.forward(indices([[0, 4, 2]]))).toThrow(/sample 0 step 1 holds 4, but an index/);
    expect(() => model.forward(indices([[0, 1, -1]]))).toThrow(/sample 0 step 2 holds -1/);
    expect(() => model.forward(indices([[0, NaN, 1]]))).toThrow(/holds NaN/);
  });

  it('embedding refuses an input that is not [batch, timesteps], and an inputLength the input contradicts', () => {
    expect(() => sequential([embedding({ inputDim: 4, outputDim: 2 })], { inputShape: [3, 2] })).toThrow(
      /layer 'embedding' \(Embedding\) expects input \[batch, timesteps\] of integer indices but received \[None, 3, 2\]/,
    );
    expect(() =>
      sequential([embedding({ inputDim: 4, outputDim: 2, inputLength: 5 })], { inputShape: [3] }),
    ).toThrow(/with timesteps = inputLength 5 but received \[None, 3\]/);
    const m = sequential([embedding({ inputDim: 4, outputDim: 2, inputLength: 3 })], { inputShape: [null] });
    expect(m.forward(indices([[1, 2, 3]])).shape).toEqual([1, 3, 2]);
  });

  it('embedding() checks its options by name', () => {
    expect(() => embedding({ inputDim: 0, outputDim: 2 })).toThrow(
      /Embedding: inputDim must be an integer ≥ 1 \(got 0\)/,
    );
    expect(() => embedding({ inputDim: 3 } as never)).toThrow(/Embedding: outputDim must be an integer ≥ 1/);
    expect(() => embedding({ inputDim: 3, outputDim: 2, embeddingsInitializer: 'normal' as never })).toThrow(
      /embeddingsInitializer must be one of 'uniform', 'glorotUniform', 'zeros'/,
    );
    expect(() => embedding({ inputDim: 3, outputDim: 2, inputDims: 4 } as never)).toThrow(
      /Embedding: unknown option 'inputDims'/,
    );
  });
});

describe('maskZero: index 0 is padding that the layers after it skip', () => {
  const stack = () => [
    embedding({ inputDim: 6, outputDim: 3, maskZero: true }),
    bidirectional(lstm({ units: 3 })),
  ];
  it('a pre- or post-padded sentence gives what it gives alone, unpadded (the issue: 0.951 vs 0.924)', () => {
    const padded = sequential(stack(), { inputShape: [6], seed: 3 });
    const alone = sequential(stack(), { inputShape: [3], seed: 9 });
    alone.setWeights(padded.getWeights());
    const words = [4, 1, 5];
    const ref = Array.from(alone.forward(tensor(Float32Array.from(words), [1, 3])).data);
    for (const row of [
      [0, 0, 0, ...words],
      [...words, 0, 0, 0],
    ]) {
      const out = Array.from(padded.forward(tensor(Float32Array.from(row), [1, 6])).data);
      out.forEach((v, i) => expect(Math.abs(v - ref[i])).toBeLessThan(1e-6));
    }
    // without maskZero the padding counts
    const counted = sequential(
      [embedding({ inputDim: 6, outputDim: 3 }), bidirectional(lstm({ units: 3 }))],
      {
        inputShape: [6],
        seed: 3,
      },
    );
    counted.setWeights(padded.getWeights());
    const out = Array.from(counted.forward(tensor(Float32Array.from([0, 0, 0, ...words]), [1, 6])).data);
    expect(out.some((v, i) => Math.abs(v - ref[i]) > 1e-4)).toBe(true);
  });

  it('round-trips as mask_zero through model.json and is checked as a boolean', () => {
    const model = sequential(stack(), { inputShape: [6], seed: 1 });
    const artifacts = toArtifacts(model);
    const json = artifacts.modelJson as unknown as {
      modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
    };
    expect(json.modelTopology.config.layers[0].config.mask_zero).toBe(true);
    expect(fromArtifacts(artifacts).layers[0].getConfig().maskZero).toBe(true);
    expect(() => embedding({ inputDim: 3, outputDim: 2, maskZero: 1 as never })).toThrow(/maskZero/);
  });
});

describe('embedding backward', () => {
  it('embedding → lstm → dense in float64: the gradients of the embeddings (rows used twice, rows unused) match central differences', () => {
    const model = sequential(
      [
        embedding({ inputDim: 6, outputDim: 3 }),
        lstm({ units: 3, returnSequences: true }),
        dense({ units: 2 }),
      ],
      { inputShape: [4], seed: 2, dtype: 'float64' },
    );
    const rng = new Random(7);
    for (const w of model.weights()) w.data.set(uniformArray(rng, w.data.length, -0.6, 0.6, 'float64'));
    const x = indices(
      [
        [0, 2, 2, 5],
        [5, 1, 0, 2],
      ],
      'float64',
    );
    const dout = randomTensor(rng, [2, 4, 2], 'float64');
    const checks = modelWeightCheck(model, x, dout);
    for (const c of checks) {
      expect(c.scale, c.name).toBeGreaterThan(0);
      expect(c.error, c.name).toBeLessThan(1e-6);
    }
    // rows 3 and 4 are never used: their gradient is exactly 0
    const dE = model.gradients()[0].data;
    expect(Array.from(dE.subarray(9, 15))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('embedding backward accumulates: two backward passes give twice the gradient, and the input gets zeros', () => {
    const model = sequential([embedding({ inputDim: 3, outputDim: 2 })], { inputShape: [3], seed: 1 });
    const x = indices([[1, 1, 2]]);
    const dy = { shape: [1, 3, 2], data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    model.zeroGrad();
    model.forward(x);
    const dx = model.backward(dy);
    expect(dx.shape).toEqual([1, 3]);
    expect(Array.from(dx.data)).toEqual([0, 0, 0]);
    expect(Array.from(model.gradients()[0].data)).toEqual([0, 0, 4, 6, 5, 6]);
    model.forward(x);
    model.backward(dy);
    expect(Array.from(model.gradients()[0].data)).toEqual([0, 0, 8, 12, 10, 12]);
  });
});

/** Token sequences of lengths 2–6 over a vocabulary of 1..7 (0 pads); the target is the mean token / 7. */
function toyTask(n: number, seed: number) {
  const rng = new Random(seed);
  const seqs: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const len = 2 + Math.floor(rng.uniform() * 5);
    const s = Array.from({ length: len }, () => 1 + Math.floor(rng.uniform() * 7));
    seqs.push(s);
    y.push([s.reduce((a, b) => a + b, 0) / len / 7]);
  }
  return { x: padSequences(seqs, { maxlen: 6 }), y };
}

describe('embedding in a model', () => {
  it('fit() trains embedding → lstm → dense on padded token sequences: the loss falls', async () => {
    const { x, y } = toyTask(96, 5);
    const model = sequential(
      [embedding({ inputDim: 8, outputDim: 4 }), lstm({ units: 8 }), dense({ units: 1 })],
      { inputShape: [6], seed: 4 },
    );
    model.compile({ optimizer: adam({ learningRate: 0.02 }), loss: 'mse' });
    const before = Float32Array.from(model.weights()[0].data);
    const h = await model.fit(x, y, { epochs: 30, batchSize: 32 });
    const loss = h.history.loss;
    expect(loss[loss.length - 1]).toBeLessThan(0.5 * loss[0]);
    // the embeddings were trained too
    expect(model.weights()[0].data).not.toEqual(before);
  });

  it('saveModel / loadModel round-trip an embedding model: model.json says Embedding as Keras does, predictions equal', async () => {
    const model = sequential(
      [embedding({ inputDim: 8, outputDim: 4, inputLength: 6 }), lstm({ units: 3 }), dense({ units: 1 })],
      { inputShape: [6], seed: 4 },
    );
    const dir = join(root, 'save');
    await saveModel(model, dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    };
    const entry = json.modelTopology.config.layers[0];
    expect(entry.class_name).toBe('Embedding');
    expect(entry.config).toMatchObject({
      input_dim: 8,
      output_dim: 4,
      mask_zero: false,
      input_length: 6,
      embeddings_initializer: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05 } },
    });
    const loaded = await loadModel(dir);
    expect(loaded.layers[0].getConfig()).toEqual(model.layers[0].getConfig());
    const { x } = toyTask(5, 9);
    expect(loaded.forward(x).data).toEqual(model.forward(x).data);
  });

  it('TF.js loads a seqcast embedding model and predicts the same', async () => {
    const model = sequential(
      [embedding({ inputDim: 8, outputDim: 4 }), lstm({ units: 3 }), dense({ units: 1 })],
      { inputShape: [6], seed: 6 },
    );
    const { modelJson, weightData } = toArtifacts(model);
    const theirs = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology as tf.io.ModelArtifacts['modelTopology'],
        weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
        weightData,
      }),
    );
    const { x } = toyTask(4, 11);
    const expected = tf.tidy(() => (theirs.predict(tf.tensor(x.data, [...x.shape])) as tf.Tensor).dataSync());
    const ours = model.forward(x).data;
    for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo(expected[i], 5);
    theirs.dispose();
  });

  it("seqcast loads a TF.js embedding → lstm (TF.js's default hard_sigmoid) model and predicts the same", async () => {
    const theirs = tf.sequential();
    theirs.add(tf.layers.embedding({ inputDim: 8, outputDim: 4, inputLength: 6 }));
    theirs.add(tf.layers.lstm({ units: 3 }));
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
        modelTopology: a.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
      },
      weightData: tf.io.concatenateArrayBuffers(a.weightData as ArrayBuffer | ArrayBuffer[]),
    });
    expect(ours.layers[0].className).toBe('Embedding');
    const { x } = toyTask(4, 12);
    const expected = tf.tidy(() => (theirs.predict(tf.tensor(x.data, [...x.shape])) as tf.Tensor).dataSync());
    const got = ours.forward(x).data;
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(expected[i], 5);
    theirs.dispose();
  });
});
