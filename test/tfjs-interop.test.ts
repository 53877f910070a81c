/**
 * Interoperability with TensorFlow.js (the pure-JS CPU backend): models saved by seqcast load in TF.js and
 * predict the same; models built and saved by TF.js load in seqcast and predict the same; and what does not
 * cross over is documented by what actually happens (TF.js has no GRU resetAfter true; seqcast has no
 * hard_sigmoid, TF.js's default recurrent activation).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Layer, Shape } from '../src/index.js';
import {
  bidirectional,
  dense,
  fromArtifacts,
  gru,
  lstm,
  MERGE_MODES,
  Random,
  Sequential,
  simpleRNN,
  toArtifacts,
} from '../src/index.js';
import { loadModel, saveModel } from '../src/node.js';
import { randomTensor, titled } from './helpers/gradcheck.js';

let root = '';
beforeAll(async () => {
  tf.enableProdMode(); // silences TF.js's "install tfjs-node" hint; the CPU backend computes the same
  await tf.setBackend('cpu');
  root = await mkdtemp(join(tmpdir(), 'seqcast-tfjs-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
let folders = 0;

const BATCH = 3;
const TOLERANCE = 1e-5;

function input(inputShape: Shape, seed: number): { shape: number[]; data: Float32Array } {
  const shape = [BATCH, ...inputShape.map((d) => d ?? 5)];
  return { shape, data: randomTensor(new Random(seed), shape, 'float32').data as Float32Array };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

function tfPredict(model: tf.LayersModel, x: { shape: number[]; data: Float32Array }): Float32Array {
  return tf.tidy(() => (model.predict(tf.tensor(x.data, x.shape)) as tf.Tensor).dataSync() as Float32Array);
}

/** TF.js reading a model folder as tfjs-node's file:// handler does: model.json, then the files it lists. */
function folderHandler(dir: string): tf.io.IOHandler {
  return {
    load: async () => {
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs = manifest.flatMap((g) => g.weights);
        const files = await Promise.all(manifest.flatMap((g) => g.paths).map((p) => readFile(join(dir, p))));
        const bytes = new Uint8Array(Buffer.concat(files));
        return [specs, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)];
      });
    },
  };
}

interface SeqcastCase {
  readonly title: string;
  readonly inputShape: Shape;
  readonly layers: () => Layer[];
}

const FROM_SEQCAST: SeqcastCase[] = [
  { title: 'SimpleRNN', inputShape: [6, 3], layers: () => [simpleRNN({ units: 4 })] },
  {
    title: 'SimpleRNN (relu, goBackwards, sequences) + Dense',
    inputShape: [5, 2],
    layers: () => [
      simpleRNN({ units: 3, activation: 'relu', goBackwards: true, returnSequences: true }),
      dense({ units: 2 }),
    ],
  },
  { title: 'LSTM', inputShape: [6, 3], layers: () => [lstm({ units: 4 })] },
  {
    title: 'LSTM → LSTM → Dense',
    inputShape: [5, 2],
    layers: () => [
      lstm({ units: 4, returnSequences: true }),
      lstm({ units: 3, useBias: false }),
      dense({ units: 1 }),
    ],
  },
  { title: 'GRU resetAfter false', inputShape: [6, 3], layers: () => [gru({ units: 4, resetAfter: false })] },
  ...MERGE_MODES.map((mergeMode): SeqcastCase => ({
    title: `Bidirectional(LSTM) mergeMode '${mergeMode}'`,
    inputShape: [5, 2],
    layers: () => [
      bidirectional(lstm({ units: 3, returnSequences: true }), { mergeMode }),
      dense({ units: 2 }),
    ],
  })),
  {
    title: 'Dense',
    inputShape: [7],
    layers: () => [dense({ units: 5, activation: 'tanh' }), dense({ units: 2, activation: 'sigmoid' })],
  },
  {
    title: "LSTM and GRU with recurrentActivation 'hardSigmoidTfjs' (written hard_sigmoid)",
    inputShape: [5, 2],
    layers: () => [
      lstm({ units: 3, recurrentActivation: 'hardSigmoidTfjs', returnSequences: true }),
      gru({ units: 2, recurrentActivation: 'hardSigmoidTfjs', resetAfter: false }),
      dense({ units: 2, activation: 'hardSigmoidTfjs' }),
    ],
  },
  {
    title: 'LSTM → Dense(softmax)',
    inputShape: [5, 2],
    layers: () => [lstm({ units: 4 }), dense({ units: 3, activation: 'softmax' })],
  },
];

