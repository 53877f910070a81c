/**
 * Damaged and hostile Keras files, made in memory from the real files of the shared folder: each gets one
 * SeqcastError line that names the problem, and nothing large is allocated for a file that only claims to
 * be large. Also what is not carried over (compile settings seqcast lacks, the optimizer's state) is said,
 * never dropped in silence.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { fromKerasFile, loadKerasModel, SeqcastError } from '../src/node.js';
import { needs } from './helpers/shared-data.js';

const ZIP = 'deepak_forecast_gru2.keras';
const FUNCTIONAL = 'kushagra_eye_bigru_functional.keras';
const H5 = 'anushree_imdb_embed_gru_resetbefore.h5';
const need = needs(...[ZIP, FUNCTIONAL, H5].map((f) => `keras-files/${f}`));
const quiet = { onSkip: () => {} };

function bytesOf(file: string): Uint8Array {
  return new Uint8Array(readFileSync(need.path(`keras-files/${file}`)));
}

/** The Keras 3 zip with its config.json changed by `edit` (and its weights by `editWeights`). */
function rezip(
  file: string,
  edit: (config: Record<string, unknown>) => void,
  editWeights?: (h5: Uint8Array) => void,
): Uint8Array {
  const files = unzipSync(bytesOf(file));
  const config = JSON.parse(strFromU8(files['config.json'])) as Record<string, unknown>;
  edit(config);
  const weights = files['model.weights.h5'].slice();
  editWeights?.(weights);
  return zipSync({
    'config.json': strToU8(JSON.stringify(config)),
    'metadata.json': files['metadata.json'],
    'model.weights.h5': weights,
  });
}

/** Replaces every occurrence of `from` by `to` (same length) in the bytes. */
function patch(bytes: Uint8Array, from: string, to: string): number {
  expect(to.length).toBe(from.length);
  const a = strToU8(from);
  const b = strToU8(to);
  let count = 0;
  for (let i = 0; i + a.length <= bytes.length; i++) {
    let same = true;
    for (let j = 0; j < a.length && same; j++) same = bytes[i + j] === a[j];
    if (same) {
      bytes.set(b, i);
      count++;
    }
  }
  return count;
}

/** The one-line SeqcastError `load` throws. */
async function errorOf(load: () => Promise<unknown>): Promise<SeqcastError> {
  try {
    await load();
  } catch (e) {
    expect(e).toBeInstanceOf(SeqcastError);
    expect((e as Error).message).not.toContain('\n');
    return e as SeqcastError;
  }
  throw new Error('expected an error');
}

type Layers = { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };

