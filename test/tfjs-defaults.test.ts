/**
 * Models built with TF.js's own defaults and saved by `@tensorflow/tfjs` itself load in seqcast and predict
 * what TF.js predicts: recurrentActivation 'hard_sigmoid' (TF.js's default, clip(0.2·x + 0.5, 0, 1)), dropout
 * and recurrentDropout (identity at inference, kept as options for training), Embedding with maskZero, and
 * Masking. And `saveModel(model, dir, { format: 'tfjs' })` refuses what TF.js cannot read (a GRU with
 * resetAfter true) with the fix, while a `resetAfter: false` model saved that way loads in TF.js.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bidirectional,
  dense,
  fromArtifacts,
  gru,
  lstm,
  Random,
  sequential,
  SeqcastError,
  tensor,
} from '../src/index.js';
import { loadModel, saveModel } from '../src/node.js';
import { randomTensor } from './helpers/gradcheck.js';

let root = '';
beforeAll(async () => {
  tf.enableProdMode();
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'seqcast-tfjs-defaults-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function savedByTfjs(model: tf.Sequential, seed: number): Promise<tf.io.ModelArtifacts> {
  model.setWeights(
    model.getWeights().map((w, i) => tf.randomUniform(w.shape, -0.6, 0.6, 'float32', seed + i)),
  );
  let artifacts: tf.io.ModelArtifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return artifacts!;
}

function loadInSeqcast(a: tf.io.ModelArtifacts): ReturnType<typeof fromArtifacts> {
  return fromArtifacts({
    modelJson: {
      format: a.format,
      generatedBy: a.generatedBy,
      convertedBy: a.convertedBy,
      modelTopology: a.modelTopology,
      weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
    },
    weightData: tf.io.concatenateArrayBuffers(a.weightData as ArrayBuffer | ArrayBuffer[]),
  });
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function tfPredict(model: tf.LayersModel, data: Float32Array, shape: number[]): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(data, shape)) as tf.Tensor).dataSync() as Float32Array);
}

describe("TF.js's own defaults, saved by @tensorflow/tfjs, load in seqcast", () => {
  it('lstm and gru with the default hard_sigmoid, dropout and recurrentDropout', async () => {
    const m = tf.sequential();
    m.add(
      tf.layers.lstm({
        units: 4,
        dropout: 0.2,
        recurrentDropout: 0.1,
        returnSequences: true,
        inputShape: [5, 3],
      }),
    );
    m.add(tf.layers.gru({ units: 3, dropout: 0.3, recurrentDropout: 0.25 }));
    m.add(tf.layers.dense({ units: 2 }));
    const ours = loadInSeqcast(await savedByTfjs(m, 10));
    expect(ours.layers[0].getConfig()).toMatchObject({
      recurrentActivation: 'hardSigmoidTfjs',
      dropout: 0.2,
      recurrentDropout: 0.1,
    });
    expect(ours.layers[1].getConfig()).toMatchObject({
      recurrentActivation: 'hardSigmoidTfjs',
      resetAfter: false,
      dropout: 0.3,
      recurrentDropout: 0.25,
    });
    const x = randomTensor(new Random(1), [3, 5, 3], 'float32');
    expect(maxAbsDiff(ours.predict(x).data, tfPredict(m, x.data as Float32Array, [3, 5, 3]))).toBeLessThan(
      1e-5,
    );
    m.dispose();
  });

  it('embedding with maskZero → gru → dense: padded sequences predict as in TF.js', async () => {
    const m = tf.sequential();
    m.add(tf.layers.embedding({ inputDim: 20, outputDim: 4, maskZero: true, inputLength: 6 }));
    m.add(tf.layers.gru({ units: 3 }));
    m.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
    const ours = loadInSeqcast(await savedByTfjs(m, 20));
    expect(ours.layers[0].getConfig()).toMatchObject({ inputDim: 20, outputDim: 4, maskZero: true });
    const ids = Float32Array.from([3, 7, 1, 0, 0, 0, 5, 19, 2, 8, 4, 11, 9, 0, 0, 0, 0, 0]);
    const got = ours.predict(tensor(ids, [3, 6])).data;
    expect(maxAbsDiff(got, tfPredict(m, ids, [3, 6]))).toBeLessThan(1e-5);
    m.dispose();
  });

  it('masking → lstm (sequences) → dense: masked steps as TF.js treats them', async () => {
    const m = tf.sequential();
    m.add(tf.layers.masking({ maskValue: 0, inputShape: [4, 2] }));
    m.add(tf.layers.lstm({ units: 3 }));
    m.add(tf.layers.dense({ units: 2 }));
    const ours = loadInSeqcast(await savedByTfjs(m, 30));
    expect(ours.layers[0].className).toBe('Masking');
    const x = Float32Array.from([0.5, -1, 0.2, 0.3, 0, 0, 0, 0, 1, 2, 0.1, -0.4, 0.7, 0.7, 0, 0]);
    expect(maxAbsDiff(ours.predict(tensor(x, [2, 4, 2])).data, tfPredict(m, x, [2, 4, 2]))).toBeLessThan(
      1e-5,
    );
    m.dispose();
  });
});

describe("saveModel(model, dir, { format: 'tfjs' })", () => {
  it('refuses a GRU with resetAfter true (also inside a Bidirectional), naming the layer and resetAfter: false', async () => {
    for (const layer of [gru({ units: 3 }), bidirectional(gru({ units: 2 }))]) {
      const model = sequential([layer, dense({ units: 1 })], { inputShape: [4, 2], seed: 1 });
      const dir = join(root, `refused-${layer.className}`);
      const error = await saveModel(model, dir, { format: 'tfjs' }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SeqcastError);
      expect((error as Error).message).toMatch(
        new RegExp(
          `^saveModel\\(\\) for TF\\.js: layer '${layer.name}' \\(${layer.className}\\) has resetAfter true, which TF\\.js cannot read .*build the GRU with gru\\(\\{ resetAfter: false \\}\\) and train it again, or save without \\{ format: 'tfjs' \\}`,
        ),
      );
      await expect(readFile(join(dir, 'model.json'))).rejects.toThrow(/ENOENT/);
      // without the option the same model is saved (seqcast and Keras read it)
      await saveModel(model, dir);
      expect((await loadModel(dir)).layers[0].className).toBe(layer.className);
    }
    const keras3 = sequential([lstm({ units: 2, recurrentActivation: 'hardSigmoid' })], {
      inputShape: [3, 1],
    });
    await expect(saveModel(keras3, join(root, 'k3'), { format: 'tfjs' })).rejects.toThrow(
      /has recurrentActivation 'hardSigmoid' \(Keras 3's relu6\(x \+ 3\) \/ 6\), which TF\.js does not have; use 'hardSigmoidTfjs'/,
    );
    await expect(saveModel(keras3, join(root, 'k4'), { format: 'keras' as never })).rejects.toThrow(
      /saveModel\(\): format must be 'seqcast' or 'tfjs' \(got "keras"\)/,
    );
  });

  it('a GRU with resetAfter false saved for TF.js loads in tf.loadLayersModel and predicts the same', async () => {
    const model = sequential([gru({ units: 3, resetAfter: false }), dense({ units: 1 })], {
      inputShape: [4, 2],
      seed: 2,
    });
    const dir = join(root, 'for-tfjs');
    await saveModel(model, dir, { format: 'tfjs' });
    const theirs = await tf.loadLayersModel({
      load: async () => {
        const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
        return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
          const bytes = await readFile(join(dir, manifest[0].paths[0]));
          return [
            manifest[0].weights,
            bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength),
          ];
        });
      },
    });
    const x = randomTensor(new Random(5), [2, 4, 2], 'float32');
    expect(
      maxAbsDiff(tfPredict(theirs, x.data as Float32Array, [2, 4, 2]), model.predict(x).data),
    ).toBeLessThan(1e-5);
    theirs.dispose();
  });
});
