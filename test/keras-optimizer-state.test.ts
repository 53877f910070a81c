/**
 * The optimizer state of real Keras files (the shared folder's, never copied here) is restored, so training
 * resumes where Keras left it: iterations and each moment equal the file's datasets (read here directly,
 * by path), and the next update is Adam's from those moments, computed by hand below, not a fresh
 * optimizer's. Keras 3 zips (optimizer/vars), Keras 3's legacy .h5 and tf.keras 2 .h5 (optimizer_weights).
 */
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import type { Sequential } from '../src/node.js';
import { adam, fromKerasFile, Random } from '../src/node.js';
import { H5Dataset, H5File } from '../src/model/keras/hdf5.js';
import { randomTensor } from './helpers/gradcheck.js';
import { needs } from './helpers/shared-data.js';

const ZIP = 'deepak_forecast_gru2.keras'; // Keras 3.15, Adam, GRU ×2
const LEGACY = 'aditya_crypto_lstm2_legacy.h5'; // Keras 3.10 legacy writer, Adam
const KERAS2 = 'anushree_imdb_embed_gru_resetbefore.h5'; // tf.keras 2.2.4, RMSprop
const KERAS27 = 'ruohan_dsr_bigru_seq_dense.h5'; // tf.keras 2.7, Adam: every …/m:0, then every …/v:0
const need = needs(...[ZIP, LEGACY, KERAS2, KERAS27].map((f) => `keras-files/${f}`));

function bytesOf(file: string): Uint8Array {
  return new Uint8Array(readFileSync(need.path(`keras-files/${file}`)));
}

function values(d: unknown): Float32Array {
  expect(d).toBeInstanceOf(H5Dataset);
  return (d as H5Dataset).readFloat32(1e8, 'test');
}

/** The slot `name` of `model` for weight `w`, as a copy. */
function slotOf(model: Sequential, name: string, w: number): Float32Array {
  const weights = model.weights();
  const offset = weights.slice(0, w).reduce((n, x) => n + x.data.length, 0);
  return Float32Array.from(
    model.compiled!.optimizer.slots()![name].subarray(offset, offset + weights[w].data.length),
  );
}