describe('seqcast → TF.js', () => {
  it.each(titled(FROM_SEQCAST))(
    'a seqcast %s saved by saveModel loads in tf.loadLayersModel and predicts the same',
    async (_t, c) => {
      const model = new Sequential(c.layers(), { inputShape: c.inputShape, seed: 21 });
      // non-zero biases, so that they are checked too
      for (const w of model.weights()) {
        if (w.name.endsWith('bias'))
          for (let i = 0; i < w.data.length; i++) w.data[i] = 0.1 * Math.sin(i + 1);
      }
      const dir = join(root, `s${++folders}`);
      await saveModel(model, dir);
      const theirs = await tf.loadLayersModel(folderHandler(dir));
      const x = input(c.inputShape, 5);
      const ours = model.forward(x).data;
      expect(maxAbsDiff(tfPredict(theirs, x), ours)).toBeLessThan(TOLERANCE);
      theirs.dispose();
    },
  );

  it('a seqcast model loads through tf.io.fromMemory from toArtifacts', async () => {
    const model = new Sequential([gru({ units: 3, resetAfter: false }), dense({ units: 1 })], {
      inputShape: [4, 2],
      seed: 2,
    });
    const { modelJson, weightData } = toArtifacts(model);
    const theirs = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: modelJson.modelTopology as tf.io.ModelArtifacts['modelTopology'],
        weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights) as tf.io.WeightsManifestEntry[],
        weightData,
      }),
    );
    const x = input([4, 2], 9);
    expect(maxAbsDiff(tfPredict(theirs, x), model.forward(x).data)).toBeLessThan(TOLERANCE);
    theirs.dispose();
  });
});

interface TfCase {
  readonly title: string;
  readonly inputShape: number[];
  readonly build: (m: tf.Sequential, inputShape: number[]) => void;
}

const FROM_TFJS: TfCase[] = [
  {
    title: 'simpleRNN',
    inputShape: [6, 3],
    build: (m, s) => m.add(tf.layers.simpleRNN({ units: 4, inputShape: s })),
  },
  {
    title: 'lstm (sequences) → dense',
    inputShape: [5, 2],
    build: (m, s) => {
      m.add(
        tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', returnSequences: true, inputShape: s }),
      );
      m.add(tf.layers.dense({ units: 2 }));
    },
  },
  {
    title: 'gru (resetAfter false) → dense',
    inputShape: [6, 3],
    build: (m, s) => {
      m.add(tf.layers.gru({ units: 4, recurrentActivation: 'sigmoid', inputShape: s }));
      m.add(tf.layers.dense({ units: 1, activation: 'relu' }));
    },
  },
  {
    title: 'bidirectional(lstm, concat) → lstm',
    inputShape: [5, 2],
    build: (m, s) => {
      const inner = tf.layers.lstm({
        units: 3,
        recurrentActivation: 'sigmoid',
        returnSequences: true,
      }) as tf.RNN;
      m.add(tf.layers.bidirectional({ layer: inner, mergeMode: 'concat', inputShape: s }));
      m.add(tf.layers.lstm({ units: 2, recurrentActivation: 'sigmoid' }));
    },
  },
  {
    title: "lstm with TF.js's default recurrentActivation (hard_sigmoid) → dense",
    inputShape: [5, 2],
    build: (m, s) => {
      m.add(tf.layers.lstm({ units: 4, returnSequences: true, inputShape: s }));
      m.add(tf.layers.dense({ units: 2, activation: 'hardSigmoid' }));
    },
  },
  {
    title: "gru with TF.js's default recurrentActivation (hard_sigmoid)",
    inputShape: [6, 3],
    build: (m, s) => m.add(tf.layers.gru({ units: 4, inputShape: s })),
  },
  {
    title: "bidirectional(lstm) with TF.js's default recurrentActivation (hard_sigmoid)",
    inputShape: [5, 2],
    build: (m, s) => {
      const inner = tf.layers.lstm({ units: 3 }) as tf.RNN;
      m.add(tf.layers.bidirectional({ layer: inner, mergeMode: 'sum', inputShape: s }));
    },
  },
  {
    title: 'bidirectional(gru, ave)',
    inputShape: [4, 3],
    build: (m, s) => {
      const inner = tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid' }) as tf.RNN;
      m.add(tf.layers.bidirectional({ layer: inner, mergeMode: 'ave', inputShape: s }));
    },
  },
  {
    title: 'lstm → dense (softmax)',
    inputShape: [5, 2],
    build: (m, s) => {
      m.add(tf.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', inputShape: s }));
      m.add(tf.layers.dense({ units: 3, activation: 'softmax' }));
    },
  },
];

/** A TF.js model with random weights (biases included), saved through a save handler. */
async function savedByTfjs(
  c: TfCase,
  seed: number,
): Promise<{ model: tf.Sequential; artifacts: tf.io.ModelArtifacts }> {
  const model = tf.sequential();
  c.build(model, c.inputShape);
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
  return { model, artifacts: artifacts! };
}

/** model.json as TF.js's file handler writes it, for the artifacts TF.js hands a save handler. */
function modelJsonOf(a: tf.io.ModelArtifacts): Record<string, unknown> {
  return {
    format: a.format,
    generatedBy: a.generatedBy,
    convertedBy: a.convertedBy,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: a.weightSpecs }],
  };
}