describe.skipIf(!need.available)('bad Keras files get one clear line' + need.note, () => {
  it('a truncated .keras zip', async () => {
    const bytes = bytesOf(ZIP);
    const e = await errorOf(() => fromKerasFile(bytes.subarray(0, bytes.length >> 1), quiet));
    expect(e.message).toMatch(
      /the \.keras zip has no end-of-directory record; the file is truncated or damaged/,
    );
  });

  it('a truncated HDF5 file', async () => {
    const bytes = bytesOf(H5);
    const e = await errorOf(() => fromKerasFile(bytes.subarray(0, 409_948), quiet));
    expect(e.message).toMatch(
      /the HDF5 file is 409,948 bytes long but its superblock says 683,248; it is truncated — copy or save it again/,
    );
    // cut inside the superblock itself
    expect((await errorOf(() => fromKerasFile(bytes.subarray(0, 20), quiet))).message).toMatch(
      /only 20 bytes long; it is truncated/,
    );
  });

  it('bytes that are neither container, and an empty file', async () => {
    expect((await errorOf(() => fromKerasFile(strToU8('{"modelTopology": {}}'), quiet))).message).toMatch(
      /neither a Keras 3 \.keras file \(a zip\) nor a Keras HDF5 file \(its first bytes are 7b 22/,
    );
    expect((await errorOf(() => fromKerasFile(new Uint8Array(0), quiet))).message).toMatch(
      /none: the file is empty/,
    );
  });

  it('an HDF5 file whose model_weights group is missing, and a weights group missing from model.weights.h5', async () => {
    const h5 = bytesOf(H5);
    expect(patch(h5, 'model_weights', 'model_weightz')).toBeGreaterThan(0);
    expect((await errorOf(() => fromKerasFile(h5, quiet))).message).toMatch(
      /the HDF5 file has no 'model_weights' group/,
    );
    const zip = rezip(
      ZIP,
      () => {},
      (w) => expect(patch(w, 'gru_1', 'gru_9')).toBeGreaterThan(0),
    );
    expect((await errorOf(() => fromKerasFile(zip, quiet))).message).toMatch(
      /model\.weights\.h5 has no group 'layers\/gru_1' for layer 'gru_3' \(GRU\)/,
    );
  });

  it('a weight of the wrong shape, and a GRU whose reset_after does not match its bias', async () => {
    const zip = rezip(ZIP, (c) => {
      (c as unknown as Layers).config.layers[3].config.units = 33;
    });
    expect((await errorOf(() => fromKerasFile(zip, quiet))).message).toMatch(
      /weight 'layers\/gru_1\/cell\/vars\/0' has shape \[64, 96\] but layer 'gru_3' \(GRU\) as its config builds it needs \[64, 99\] for kernel/,
    );
    const h5 = bytesOf(H5);
    expect(patch(h5, '"reset_after": false', '"reset_after": true ')).toBe(1);
    expect((await errorOf(() => fromKerasFile(h5, quiet))).message).toMatch(
      /weight 'model_weights\/gru_1\/gru_1\/bias:0' has shape \[48\] but .* needs \[2, 48\] for bias; a GRU's bias is \[3·units\] with reset_after false and \[2, 3·units\] with reset_after true/,
    );
  });

  it('a layer seqcast does not have, and an option it does not implement, by name', async () => {
    const unknown = rezip(ZIP, (c) => {
      (c as unknown as Layers).config.layers[2].class_name = 'Conv1D';
    });
    expect((await errorOf(() => fromKerasFile(unknown, quiet))).message).toMatch(
      /layer 'dropout_2' has class "Conv1D", which seqcast does not have; it reads 'Dense', /,
    );
    const option = rezip(ZIP, (c) => {
      (c as unknown as Layers).config.layers[1].config.kernel_regularizer = {
        class_name: 'L2',
        config: { l2: 0.01 },
      };
    });
    expect((await errorOf(() => fromKerasFile(option, quiet))).message).toMatch(
      /layer 'gru_2' \(GRU\).*kernel_regularizer/,
    );
  });

  it('a stateful layer loads with the batch size of the input layer, and without one is refused', async () => {
    const stateful = (batch: number | null) =>
      rezip(ZIP, (c) => {
        const layers = (c as unknown as Layers).config.layers;
        layers[0].config.batch_shape = [batch, 480, 3];
        layers[1].config.stateful = true;
      });
    const m = await fromKerasFile(stateful(2), quiet);
    expect(m.layers[0].getConfig()).toMatchObject({ stateful: true });
    expect(m.batchSize).toBe(2);
    expect((await errorOf(() => fromKerasFile(stateful(null), quiet))).message).toMatch(
      /layer 'gru_2' \(GRU\) is stateful, which needs a fixed batch size/,
    );
  });

  it('a functional model that is not a chain', async () => {
    const zip = rezip(FUNCTIONAL, (c) => {
      const layers = (c as unknown as Layers).config.layers as unknown as {
        inbound_nodes: { args: unknown[] }[];
      }[];
      const dense1 = layers[4].inbound_nodes[0];
      dense1.args = [...dense1.args, layers[3].inbound_nodes[0].args[0]];
    });
    expect((await errorOf(() => fromKerasFile(zip, quiet))).message).toMatch(
      /the functional model is not a straight chain \(the output of 'dropout' goes to 'dense' and 'dense_1'\)/,
    );
  });

  it('LoadLimits: a model over the parameter limit, and a zip entry that claims to inflate to 4 GiB, fail before allocating', async () => {
    expect(
      (await errorOf(() => fromKerasFile(bytesOf(ZIP), { ...quiet, maxParams: 10_000 }))).message,
    ).toMatch(/the model has 22,689 parameters, more than the limit of 10,000/);
    expect((await errorOf(() => fromKerasFile(bytesOf(ZIP), { ...quiet, maxLayers: 3 }))).message).toMatch(
      /the model has 6 layers, more than the limit of 3/,
    );
    // the central directory's uncompressed size of model.weights.h5, set to 4 GiB − 16
    const zip = rezip(ZIP, () => {});
    const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
    let patched = 0;
    for (let i = 0; i + 46 <= zip.length; i++) {
      if (view.getUint32(i, true) !== 0x02014b50) continue;
      const nameLength = view.getUint16(i + 28, true);
      const name = strFromU8(zip.subarray(i + 46, i + 46 + nameLength));
      if (name === 'model.weights.h5') {
        view.setUint32(i + 24, 0xfffffff0, true);
        patched++;
      }
    }
    expect(patched).toBe(1);
    expect((await errorOf(() => fromKerasFile(zip, quiet))).message).toMatch(
      /model\.weights\.h5 inflates to 4,294,967,280 bytes, more than the [\d,]+ bytes seqcast reads/,
    );
  });

  it('loadKerasModel names the file, whatever its extension, and refuses a folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'seqcast-keras-'));
    try {
      const path = join(dir, 'model.bin');
      await writeFile(path, bytesOf(H5));
      expect((await loadKerasModel(path, quiet)).layers.map((l) => l.className)).toEqual([
        'Embedding',
        'GRU',
        'Dense',
      ]);
      await expect(loadKerasModel(dir, quiet)).rejects.toThrow(
        /loadKerasModel\(\): '.*' is a folder, not a regular file/,
      );
      await writeFile(path, bytesOf(H5).subarray(0, 100));
      await expect(loadKerasModel(path, quiet)).rejects.toThrow(
        new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!need.available)('what a Keras file holds besides the model' + need.note, () => {
  it('compile settings that map are applied; what is not carried over is reported through onSkip', async () => {
    const skipped: string[] = [];
    const m = await fromKerasFile(bytesOf(ZIP), { onSkip: (s) => skipped.push(s) });
    expect(m.compiled?.optimizer.getConfig()).toMatchObject({
      name: 'adam',
      learningRate: 0.0015477559063583612,
      beta1: 0.9,
      epsilon: 1e-7,
    });
    expect(m.compiled?.loss.name).toBe('meanSquaredError');
    // the optimizer's state is restored (test/keras-optimizer-state.test.ts): nothing is left out
    expect(skipped).toEqual([]);
    const legacy: string[] = [];
    const r = await fromKerasFile(bytesOf(H5), { onSkip: (s) => legacy.push(s) });
    expect(r.compiled?.optimizer.name).toBe('rmsprop');
    expect(r.compiled?.metrics).toEqual([{ kind: 'accuracy', name: 'accuracy' }]);
    const unmapped = rezip(ZIP, (c) => {
      (
        (c.compile_config as Record<string, unknown>).optimizer as { config: Record<string, unknown> }
      ).config.amsgrad = true;
    });
    const notes: string[] = [];
    expect((await fromKerasFile(unmapped, { onSkip: (s) => notes.push(s) })).compiled).toBeNull();
    expect(notes).toEqual([
      "fromKerasFile(): not carried over: the optimizer Adam with amsgrad true: seqcast's Adam has no amsgrad",
      'fromKerasFile(): not carried over: the model is left uncompiled; call compile() before fit()',
      "fromKerasFile(): not carried over: the optimizer's state (iterations and moments), since the model is left uncompiled; fit() starts from a fresh optimizer",
    ]);
  });
});
