/**
 * Saving and loading: exact round trips for every layer type, in memory and through a folder; the TF.js
 * Layers format as written; atomic saving (a failure mid-save leaves the previous model intact); and one
 * clear error line for each kind of damaged or unsupported file.
 */
import type * as FsPromises from 'node:fs/promises';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DType, Layer, Shape } from '../src/index.js';
import {
  bidirectional,
  dense,
  fromArtifacts,
  gru,
  lstm,
  MERGE_MODES,
  Random,
  readMetadata,
  SeqcastError,
  SEQCAST_VERSION,
  Sequential,
  simpleRNN,
  toArtifacts,
} from '../src/index.js';
import * as node from '../src/node.js';
import { loadModel, readArtifacts, saveModel } from '../src/node.js';
import { randomTensor, titled } from './helpers/gradcheck.js';

/** Faults injected into node:fs/promises as the library sees it: a path matching the pattern fails. */
const faults = vi.hoisted(() => ({ open: null as RegExp | null, renameFrom: null as RegExp | null }));

vi.mock('node:fs/promises', async (importOriginal) => {
  const fs = await importOriginal<typeof FsPromises>();
  const simulated = (call: string, path: unknown): Error =>
    Object.assign(new Error(`EIO: simulated failure, ${call} '${String(path)}'`), { code: 'EIO' });
  return {
    ...fs,
    open: (async (path: string, ...rest: [string]) => {
      if (faults.open?.test(String(path))) throw simulated('open', path);
      return fs.open(path, ...rest);
    }) as typeof fs.open,
    rename: (async (from: string, to: string) => {
      if (faults.renameFrom?.test(String(from))) throw simulated('rename', from);
      return fs.rename(from, to);
    }) as typeof fs.rename,
  };
});

let root = '';
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seqcast-persistence-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});
let folders = 0;
const freshFolder = (): string => join(root, `m${++folders}`);

interface Case {
  readonly title: string;
  readonly inputShape: Shape;
  readonly layers: () => Layer[];
}

const CASES: Case[] = [
  { title: 'SimpleRNN (tanh, last step)', inputShape: [5, 3], layers: () => [simpleRNN({ units: 4 })] },
  {
    title: 'SimpleRNN (relu, no bias, goBackwards, sequences) + Dense',
    inputShape: [4, 2],
    layers: () => [
      simpleRNN({ units: 3, activation: 'relu', useBias: false, goBackwards: true, returnSequences: true }),
      dense({ units: 2, activation: 'sigmoid' }),
    ],
  },
  { title: 'LSTM (last step)', inputShape: [6, 2], layers: () => [lstm({ units: 5 })] },
  {
    title: 'LSTM (no bias, unitForgetBias false, relu, sequences)',
    inputShape: [3, 4],
    layers: () => [
      lstm({ units: 3, useBias: false, unitForgetBias: false, activation: 'relu', returnSequences: true }),
    ],
  },
  { title: 'GRU resetAfter true', inputShape: [5, 2], layers: () => [gru({ units: 4, resetAfter: true })] },
  {
    title: 'GRU resetAfter false (sequences)',
    inputShape: [5, 2],
    layers: () => [gru({ units: 4, resetAfter: false, returnSequences: true })],
  },
  ...MERGE_MODES.map((mergeMode): Case => ({
    title: `Bidirectional(LSTM) mergeMode '${mergeMode}'`,
    inputShape: [4, 3],
    layers: () => [bidirectional(lstm({ units: 3 }), { mergeMode })],
  })),
  {
    title: 'Bidirectional(GRU resetAfter false, sequences) + Dense on every step',
    inputShape: [4, 2],
    layers: () => [
      bidirectional(gru({ units: 3, resetAfter: false, returnSequences: true }), { mergeMode: 'mul' }),
      dense({ units: 2 }),
    ],
  },
  {
    title: 'Bidirectional(SimpleRNN) named layers',
    inputShape: [3, 2],
    layers: () => [bidirectional(simpleRNN({ units: 2, name: 'inner' }), { name: 'both_ways' })],
  },
  {
    title: 'stack LSTM → LSTM → Dense',
    inputShape: [6, 2],
    layers: () => [lstm({ units: 4, returnSequences: true }), lstm({ units: 3 }), dense({ units: 1 })],
  },
  {
    title: 'stack GRU → Bidirectional(GRU) → Dense, any number of timesteps',
    inputShape: [null, 2],
    layers: () => [
      gru({ units: 3, returnSequences: true }),
      bidirectional(gru({ units: 2 }), { mergeMode: 'ave' }),
      dense({ units: 2, activation: 'tanh' }),
    ],
  },
  {
    title: 'Dense on [features]',
    inputShape: [5],
    layers: () => [dense({ units: 3, activation: 'relu' }), dense({ units: 1 })],
  },
];