function weightBytes(a: tf.io.ModelArtifacts): ArrayBuffer {
  return tf.io.concatenateArrayBuffers(a.weightData as ArrayBuffer | ArrayBuffer[]);
}

describe('TF.js → seqcast', () => {
  it.each(titled(FROM_TFJS))(
    'a TF.js %s saved through tf.io.withSaveHandler loads in seqcast and predicts the same',
    async (_t, c) => {
      const { model: theirs, artifacts } = await savedByTfjs(c, 100);
      const x = input(c.inputShape, 8);
      const expected = tfPredict(theirs, x);
      const ours = fromArtifacts({ modelJson: modelJsonOf(artifacts), weightData: weightBytes(artifacts) });
      expect(maxAbsDiff(ours.forward(x).data, expected)).toBeLessThan(TOLERANCE);
      // and from a folder laid out as TF.js writes one
      const dir = join(root, `t${++folders}`);
      await saveModelFolderAsTfjs(dir, artifacts);
      expect(maxAbsDiff((await loadModel(dir)).forward(x).data, expected)).toBeLessThan(TOLERANCE);
      theirs.dispose();
    },
  );
});

describe('TF.js GRU conventions', () => {
  it('a TF.js GRU (which has no resetAfter option) is written with reset_after false and loads as resetAfter false', async () => {
    const { model: theirs, artifacts } = await savedByTfjs(FROM_TFJS[2], 3);
    const topology = artifacts.modelTopology as { config: { layers: { config: Record<string, unknown> }[] } };
    expect(topology.config.layers[0].config).toMatchObject({
      reset_after: false,
      recurrent_activation: 'sigmoid',
    });
    const ours = fromArtifacts({ modelJson: modelJsonOf(artifacts), weightData: weightBytes(artifacts) });
    expect(ours.layers[0].getConfig()).toMatchObject({ resetAfter: false, recurrentActivation: 'sigmoid' });
    theirs.dispose();
  });
});

async function saveModelFolderAsTfjs(dir: string, a: tf.io.ModelArtifacts): Promise<void> {
  await mkdir(dir);
  await writeFile(join(dir, 'model.json'), JSON.stringify(modelJsonOf(a)));
  await writeFile(join(dir, 'weights.bin'), new Uint8Array(weightBytes(a)));
}

describe('what does not cross over', () => {
  it('TF.js cannot load a seqcast GRU with resetAfter true: tf.loadLayersModel rejects it', async () => {
    const model = new Sequential([gru({ units: 3, resetAfter: true })], { inputShape: [4, 2], seed: 3 });
    const dir = join(root, `r${++folders}`);
    await saveModel(model, dir);
    await expect(tf.loadLayersModel(folderHandler(dir))).rejects.toThrow(
      /GRUCell does not support reset_after parameter set to true/,
    );
  });

  it("TF.js cannot load a seqcast LSTM with Keras 3's recurrentActivation 'hardSigmoid' (written hard_sigmoid_keras3)", async () => {
    const model = new Sequential([lstm({ units: 3, recurrentActivation: 'hardSigmoid' })], {
      inputShape: [4, 2],
      seed: 3,
    });
    const dir = join(root, `r${++folders}`);
    await saveModel(model, dir);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
      modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
    };
    expect(json.modelTopology.config.layers[0].config.recurrent_activation).toBe('hard_sigmoid_keras3');
    await expect(tf.loadLayersModel(folderHandler(dir))).rejects.toThrow(/hardSigmoidKeras3/);
    // seqcast itself reads it back as Keras 3's hard sigmoid
    expect((await loadModel(dir)).layers[0].getConfig().recurrentActivation).toBe('hardSigmoid');
  });
});