describe.skipIf(!need.available)("the optimizer's state of Keras files" + need.note, () => {
  it('Keras 3 .keras: iterations, learning rate and every momentum and velocity equal optimizer/vars', async () => {
    const skipped: string[] = [];
    const model = await fromKerasFile(bytesOf(ZIP), { onSkip: (s) => skipped.push(s) });
    expect(skipped).toEqual([]);
    const h5 = H5File.open(unzipSync(bytesOf(ZIP))['model.weights.h5'], ZIP).root;
    const vars = h5.group('optimizer/vars')!;
    const iterations = (vars.child('0') as H5Dataset).readInteger('iterations');
    expect(iterations).toBeGreaterThan(0);
    expect(model.compiled!.optimizer.iterations).toBe(iterations);
    expect(Math.fround(model.compiled!.optimizer.currentLearningRate())).toBe(values(vars.child('1'))[0]);
    const weights = model.weights();
    expect(vars.keys()).toHaveLength(2 + 2 * weights.length);
    weights.forEach((w, j) => {
      expect(Array.from(slotOf(model, 'momentum', j)), w.name).toEqual(
        Array.from(values(vars.child(String(2 + 2 * j)))),
      );
      expect(Array.from(slotOf(model, 'velocity', j)), w.name).toEqual(
        Array.from(values(vars.child(String(3 + 2 * j)))),
      );
    });
    expect(slotOf(model, 'velocity', 0).some((v) => v !== 0)).toBe(true);
  });

  it("the next update is Adam's from the file's moments at step iterations + 1, not a fresh optimizer's", async () => {
    const resumed = await fromKerasFile(bytesOf(ZIP), { onSkip: () => {} });
    const fresh = await fromKerasFile(bytesOf(ZIP), { onSkip: () => {} });
    const cfg = resumed.compiled!.optimizer.getConfig() as { beta1: number; beta2: number; epsilon: number };
    fresh.compile({
      optimizer: adam({ learningRate: resumed.compiled!.optimizer.currentLearningRate() }),
      loss: 'mse',
    });
    const t = resumed.compiled!.optimizer.iterations + 1;
    const m0 = Float32Array.from(resumed.compiled!.optimizer.slots()!.momentum);
    const v0 = Float32Array.from(resumed.compiled!.optimizer.slots()!.velocity);
    const w0 = Float32Array.from(resumed.params);
    const rng = new Random(3);
    const x = randomTensor(rng, [2, 480, 3], 'float32');
    const y = randomTensor(rng, [2, 1], 'float32');
    await resumed.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false });
    await fresh.fit(x, y, { epochs: 1, batchSize: 2, shuffle: false });
    // the gradient of that one batch is what both saw (same weights, same data); grads hold it after fit
    const g = Float32Array.from(resumed.grads);
    expect(Array.from(fresh.grads)).toEqual(Array.from(g));
    const lr = resumed.compiled!.optimizer.currentLearningRate();
    const alpha = (lr * Math.sqrt(1 - Math.pow(cfg.beta2, t))) / (1 - Math.pow(cfg.beta1, t));
    const want = new Float32Array(w0.length);
    for (let i = 0; i < w0.length; i++) {
      const mi = m0[i] + (g[i] - m0[i]) * (1 - cfg.beta1);
      const vi = v0[i] + (g[i] * g[i] - v0[i]) * (1 - cfg.beta2);
      want[i] = w0[i] - (alpha * mi) / (Math.sqrt(vi) + cfg.epsilon);
    }
    expect(Array.from(resumed.params)).toEqual(Array.from(want));
    expect(resumed.compiled!.optimizer.iterations).toBe(t);
    // a fresh optimizer's first step moves every weight by about lr; the resumed one does not
    expect(Array.from(fresh.params)).not.toEqual(Array.from(resumed.params));
    expect(fresh.compiled!.optimizer.iterations).toBe(1);
  });

  it("Keras 3's legacy .h5 (adam/…_momentum, …_velocity) and tf.keras 2's (RMSprop/…/rms:0) restore by name", async () => {
    const legacy = await fromKerasFile(bytesOf(LEGACY), { onSkip: (s) => expect.fail(s) });
    const h5 = H5File.open(bytesOf(LEGACY), LEGACY).root.group('optimizer_weights')!;
    expect(legacy.compiled!.optimizer.iterations).toBe(
      (h5.child('adam/iteration') as H5Dataset).readInteger('it'),
    );
    expect(Array.from(slotOf(legacy, 'velocity', 1))).toEqual(
      Array.from(values(h5.child('adam/lstm_2_lstm_cell_recurrent_kernel_velocity'))),
    );
    expect(Array.from(slotOf(legacy, 'momentum', 9))).toEqual(
      Array.from(values(h5.child('adam/dense_3_bias_momentum'))),
    );
    const keras2 = await fromKerasFile(bytesOf(KERAS2), { onSkip: (s) => expect.fail(s) });
    const k2 = H5File.open(bytesOf(KERAS2), KERAS2).root.group('optimizer_weights')!;
    expect(keras2.compiled!.optimizer.name).toBe('rmsprop');
    expect(keras2.compiled!.optimizer.iterations).toBe(
      (k2.child('RMSprop/iter:0') as H5Dataset).readInteger('it'),
    );
    const adam2 = await fromKerasFile(bytesOf(KERAS27), { onSkip: () => {} });
    const k27 = H5File.open(bytesOf(KERAS27), KERAS27).root.group('optimizer_weights')!;
    expect(adam2.compiled!.optimizer.iterations).toBe((k27.child('iter:0') as H5Dataset).readInteger('it'));
    expect(Array.from(slotOf(adam2, 'velocity', 3))).toEqual(
      Array.from(values(k27.child('bidirectional/backward_gru/gru_cell_2/kernel/v:0'))),
    );
    expect(Array.from(slotOf(adam2, 'momentum', 11))).toEqual(
      Array.from(values(k27.child('dense_11/bias/m:0'))),
    );
    expect(Array.from(slotOf(keras2, 'velocity', 2))).toEqual(
      Array.from(values(k2.child('RMSprop/gru_1/recurrent_kernel/rms:0'))),
    );
  });

  it('a state that does not fit the compiled optimizer is reported and training starts fresh', async () => {
    // the Keras 3 zip's config says Adam; a file whose state has one variable less is not guessed at
    const files = unzipSync(bytesOf(ZIP));
    const { zipSync, strFromU8, strToU8 } = await import('fflate');
    const config = JSON.parse(strFromU8(files['config.json'])) as {
      compile_config: { optimizer: { class_name: string; config: Record<string, unknown> } };
    };
    config.compile_config.optimizer = { class_name: 'SGD', config: { learning_rate: 0.01, momentum: 0 } };
    const notes: string[] = [];
    const m = await fromKerasFile(zipSync({ ...files, 'config.json': strToU8(JSON.stringify(config)) }), {
      onSkip: (s) => notes.push(s),
    });
    expect(m.compiled!.optimizer.name).toBe('sgd');
    expect(m.compiled!.optimizer.iterations).toBe(0);
    expect(notes).toEqual([
      "fromKerasFile(): not carried over: the optimizer's state (iterations and moments), since the file's sgd state holds 18 variables but seqcast's sgd of this model keeps 2 (iterations, learning_rate and no slots for 8 weights); fit() starts from a fresh optimizer",
    ]);
  });
});
