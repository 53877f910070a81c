/**
 * `toKerasFile(model)` / `saveKerasModel(model, path)`: the Keras 3 `.keras` zip seqcast writes. Every layer
 * kind and option reads back through seqcast's own reader to the same predictions bit for bit; the zip,
 * config.json and model.weights.h5 have the structure Keras 3's saving_lib writes (checked here through the
 * reader's HDF5 layer, and by h5py in scripts/fixtures/keras_written_check.py, whose output
 * test/fixtures/keras-written/h5py.json is compared below); a compiled model's optimizer state comes back
 * so that the next update is the one the original would make; existing files are never replaced silently.
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Layer, Sequential } from '../src/node.js';
import {
  adam,
  bidirectional,
  dense,
  dropout,
  embedding,
  fromKerasFile,
  globalAveragePooling1D,
  gru,
  loadKerasModel,
  lstm,
  masking,
  Random,
  rmsprop,
  saveKerasModel,
  sequential,
  sgd,
  simpleRNN,
  spatialDropout1D,
  tensor,
  timeDistributed,
  toKerasFile,
} from '../src/node.js';
import { H5Dataset, H5File } from '../src/model/keras/hdf5.js';
import { H5GroupSpec, lookup3, writeHdf5 } from '../src/model/keras/hdf5-write.js';
import { randomTensor } from './helpers/gradcheck.js';
import { needs } from './helpers/shared-data.js';
import * as seqcast from '../src/node.js';
import { writtenModels as models } from '../scripts/fixtures/keras_written_models.mjs';

const writtenModels = () => models(seqcast);

const quiet = { onSkip: (m: string) => expect.fail(`nothing should be skipped: ${m}`) };

function same(a: Sequential, b: Sequential, x: ReturnType<typeof tensor>): void {
  expect(Array.from(b.predict(x).data)).toEqual(Array.from(a.predict(x).data));
}

function ids(rng: Random, shape: [number, number], vocab: number, padFrom = -1): ReturnType<typeof tensor> {
  const data = new Float32Array(shape[0] * shape[1]);
  for (let i = 0; i < data.length; i++) {
    const t = i % shape[1];
    data[i] = padFrom >= 0 && t >= padFrom && i >= shape[1] ? 0 : 1 + Math.floor(rng.uniform() * (vocab - 1));
  }
  return tensor(data, shape);
}

describe('toKerasFile: every layer kind reads back to the same predictions', () => {
  const rng = new Random(7);
  const cases: [string, () => Sequential, () => ReturnType<typeof tensor>][] = [
    ...writtenModels().map(
      (m) =>
        [
          m.name,
          m.build,
          () =>
            m.tokens
              ? ids(rng, [3, m.inputShape[0] as number], 12, 3)
              : randomTensor(rng, [3, ...(m.inputShape as number[])], 'float32'),
        ] as [string, () => Sequential, () => ReturnType<typeof tensor>],
    ),
    [
      'stateful GRU with a batch size',
      () =>
        sequential([gru({ units: 3, stateful: true }), dense({ units: 1 })], {
          inputShape: [4, 2],
          batchSize: 3,
          seed: 5,
        }),
      () => randomTensor(rng, [3, 4, 2], 'float32'),
    ],
  ];
  for (const [name, build, input] of cases) {
    it(`toKerasFile(model) → fromKerasFile: ${name}`, async () => {
      const model = build();
      const back = await fromKerasFile(await toKerasFile(model), quiet);
      expect(back.layers.map((l: Layer) => l.className)).toEqual(model.layers.map((l: Layer) => l.className));
      expect(back.layers.map((l: Layer) => l.getConfig())).toEqual(
        model.layers.map((l: Layer) => l.getConfig()),
      );
      expect(back.batchSize).toBe(model.batchSize);
      same(model, back, input());
    });
  }

  it('a Bidirectional in each merge mode, going backwards, without a bias', async () => {
    for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as const) {
      const model = sequential(
        [
          bidirectional(lstm({ units: 3, useBias: false, goBackwards: true }), { mergeMode }),
          dense({ units: 2 }),
        ],
        { inputShape: [5, 2], seed: 9 },
      );
      same(
        model,
        await fromKerasFile(await toKerasFile(model), quiet),
        randomTensor(rng, [2, 5, 2], 'float32'),
      );
    }
  });
});

describe('the file has the structure Keras 3 writes', () => {
  it('zip entries, metadata.json, config.json (modules, InputLayer, build configs) and the H5IOStore layout', async () => {
    const model = sequential(
      [
        embedding({ inputDim: 12, outputDim: 4, maskZero: true }),
        bidirectional(gru({ units: 3, returnSequences: true })),
        timeDistributed(dense({ units: 2 })),
        lstm({ units: 2 }),
        dropout({ rate: 0.1 }),
        dense({ units: 1, activation: 'sigmoid' }),
      ],
      { inputShape: [6], seed: 2 },
    );
    model.compile({
      optimizer: adam({ learningRate: 0.01 }),
      loss: 'binaryCrossentropy',
      metrics: ['accuracy'],
    });
    const files = unzipSync(await toKerasFile(model));
    expect(Object.keys(files)).toEqual(['metadata.json', 'config.json', 'model.weights.h5']);
    const metadata = JSON.parse(strFromU8(files['metadata.json'])) as Record<string, string>;
    expect(metadata.keras_version).toMatch(/^3\./);
    expect(metadata.date_saved).toMatch(/^\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d$/);
    const config = JSON.parse(strFromU8(files['config.json'])) as {
      module: string;
      class_name: string;
      build_config: unknown;
      compile_config: { optimizer: { class_name: string; config: Record<string, unknown> }; loss: unknown };
      config: {
        layers: {
          module: string;
          class_name: string;
          config: Record<string, unknown>;
          build_config?: unknown;
        }[];
      };
    };
    expect([config.module, config.class_name]).toEqual(['keras', 'Sequential']);
    expect(config.build_config).toEqual({ input_shape: [null, 6] });
    const layers = config.config.layers;
    expect(layers.map((l) => l.class_name)).toEqual([
      'InputLayer',
      'Embedding',
      'Bidirectional',
      'TimeDistributed',
      'LSTM',
      'Dropout',
      'Dense',
    ]);
    expect(layers.every((l) => l.module === 'keras.layers')).toBe(true);
    expect(layers[0].config).toMatchObject({ batch_shape: [null, 6], dtype: 'float32' });
    expect(layers[2].build_config).toEqual({ input_shape: [null, 6, 4] });
    expect(layers[5].build_config).toBeUndefined();
    for (const l of layers.slice(1)) {
      expect(l.config.dtype).toMatchObject({ module: 'keras', class_name: 'DTypePolicy' });
      for (const key of ['batch_input_shape', 'implementation', 'input_length'])
        expect(l.config).not.toHaveProperty(key);
    }
    expect(layers[4].config.kernel_initializer).toMatchObject({
      module: 'keras.initializers',
      class_name: 'GlorotUniform',
    });
    expect(config.compile_config.optimizer).toMatchObject({
      class_name: 'Adam',
      config: { learning_rate: 0.01, beta_1: 0.9, amsgrad: false },
    });
    const h5 = H5File.open(files['model.weights.h5'], 'model.weights.h5').root;
    const shapeOf = (path: string): number[] => (h5.child(path) as H5Dataset).shape;
    expect(h5.group('layers')!.keys().sort()).toEqual([
      'bidirectional',
      'dense',
      'dropout',
      'embedding',
      'lstm',
      'time_distributed',
    ]);
    expect(shapeOf('layers/embedding/vars/0')).toEqual([12, 4]);
    expect(shapeOf('layers/bidirectional/forward_layer/cell/vars/2')).toEqual([2, 9]);
    expect(shapeOf('layers/bidirectional/backward_layer/cell/vars/1')).toEqual([3, 9]);
    expect(shapeOf('layers/time_distributed/layer/vars/0')).toEqual([6, 2]);
    expect(shapeOf('layers/lstm/cell/vars/0')).toEqual([2, 8]);
    expect(h5.group('layers/dropout/vars')!.keys()).toEqual([]);
    expect(h5.group('layers/lstm/cell/vars')!.attrText('name')).toBe('lstm_cell');
    // an optimizer that has made no update: iterations 0, its rate, zero moments for each of the 13 weights
    const vars = h5.group('optimizer/vars')!;
    expect(vars.keys()).toHaveLength(2 + 2 * model.weights().length);
    expect((vars.child('0') as H5Dataset).readInteger('iterations')).toBe(0);
    expect(Array.from((vars.child('1') as H5Dataset).readFloat32(1, 'lr'))).toEqual([Math.fround(0.01)]);
    expect(shapeOf('optimizer/vars/2')).toEqual([12, 4]);
    expect(shapeOf('optimizer/vars/3')).toEqual([12, 4]);
    expect(shapeOf('optimizer/vars/4')).toEqual([4, 9]);
  });

  it("a layer with Keras 2's hard_sigmoid is refused for a Keras 3 file, naming the layer and the fix", async () => {
    const model = sequential([lstm({ units: 2, recurrentActivation: 'hardSigmoidTfjs' })], {
      inputShape: [3, 1],
    });
    await expect(toKerasFile(model)).rejects.toThrow(
      /layer 'lstm' \(LSTM\) has recurrent_activation 'hard_sigmoid', Keras 2's and TF\.js's clip\(0\.2·x \+ 0\.5, 0, 1\), which Keras 3 does not have .*use 'hardSigmoid'/,
    );
    const k3 = sequential([lstm({ units: 2, recurrentActivation: 'hardSigmoid' })], {
      inputShape: [3, 1],
      seed: 1,
    });
    const back = await fromKerasFile(await toKerasFile(k3), quiet);
    expect(back.layers[0].getConfig()).toMatchObject({ recurrentActivation: 'hardSigmoid' });
  });

  it('h5py reads the files seqcast writes: the layout and every value (scripts/fixtures/keras_written_check.py)', async () => {
    const report = JSON.parse(
      readFileSync(join(import.meta.dirname, 'fixtures', 'keras-written', 'h5py.json'), 'utf8'),
    ) as {
      models: {
        name: string;
        datasets: Record<string, { shape: number[]; dtype: string; sum: number; first: number[] }>;
        groups: string[];
        attrs: Record<string, string>;
      }[];
    };
    const models = writtenModels();
    expect(report.models.map((m) => m.name)).toEqual(models.map((m) => m.name));
    for (const [k, m] of models.entries()) {
      const files = unzipSync(await toKerasFile(m.build()));
      const h5 = H5File.open(files['model.weights.h5'], m.name).root;
      const seen = report.models[k];
      const datasets: Record<string, { shape: number[]; dtype: string; sum: number; first: number[] }> = {};
      const groups: string[] = [];
      const attrs: Record<string, string> = {};
      const walk = (g: NonNullable<ReturnType<typeof h5.group>>, path: string): void => {
        const name = g.attrText('name');
        if (name !== undefined) attrs[path] = name;
        for (const key of g.keys()) {
          const c = g.child(key)!;
          const p = path === '' ? key : `${path}/${key}`;
          if (c instanceof H5Dataset) {
            const values = c.dtype.includes('i') ? [c.readInteger(p)] : Array.from(c.readFloat32(1e9, p));
            datasets[p] = {
              shape: c.shape,
              dtype: c.dtype.includes('i') ? 'int64' : 'float32',
              sum: values.reduce((s, v) => s + v, 0),
              first: values.slice(0, 3),
            };
          } else {
            groups.push(p);
            walk(c, p);
          }
        }
      };
      walk(h5, '');
      expect(Object.keys(seen.datasets).sort()).toEqual(Object.keys(datasets).sort());
      expect(seen.groups.sort()).toEqual(groups.sort());
      for (const [p, d] of Object.entries(datasets)) {
        expect(seen.datasets[p].shape, p).toEqual(d.shape);
        expect(seen.datasets[p].dtype, p).toBe(d.dtype);
        expect(seen.datasets[p].first, p).toEqual(d.first);
        expect(seen.datasets[p].sum, p).toBeCloseTo(d.sum, 4);
      }
      // the `name` attribute Keras gives each vars group: the layer's name, `<class>_cell`, `forward_<class>`
      expect(seen.attrs).toEqual(attrs);
      expect(Object.keys(attrs).length).toBeGreaterThan(2);
    }
  });
});

describe('the optimizer state is written and read back', () => {
  for (const [name, make] of [
    ['adam', () => adam({ learningRate: 0.01 })],
    ['rmsprop (momentum, centered)', () => rmsprop({ momentum: 0.5, centered: true })],
    ['sgd (momentum)', () => sgd({ momentum: 0.9, learningRate: 0.05 })],
  ] as const) {
    it(`a trained model's ${name} state comes back: the next epoch gives the same weights bit for bit`, async () => {
      const build = (): Sequential => {
        const m = sequential([gru({ units: 3 }), dense({ units: 1 })], { inputShape: [4, 2], seed: 3 });
        m.compile({ optimizer: make(), loss: 'mse' });
        return m;
      };
      const rng = new Random(1);
      const x = randomTensor(rng, [8, 4, 2], 'float32');
      const y = randomTensor(rng, [8, 1], 'float32');
      const model = build();
      await model.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false });
      const back = await fromKerasFile(await toKerasFile(model), quiet);
      expect(back.compiled!.optimizer.iterations).toBe(4);
      const a = model.compiled!.optimizer.slots()!;
      const b = back.compiled!.optimizer.slots()!;
      expect(Object.keys(b)).toEqual(Object.keys(a));
      for (const k of Object.keys(a)) expect(Array.from(b[k]), k).toEqual(Array.from(a[k]));
      await model.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false });
      await back.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false });
      expect(Array.from(back.params)).toEqual(Array.from(model.params));
    });
  }
});

describe('saveKerasModel(model, path)', () => {
  it('writes the file, never replaces one silently, and refuses a folder or another extension', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqcast-keras-'));
    const model = sequential([simpleRNN({ units: 2 }), dense({ units: 1 })], { inputShape: [3, 1], seed: 4 });
    const path = join(dir, 'model.keras');
    await saveKerasModel(model, path);
    const x = randomTensor(new Random(2), [2, 3, 1], 'float32');
    same(model, await loadKerasModel(path, quiet), x);
    await expect(saveKerasModel(model, path)).rejects.toThrow(
      `saveKerasModel(): '${path}' already exists; pass { overwrite: true } to replace it`,
    );
    const other = sequential([simpleRNN({ units: 2 }), dense({ units: 1 })], { inputShape: [3, 1], seed: 5 });
    await saveKerasModel(other, path, { overwrite: true });
    same(other, await loadKerasModel(path, quiet), x);
    mkdirSync(join(dir, 'folder.keras'));
    await expect(saveKerasModel(model, join(dir, 'folder.keras'), { overwrite: true })).rejects.toThrow(
      /is a folder/,
    );
    await expect(saveKerasModel(model, join(dir, 'model.h5'))).rejects.toThrow(/does not end in \.keras/);
    await expect(saveKerasModel(model, path, { force: true } as never)).rejects.toThrow(
      /unknown option 'force'/,
    );
    writeFileSync(join(dir, 'keep.keras'), 'not mine');
    await expect(saveKerasModel(model, join(dir, 'keep.keras'))).rejects.toThrow(/already exists/);
    expect(readFileSync(join(dir, 'keep.keras'), 'utf8')).toBe('not mine');
  });

  it('masking and spatial dropout layers write and read too', async () => {
    const model = sequential(
      [
        masking({ maskValue: 0 }),
        lstm({ units: 2, returnSequences: true }),
        spatialDropout1D({ rate: 0.2 }),
        globalAveragePooling1D(),
        dense({ units: 1 }),
      ],
      { inputShape: [4, 2], seed: 6 },
    );
    const x = tensor(Float32Array.from([1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8, 9, 1, 0, 0]), [2, 4, 2]);
    same(model, await fromKerasFile(await toKerasFile(model), quiet), x);
  });
});

const REAL = [
  'deepak_forecast_gru2.keras',
  'akshit_spam_embed_mask_gru.keras',
  'adjoa_stock_lstm2.keras',
  'kushagra_eye_bigru_functional.keras', // functional: its InputLayer has a (weightless) group, a Sequential's has none
];
const needReal = needs(...REAL.map((f) => `keras-files/${f}`));

describe.skipIf(!needReal.available)('a real Keras 3 file, read and written again' + needReal.note, () => {
  for (const name of REAL) {
    it(`${name}: the same groups, datasets (shapes, dtypes, values) and optimizer state as Keras wrote`, async () => {
      const original = new Uint8Array(readFileSync(needReal.path(`keras-files/${name}`)));
      // adjoa's r2_score metric is not in seqcast (said, and left out); nothing else may be skipped
      const model = await fromKerasFile(original, {
        onSkip: (m) => expect(m).toMatch(/not carried over: the metric "r2_score"/),
      });
      const written = await toKerasFile(model);
      const tree = (bytes: Uint8Array): Map<string, { shape: number[]; dtype: string; values: number[] }> => {
        const root = H5File.open(unzipSync(bytes)['model.weights.h5'], name).root;
        const out = new Map<string, { shape: number[]; dtype: string; values: number[] }>();
        const walk = (g: NonNullable<ReturnType<typeof root.group>>, path: string): void => {
          for (const key of g.keys()) {
            const c = g.child(key)!;
            const p = path === '' ? key : `${path}/${key}`;
            if (c instanceof H5Dataset) {
              const integer = /i8$/.test(c.dtype);
              out.set(p, {
                shape: c.shape,
                dtype: integer ? 'int64' : 'float32',
                values: integer ? [c.readInteger(p)] : Array.from(c.readFloat32(1e8, p)),
              });
            } else {
              out.set(`${p}/`, { shape: [], dtype: 'group', values: [] });
              walk(c, p);
            }
          }
        };
        walk(root, '');
        return out;
      };
      const theirs = tree(original);
      for (const path of [...theirs.keys()]) if (path.startsWith('layers/input_layer/')) theirs.delete(path);
      const ours = tree(written);
      expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
      for (const [path, d] of theirs) expect(ours.get(path), path).toEqual(d);
      const x = randomTensor(new Random(2), [2, ...(model.inputShape as number[])], 'float32');
      if (model.layers[0].className === 'Embedding') x.data.forEach((_, i) => (x.data[i] = 1 + (i % 40)));
      same(model, await fromKerasFile(written, quiet), x);
    });
  }
});

describe('the HDF5 writer (hdf5-write.ts)', () => {
  it("lookup3 is Bob Jenkins' hashlittle with initial value 0 (the checksum HDF5 verifies)", () => {
    expect(lookup3(new Uint8Array(0))).toBe(0xdeadbeef);
    expect(lookup3(new TextEncoder().encode('Four score and seven years ago'))).toBe(0x17770551);
  });

  it('groups of many links, scalars, empty and multi-dimensional datasets, UTF-8 names and attributes read back', () => {
    const root = new H5GroupSpec();
    const g = root.group('a/b');
    for (let i = 0; i < 30; i++)
      g.dataset(String(i), { dtype: 'float32', shape: [i % 3, 2], data: new Array((i % 3) * 2).fill(i) });
    root.group('a').dataset('scalar', { dtype: 'int64', shape: [], data: [2 ** 40] });
    root.group('a').dataset('cube', { dtype: 'float32', shape: [2, 2, 2], data: [1, 2, 3, 4, 5, 6, 7, 8.5] });
    root.group('größe').attrs.set('name', 'naïve');
    const h5 = H5File.open(writeHdf5(root), 'test.h5').root;
    expect(h5.group('a/b')!.keys()).toHaveLength(30);
    expect((h5.child('a/b/29') as H5Dataset).shape).toEqual([2, 2]);
    expect(Array.from((h5.child('a/b/29') as H5Dataset).readFloat32(10, 'x'))).toEqual([29, 29, 29, 29]);
    expect((h5.child('a/b/3') as H5Dataset).shape).toEqual([0, 2]);
    expect((h5.child('a/scalar') as H5Dataset).readInteger('s')).toBe(2 ** 40);
    expect(Array.from((h5.child('a/cube') as H5Dataset).readFloat32(8, 'c'))).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8.5,
    ]);
    expect(h5.group('größe')!.attrText('name')).toBe('naïve');
    expect(() => root.group('a/scalar/x')).toThrow(/crosses the dataset 'scalar'/);
    expect(() => root.group('a').dataset('cube', { dtype: 'float32', shape: [1], data: [1] })).toThrow(
      /exists/,
    );
  });
});
