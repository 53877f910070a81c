// Stateful models and streaming across TensorFlow.js (its pure-JS CPU backend): a seqcast stateful model
// loads in TF.js as a stateful model and carries its states the same way; a stateful model built and saved by
// TF.js loads in seqcast with its batch size and continues the same; a TF.js model streamed by seqcast's
// predictStep gives TF.js's predict at every step.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Tensor } from '../src/index.js';
import { dense, fromArtifacts, lstm, Random, Sequential, toArtifacts } from '../src/index.js';
import { randomTensor } from './helpers/gradcheck.js';

beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
});

const [B, T, F] = [2, 3, 2];
const TOLERANCE = 1e-5;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function tfPredict(model: tf.LayersModel, x: Tensor): Float32Array {
  return tf.tidy(
    () => (model.predict(tf.tensor(x.data, [...x.shape])) as tf.Tensor).dataSync() as Float32Array,
  );
}

const chunk = (seed: number, steps = T): Tensor => randomTensor(new Random(seed), [B, steps, F], 'float32');

/** A TF.js model's artifacts, as a save handler receives them, and as model.json and weight bytes. */
async function saved(
  model: tf.LayersModel,
): Promise<{ modelJson: Record<string, unknown>; weightData: ArrayBuffer }> {
  let a: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      a = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const art = a! as tf.io.ModelArtifacts;
  return {
    modelJson: {
      format: art.format,
      generatedBy: art.generatedBy,
      convertedBy: art.convertedBy,
      modelTopology: art.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: art.weightSpecs }],
    },
    weightData: tf.io.concatenateArrayBuffers(art.weightData as ArrayBuffer | ArrayBuffer[]),
  };
}

describe('stateful models across TF.js', () => {
  it('a seqcast stateful LSTM loads in TF.js as stateful and carries its states the same, resetStates too', async () => {
    const model = new Sequential([lstm({ units: 3, stateful: true }), dense({ units: 1 })], {
      inputShape: [T, F],
      batchSize: B,
      seed: 4,
    });
    const { modelJson, weightData } = toArtifacts(model);
    const theirs = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology as tf.io.ModelArtifacts['modelTopology'],
        weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
        weightData,
      }),
    );
    expect((theirs.layers[0] as tf.RNN).stateful).toBe(true);
    expect(theirs.layers[0].batchInputShape).toEqual([B, T, F]);
    const outputs = (m: (x: Tensor) => ArrayLike<number>): ArrayLike<number>[] =>
      [1, 2, 3].map((s) => m(chunk(s)));
    const ours = outputs((x) => model.predict(x).data.slice());
    const tfjs = outputs((x) => tfPredict(theirs, x));
    ours.forEach((o, k) => expect(maxAbsDiff(o, tfjs[k])).toBeLessThan(TOLERANCE));
    expect(maxAbsDiff(ours[0], ours[1])).toBeGreaterThan(1e-4); // the states did carry
    model.resetStates();
    theirs.resetStates();
    expect(maxAbsDiff(model.predict(chunk(1)).data, tfPredict(theirs, chunk(1)))).toBeLessThan(TOLERANCE);
    theirs.dispose();
  });

  it('a TF.js stateful GRU (batchInputShape [2, 3, 2]) loads in seqcast with batchSize 2 and continues the same', async () => {
    const theirs = tf.sequential();
    theirs.add(
      tf.layers.gru({ units: 3, stateful: true, recurrentActivation: 'sigmoid', batchInputShape: [B, T, F] }),
    );
    theirs.add(tf.layers.dense({ units: 2 }));
    theirs.setWeights(
      theirs.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.6, 0.6, 'float32', 30 + i)),
    );
    const ours = fromArtifacts(await saved(theirs));
    expect(ours.batchSize).toBe(B);
    expect(ours.stateful).toBe(true);
    expect(ours.layers[0].getConfig()).toMatchObject({ stateful: true, resetAfter: false });
    for (const s of [5, 6, 7]) {
      expect(maxAbsDiff(ours.predict(chunk(s)).data, tfPredict(theirs, chunk(s)))).toBeLessThan(TOLERANCE);
    }
    theirs.dispose();
  });

  it("seqcast's predictStep on a TF.js model gives TF.js's predict at every step", async () => {
    const theirs = tf.sequential();
    theirs.add(
      tf.layers.lstm({
        units: 3,
        returnSequences: true,
        recurrentActivation: 'sigmoid',
        inputShape: [null, F],
      }),
    );
    theirs.add(tf.layers.dense({ units: 2 }));
    theirs.setWeights(
      theirs.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.6, 0.6, 'float32', 50 + i)),
    );
    const ours = fromArtifacts(await saved(theirs));
    const x = chunk(9, 5);
    const expected = tfPredict(theirs, x); // [B, 5, 2]
    for (let t = 0; t < 5; t++) {
      const step = { shape: [B, F], data: new Float32Array(B * F) };
      for (let b = 0; b < B; b++) step.data.set(x.data.subarray((b * 5 + t) * F, (b * 5 + t + 1) * F), b * F);
      const y = ours.predictStep(step);
      const want = Float32Array.from(
        { length: B * 2 },
        (_, i) => expected[(Math.floor(i / 2) * 5 + t) * 2 + (i % 2)],
      );
      expect(maxAbsDiff(y.data, want)).toBeLessThan(TOLERANCE);
    }
    theirs.dispose();
  });
});