function build(c: Case, seed = 7, dtype: DType = 'float32'): Sequential {
  return new Sequential(c.layers(), { inputShape: c.inputShape, seed, dtype });
}

/** A fixed random batch of 3 for the model's input shape (null timesteps become 4). */
function batch(model: Sequential): Float32Array {
  return randomTensor(new Random(11), [3, ...model.inputShape.map((d) => d ?? 4)], 'float32')
    .data as Float32Array;
}

function predict(model: Sequential, x: Float32Array): Float32Array {
  const shape = [3, ...model.inputShape.map((d) => d ?? 4)];
  return model.forward({ shape, data: x }).data.slice() as Float32Array;
}

function expectSameModel(loaded: Sequential, model: Sequential): void {
  expect(loaded.inputShape).toEqual(model.inputShape);
  expect(loaded.layers.map((l) => [l.className, l.getConfig()])).toEqual(
    model.layers.map((l) => [l.className, l.getConfig()]),
  );
  expect(loaded.getWeights()).toEqual(model.getWeights());
  const x = batch(model);
  expect(predict(loaded, x)).toEqual(predict(model, x));
}

describe('round trip', () => {
  it.each(titled(CASES))('fromArtifacts(toArtifacts(model)) gives back %s exactly', (_title, c) => {
    const model = build(c);
    const artifacts = toArtifacts(model);
    // through JSON text, as a file would carry it
    const loaded = fromArtifacts({
      modelJson: JSON.parse(JSON.stringify(artifacts.modelJson)),
      weightData: artifacts.weightData,
    });
    expect(loaded.dtype).toBe('float32');
    expectSameModel(loaded, model);
  });

  it.each(titled(CASES))('loadModel(saveModel(model)) gives back %s exactly', async (_title, c) => {
    const model = build(c, 3);
    const dir = freshFolder();
    await saveModel(model, dir);
    expect((await readdir(dir)).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
    expectSameModel(await loadModel(dir), model);
  });

  it('saveModel(model) splits weights over 4 MiB into TF.js-sized shards and loadModel joins them', async () => {
    const model = new Sequential([dense({ units: 1000 }), dense({ units: 1 })], {
      inputShape: [1100],
      seed: 1,
    });
    const dir = freshFolder();
    await saveModel(model, dir);
    const bytes = model.countParams() * 4;
    expect(bytes).toBeGreaterThan(4 * 1024 * 1024);
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin']);
    expect((await stat(join(dir, 'group1-shard1of2.bin'))).size).toBe(4 * 1024 * 1024);
    expect((await stat(join(dir, 'group1-shard2of2.bin'))).size).toBe(bytes - 4 * 1024 * 1024);
    // byte comparison: toEqual on a million elements takes seconds
    const bytesOf = (m: Sequential): Buffer =>
      Buffer.from(m.params.buffer, m.params.byteOffset, m.params.byteLength);
    expect(bytesOf(await loadModel(dir)).equals(bytesOf(model))).toBe(true);
  });

  it('toArtifacts(float64 model) writes float32: the loaded model holds each weight rounded to float32', () => {
    const model = build(CASES[2], 5, 'float64');
    const loaded = fromArtifacts(toArtifacts(model));
    expect(loaded.dtype).toBe('float32');
    for (const [a, b] of loaded.getWeights().map((w, i) => [w, model.getWeights()[i]] as const)) {
      expect(a.name).toBe(b.name);
      expect(Array.from(a.data)).toEqual(Array.from(b.data, Math.fround));
    }
  });

  it('readMetadata(modelJson) returns the metadata given to toArtifacts / saveModel', async () => {
    const model = build(CASES[0]);
    const metadata = {
      training: { epochs: 3, loss: 'mse' },
      scaler: { mean: [1.5], std: [0.25] },
      note: null,
    };
    expect(readMetadata(toArtifacts(model, metadata).modelJson)).toEqual(metadata);
    const dir = freshFolder();
    await saveModel(model, dir, { metadata });
    expect(readMetadata((await readArtifacts(dir)).modelJson)).toEqual(metadata);
    expect(readMetadata({ format: 'layers-model', modelTopology: {} })).toBeNull();
  });

  it('toArtifacts(model, metadata) refuses metadata that is not plain JSON or uses formatVersion', () => {
    const model = build(CASES[0]);
    expect(() => toArtifacts(model, { formatVersion: 2 })).toThrow(/'formatVersion' is seqcast's own/);
    expect(() => toArtifacts(model, { a: { b: [1, NaN] } })).toThrow(/metadata\.a\.b\[1\] is NaN/);
    expect(() => toArtifacts(model, { when: new Date() })).toThrow(/metadata\.when is a class instance/);
  });

  it('the seqcast/node entry holds everything of the main entry plus the folder functions', async () => {
    const main = await import('../src/index.js');
    expect(Object.keys(node).sort()).toEqual(
      [
        ...Object.keys(main),
        'dataFolders',
        'datasetAvailable',
        'datasetPath',
        'labelledDatasetPath',
        'loadClassifier',
        // loadDataset is in both: seqcast/node's (synchronous, unbundled datasets too) takes the main one's place
        'loadForecastIntervals',
        'loadForecaster',
        'loadKerasModel',
        'loadModel',
        'loadPyTorchWeights',
        'loadSafetensors',
        'readArtifacts',
        'renderSvg',
        'saveClassifier',
        'saveForecaster',
        'saveKerasModel',
        'saveModel',
        'svgToPng',
        'writePlot',
      ].sort(),
    );
  });
});

describe('the format written', () => {
  it('toArtifacts(model) writes a TF.js layers-model with explicit cross-library options', () => {
    const model = new Sequential(
      [lstm({ units: 2, returnSequences: true }), gru({ units: 2, resetAfter: false }), dense({ units: 1 })],
      { inputShape: [4, 3], seed: 1 },
    );
    const json = toArtifacts(model, { a: 1 }).modelJson;
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toBe(`seqcast ${SEQCAST_VERSION}`);
    expect(json.userDefinedMetadata).toEqual({ seqcast: { formatVersion: 1, a: 1 } });
    const topology = json.modelTopology as {
      class_name: string;
      config: { layers: { class_name: string; config: Record<string, unknown> }[] };
    };
    expect(topology.class_name).toBe('Sequential');
    const [l, g, d] = topology.config.layers.map((x) => x.config);
    expect(l).toMatchObject({
      name: 'lstm',
      batch_input_shape: [null, 4, 3],
      dtype: 'float32',
      recurrent_activation: 'sigmoid',
      unit_forget_bias: true,
      dropout: 0,
      recurrent_dropout: 0,
      stateful: false,
      unroll: false,
      return_sequences: true,
    });
    expect(g).toMatchObject({ name: 'gru', recurrent_activation: 'sigmoid', reset_after: false });
    expect('batch_input_shape' in g).toBe(false);
    expect(d).toMatchObject({ name: 'dense', activation: 'linear', use_bias: true });
    expect(json.weightsManifest).toEqual([
      {
        paths: ['group1-shard1of1.bin'],
        weights: [
          { name: 'lstm/kernel', shape: [3, 8], dtype: 'float32' },
          { name: 'lstm/recurrent_kernel', shape: [2, 8], dtype: 'float32' },
          { name: 'lstm/bias', shape: [8], dtype: 'float32' },
          { name: 'gru/kernel', shape: [2, 6], dtype: 'float32' },
          { name: 'gru/recurrent_kernel', shape: [2, 6], dtype: 'float32' },
          { name: 'gru/bias', shape: [6], dtype: 'float32' },
          { name: 'dense/kernel', shape: [2, 1], dtype: 'float32' },
          { name: 'dense/bias', shape: [1], dtype: 'float32' },
        ],
      },
    ]);
  });

  it('toArtifacts(Bidirectional model) names weights as TF.js does: bidirectional/forward_lstm/kernel', () => {
    const model = new Sequential([bidirectional(lstm({ units: 2 }))], { inputShape: [3, 1], seed: 1 });
    const json = toArtifacts(model).modelJson;
    expect(json.weightsManifest[0].weights.map((w) => w.name)).toEqual([
      'bidirectional/forward_lstm/kernel',
      'bidirectional/forward_lstm/recurrent_kernel',
      'bidirectional/forward_lstm/bias',
      'bidirectional/backward_lstm/kernel',
      'bidirectional/backward_lstm/recurrent_kernel',
      'bidirectional/backward_lstm/bias',
    ]);
    const layer = (json.modelTopology.config as { layers: { config: Record<string, unknown> }[] }).layers[0]
      .config;
    expect(layer).toMatchObject({
      name: 'bidirectional',
      merge_mode: 'concat',
      batch_input_shape: [null, 3, 1],
    });
    expect(layer.layer).toMatchObject({ class_name: 'LSTM', config: { name: 'lstm', go_backwards: false } });
  });

  it('SEQCAST_VERSION is the version in package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(SEQCAST_VERSION).toBe(pkg.version);
  });
});

describe('reading Keras-converted files', () => {
  it('fromArtifacts reads a leading InputLayer, dtype policies, cell-named weights and a Keras 3 backward_layer', () => {
    const model = new Sequential(
      [bidirectional(lstm({ units: 2, returnSequences: true })), gru({ units: 2 })],
      {
        inputShape: [3, 2],
        seed: 4,
      },
    );
    const { modelJson, weightData } = toArtifacts(model);
    const json = structuredClone(modelJson) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const layers = json.modelTopology.config.layers;
    delete layers[0].config.batch_input_shape;
    layers.unshift({
      class_name: 'InputLayer',
      config: {
        batch_shape: [null, 3, 2],
        dtype: 'float32',
        sparse: false,
        optional: false,
        name: 'input_layer',
      },
    });
    const policy = {
      module: 'keras',
      class_name: 'DTypePolicy',
      config: { name: 'float32' },
      registered_name: null,
    };
    const forward = structuredClone(layers[1].config.layer);
    forward.config.name = 'forward_lstm';
    forward.config.dtype = policy;
    forward.module = 'keras.layers';
    forward.registered_name = null;
    const backward = structuredClone(forward);
    backward.config.name = 'backward_lstm';
    backward.config.go_backwards = true;
    layers[1].config.layer = forward;
    layers[1].config.backward_layer = backward;
    layers[2].config.dtype = policy;
    for (const w of json.weightsManifest[0].weights) {
      const parts = w.name.split('/');
      const cell = parts[0] === 'gru' ? 'gru_cell' : 'lstm_cell';
      w.name = [...parts.slice(0, -1), cell, parts[parts.length - 1]].join('/');
    }
    expect(json.weightsManifest[0].weights[0].name).toBe('bidirectional/forward_lstm/lstm_cell/kernel');
    expectSameModel(fromArtifacts({ modelJson: json, weightData }), model);
  });
  it("fromArtifacts reads an old converter's topology: model_config inside, layers as a plain list", () => {
    const model = new Sequential([lstm({ units: 2 }), dense({ units: 1 })], { inputShape: [3, 2], seed: 6 });
    const { modelJson, weightData } = toArtifacts(model);
    const json = structuredClone(modelJson) as unknown as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const { class_name, config } = json.modelTopology;
    json.modelTopology = {
      keras_version: '2.1.6',
      backend: 'tensorflow',
      model_config: { class_name, config: config.layers },
    };
    delete json.format;
    delete json.userDefinedMetadata;
    expectSameModel(fromArtifacts({ modelJson: json, weightData }), model);
  });
});

/** The artifacts of a small LSTM → Dense model, with model.json changed by `edit`; returns the load error. */
function loadError(
  edit: (json: Record<string, any>) => void, // eslint-disable-line @typescript-eslint/no-explicit-any
  bytes: (data: ArrayBuffer) => ArrayBuffer = (d) => d,
): SeqcastError {
  const model = new Sequential([lstm({ units: 3 }), dense({ units: 1 })], { inputShape: [4, 2], seed: 2 });
  const { modelJson, weightData } = toArtifacts(model);
  const json = structuredClone(modelJson) as unknown as Record<string, unknown>;
  edit(json);
  try {
    fromArtifacts({ modelJson: json, weightData: bytes(weightData) });
  } catch (e) {
    expect(e).toBeInstanceOf(SeqcastError);
    expect((e as Error).message).not.toContain('\n');
    return e as SeqcastError;
  }
  throw new Error('fromArtifacts() accepted the damaged model');
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const lstmConfig = (json: Record<string, any>): Record<string, any> =>
  json.modelTopology.config.layers[0].config;
const CORRUPT: {
  title: string;
  edit: (json: Record<string, any>) => void;
  bytes?: (d: ArrayBuffer) => ArrayBuffer;
  error: RegExp;
}[] = [
  {
    title: 'truncated weight data',
    edit: () => {},
    bytes: (d) => d.slice(0, d.byteLength - 4),
    error: /weight data holds 300 bytes but the manifest's 5 weights need 304 .*truncated/,
  },
  {
    title: 'a wrong weight shape',
    edit: (j) => (j.weightsManifest[0].weights[0].shape = [12, 2]),
    error: /weight 'lstm\/kernel' has shape \[12, 2\] in the manifest, but layer 'lstm' .*needs \[2, 12\]/,
  },
  {
    title: 'an unknown layer class',
    edit: (j) => (j.modelTopology.config.layers[1].class_name = 'Conv1D'),
    error:
      /layer 'dense' has class "Conv1D", which seqcast does not have; it reads 'Dense', 'Embedding', 'SimpleRNN'/,
  },
  {
    title: 'an unknown config key',
    edit: (j) => (lstmConfig(j).peephole = true),
    error: /layer 'lstm' \(LSTM\) has config key 'peephole', which seqcast does not know/,
  },
  {
    title: 'dropout 1.5',
    edit: (j) => (lstmConfig(j).dropout = 1.5),
    error: /layer 'lstm' \(LSTM\) has dropout 1\.5; expected a number in \[0, 1\)/,
  },
  {
    title: 'stateful true without a batch size',
    edit: (j) => (lstmConfig(j).stateful = true),
    error:
      /layer 'lstm' \(LSTM\) is stateful, which needs a fixed batch size .*the first number of batch_input_shape/,
  },
  {
    title: 'hard_silu',
    edit: (j) => (lstmConfig(j).recurrent_activation = 'hard_silu'),
    error:
      /layer 'lstm' \(LSTM\) has recurrent_activation "hard_silu", which seqcast does not implement \(it reads 'linear', 'tanh', 'sigmoid', 'relu', 'hard_sigmoid_keras3', 'hard_sigmoid'\)/,
  },
  {
    title: 'no recurrent_activation',
    edit: (j) => delete lstmConfig(j).recurrent_activation,
    error:
      /does not state recurrent_activation, whose default differs between TF\.js \('hard_sigmoid'\) and Keras/,
  },
  {
    title: 'stateful "yes"',
    edit: (j) => (lstmConfig(j).stateful = 'yes'),
    error: /layer 'lstm' \(LSTM\) has stateful "yes"; expected true or false/,
  },
  {
    title: 'unroll true',
    edit: (j) => (lstmConfig(j).unroll = true),
    error: /has unroll true; seqcast does not unroll/,
  },
  {
    title: 'a regularizer',
    edit: (j) => (lstmConfig(j).kernel_regularizer = { class_name: 'L2', config: { l2: 0.01 } }),
    error:
      /has kernel_regularizer \{.*\}; seqcast implements no regularizers; set "kernel_regularizer": null/,
  },
  {
    title: 'an activation seqcast lacks',
    edit: (j) => (j.modelTopology.config.layers[1].config.activation = 'softplus'),
    error: /layer 'dense' \(Dense\) has activation "softplus"/,
  },
  {
    title: 'a missing weight',
    edit: (j) => j.weightsManifest[0].weights.pop(),
    bytes: (d) => d.slice(0, d.byteLength - 4),
    error: /the weights manifest has no 'dense\/bias', which the topology needs/,
  },
  {
    title: 'an unknown weight',
    edit: (j) => (j.weightsManifest[0].weights[4].name = 'dense_9/bias'),
    error: /the weights manifest lists 'dense_9\/bias', which no layer of the topology has/,
  },
  {
    title: 'a weight dtype other than float32',
    edit: (j) => (j.weightsManifest[0].weights[0].dtype = 'int32'),
    error: /weight 'lstm\/kernel' has dtype "int32"; seqcast reads float32 weights only/,
  },
  {
    title: 'a quantized weight',
    edit: (j) => (j.weightsManifest[0].weights[0].quantization = { dtype: 'uint8', scale: 1, min: 0 }),
    error: /weight 'lstm\/kernel' is quantized/,
  },
  {
    title: 'a graph model',
    edit: (j) => (j.format = 'graph-model'),
    error: /format is "graph-model", but seqcast reads TF\.js Layers models/,
  },
  {
    title: 'a newer seqcast format version',
    edit: (j) => (j.userDefinedMetadata.seqcast.formatVersion = 2),
    error: /saved in seqcast format version 2, newer than .* reads \(1\); upgrade seqcast/,
  },
  {
    title: 'a functional model',
    edit: (j) => (j.modelTopology.class_name = 'Functional'),
    error: /the model is a "Functional", but seqcast reads Sequential models only/,
  },
  {
    title: 'a weight path with a folder',
    edit: (j) => (j.weightsManifest[0].paths = ['../secret.bin']),
    error: /paths must list weight file names without folders/,
  },
  { title: 'an unknown top-level key', edit: (j) => (j.extra = 1), error: /model\.json has key 'extra'/ },
  {
    title: 'no input shape',
    edit: (j) => delete lstmConfig(j).batch_input_shape,
    error: /the first layer states no batch_input_shape/,
  },
  {
    title: 'a non-finite weight',
    edit: () => {},
    bytes: (d) => {
      const copy = d.slice(0);
      new DataView(copy).setFloat32(0, NaN, true);
      return copy;
    },
    error: /weight 'lstm\/kernel' holds NaN/,
  },
];
/* eslint-enable @typescript-eslint/no-explicit-any */

describe('damaged and unsupported files', () => {
  it.each(titled(CORRUPT))('fromArtifacts refuses %s with one line naming it', (_title, c) => {
    expect(loadError(c.edit, c.bytes).message).toMatch(c.error);
  });

  it('fromArtifacts refuses a GRU without reset_after, whose default differs between libraries', () => {
    const model = new Sequential([gru({ units: 2 })], { inputShape: [3, 1], seed: 1 });
    const { modelJson, weightData } = toArtifacts(model);
    const json = structuredClone(modelJson) as unknown as {
      modelTopology: { config: { layers: { config: Record<string, unknown> }[] } };
    };
    delete json.modelTopology.config.layers[0].config.reset_after;
    expect(() => fromArtifacts({ modelJson: json, weightData })).toThrow(
      /layer 'gru' \(GRU\) does not state reset_after, whose default differs between TF\.js \(false\) and Keras 3 \(true\)/,
    );
  });

  async function savedFolder(): Promise<string> {
    const dir = freshFolder();
    await saveModel(
      new Sequential([lstm({ units: 3 }), dense({ units: 1 })], { inputShape: [4, 2], seed: 2 }),
      dir,
    );
    return dir;
  }

  it('loadModel names a truncated .bin, the bytes expected and the bytes found', async () => {
    const dir = await savedFolder();
    const bin = join(dir, 'group1-shard1of1.bin');
    await writeFile(bin, (await readFile(bin)).subarray(0, 100));
    await expect(loadModel(dir)).rejects.toThrow(
      /the weights file 'group1-shard1of1\.bin' in '.*' holds 100 bytes but 304 were expected .*it is truncated/,
    );
  });

  it('loadModel names an oversized .bin', async () => {
    const dir = await savedFolder();
    const bin = join(dir, 'group1-shard1of1.bin');
    await writeFile(bin, Buffer.concat([await readFile(bin), Buffer.alloc(8)]));
    await expect(loadModel(dir)).rejects.toThrow(/holds 312 bytes but 304 were expected .*it is too long/);
  });

  it('loadModel names a missing weights file', async () => {
    const dir = await savedFolder();
    await rm(join(dir, 'group1-shard1of1.bin'));
    await expect(loadModel(dir)).rejects.toThrow(
      /the weights file 'group1-shard1of1\.bin' that model\.json lists is missing/,
    );
  });

  it('loadModel names model.json when it is not valid JSON', async () => {
    const dir = await savedFolder();
    await writeFile(join(dir, 'model.json'), '{"format": "layers-model",');
    await expect(loadModel(dir)).rejects.toThrow(
      /'.*model\.json' is not valid JSON \(.*\); the file is damaged/,
    );
  });

  it('loadModel says when a folder has no model.json', async () => {
    const dir = freshFolder();
    await mkdir(dir);
    await expect(loadModel(dir)).rejects.toThrow(/there is no model\.json in '.*'/);
  });

  it('loadModel prefixes topology errors with the path of model.json', async () => {
    const dir = await savedFolder();
    const file = join(dir, 'model.json');
    await writeFile(file, (await readFile(file, 'utf8')).replace('"unroll":false', '"unroll":true'));
    await expect(loadModel(dir)).rejects.toThrow(/model\.json: layer 'lstm' \(LSTM\) has unroll true/);
  });
});

describe('saveModel writes atomically and never deletes what is not a model', () => {
  const small = (seed: number): Sequential =>
    new Sequential([gru({ units: 3 }), dense({ units: 1 })], { inputShape: [4, 2], seed });

  async function siblings(dir: string): Promise<string[]> {
    const name = dir.split(/[/\\]/).pop()!;
    return (await readdir(join(dir, '..'))).filter((n) => n.includes(name) && n !== name);
  }

  it('saveModel(model, dir) refuses a folder that already holds a model unless overwrite is true', async () => {
    const dir = freshFolder();
    const first = small(1);
    const second = small(2);
    await saveModel(first, dir);
    await expect(saveModel(second, dir)).rejects.toThrow(
      /already holds a model; pass \{ overwrite: true \} to replace it/,
    );
    expectSameModel(await loadModel(dir), first);
    await saveModel(second, dir, { overwrite: true });
    expectSameModel(await loadModel(dir), second);
    expect(await siblings(dir)).toEqual([]);
  });

  it('saveModel(model, dir, { overwrite: true }) never deletes a folder that is not a model', async () => {
    const dir = freshFolder();
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await expect(saveModel(small(1), dir, { overwrite: true })).rejects.toThrow(
      /holds no seqcast or TF\.js model \('notes\.txt'\); saveModel never deletes other files/,
    );
    await writeFile(join(dir, 'model.json'), '{"not": "a model"}');
    await expect(saveModel(small(1), dir, { overwrite: true })).rejects.toThrow(
      /holds no seqcast or TF\.js model/,
    );
    expect((await readdir(dir)).sort()).toEqual(['model.json', 'notes.txt']);
  });

  it('saveModel(model, dir, { overwrite: true }) refuses a model folder that also holds other files', async () => {
    const dir = freshFolder();
    await saveModel(small(1), dir);
    await writeFile(join(dir, 'README.md'), 'mine');
    await expect(saveModel(small(2), dir, { overwrite: true })).rejects.toThrow(
      /holds a model and other files \('README\.md'\)/,
    );
    expectSameModel(await loadModel(dir), small(1));
  });

  it('saveModel(model, path) refuses a path that is a file, and fills an empty folder', async () => {
    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    await expect(saveModel(small(1), file)).rejects.toThrow(/is a file, not a folder/);
    const dir = freshFolder();
    await mkdir(dir);
    await saveModel(small(1), dir);
    expectSameModel(await loadModel(dir), small(1));
  });

  it('saveModel(model, dir) creates missing parent folders', async () => {
    const dir = join(freshFolder(), 'a', 'b');
    await saveModel(small(1), dir);
    expectSameModel(await loadModel(dir), small(1));
  });

  it('a failure while writing a shard leaves the previous model intact and no temporary folder', async () => {
    const dir = freshFolder();
    await saveModel(small(1), dir);
    faults.open = /\.saving-.*group1-shard1of1\.bin$/;
    try {
      await expect(saveModel(small(2), dir, { overwrite: true })).rejects.toThrow(
        /could not write the model for '.*': EIO: simulated failure, open .*; '.*' is unchanged/,
      );
    } finally {
      faults.open = null;
    }
    expectSameModel(await loadModel(dir), small(1));
    expect(await siblings(dir)).toEqual([]);
  });

  it('a failure while writing into a new folder leaves nothing behind', async () => {
    const dir = freshFolder();
    faults.open = /\.saving-.*model\.json$/;
    try {
      await expect(saveModel(small(2), dir)).rejects.toThrow(/EIO: simulated failure.*; nothing was written/);
    } finally {
      faults.open = null;
    }
    await expect(stat(dir)).rejects.toThrow(/ENOENT/);
    expect(await siblings(dir)).toEqual([]);
  });

  it('a failure while moving the new model in puts the old model back', async () => {
    const dir = freshFolder();
    await saveModel(small(1), dir);
    faults.renameFrom = /\.saving-/;
    try {
      await expect(saveModel(small(2), dir, { overwrite: true })).rejects.toThrow(
        /could not move the new model into '.*': EIO: simulated failure.*; the old model was put back/,
      );
    } finally {
      faults.renameFrom = null;
    }
    expectSameModel(await loadModel(dir), small(1));
    expect(await siblings(dir)).toEqual([]);
  });

  it('loadModel points at the previous model when a save was killed between its two renames', async () => {
    const dir = freshFolder();
    await saveModel(small(1), dir);
    const aside = join(root, `.${dir.split(/[/\\]/).pop()!}.replaced-1-test`);
    await rename(dir, aside); // the state a SIGKILL between "old aside" and "new in" leaves
    await expect(loadModel(dir)).rejects.toThrow(
      /there is no model at '.*': a save was interrupted while swapping folders; the previous model is complete in '.*\.replaced-1-test'/,
    );
    expectSameModel(await loadModel(aside), small(1));
  });

  it('saveModel refuses unknown options', async () => {
    await expect(
      saveModel(small(1), freshFolder(), { overwrite: true, force: true } as never),
    ).rejects.toThrow(/unknown option 'force'/);
  });
});

describe('the training configuration travels with the model', () => {
  it('toArtifacts() of a compiled model writes TF.js trainingConfig, and fromArtifacts() compiles the loaded model the same way', async () => {
    const {
      adam: makeAdam,
      dense: makeDense,
      exponentialDecay,
      fromArtifacts: load,
      huber,
      lstm: makeLstm,
      sequential: seq,
      toArtifacts: save,
    } = await import('../src/index.js');
    const m = seq([makeLstm({ units: 3 }), makeDense({ units: 1 })], { inputShape: [4, 1], seed: 1 });
    m.compile({
      optimizer: makeAdam({
        learningRate: exponentialDecay({ initialLearningRate: 0.01, decaySteps: 10, decayRate: 0.9 }),
        clipnorm: 1,
      }),
      loss: huber(0.5),
      metrics: ['mae', 'rmse'],
    });
    const a = save(m, { note: 'kept' });
    // TF.js's compile() knows no 'rmse' (and would refuse the whole model): its form lists only 'mae'
    expect(a.modelJson.trainingConfig).toEqual({
      loss: 'huber',
      metrics: ['mae'],
      optimizer_config: {
        class_name: 'Adam',
        config: { learning_rate: 0.01, clipnorm: 1, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7 },
      },
    });
    const back = load({
      modelJson: JSON.parse(JSON.stringify(a.modelJson)) as unknown,
      weightData: a.weightData,
    });
    expect(back.compiled?.optimizer.getConfig()).toEqual(m.compiled?.optimizer.getConfig());
    expect(back.compiled?.loss.name).toBe('huber');
    expect(back.compiled?.loss.delta).toBe(0.5);
    expect(back.compiled?.metrics.map((x) => x.name)).toEqual(['mae', 'rmse']);
  });

  it('fromArtifacts() of an uncompiled model leaves it uncompiled', async () => {
    const {
      dense: makeDense,
      fromArtifacts: load,
      sequential: seq,
      toArtifacts: save,
    } = await import('../src/index.js');
    const m = seq([makeDense({ units: 1 })], { inputShape: [2], seed: 1 });
    const a = save(m);
    expect(a.modelJson.trainingConfig).toBeUndefined();
    expect(load(a).compiled).toBeNull();
  });
});
