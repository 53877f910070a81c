/**
 * `seqcast import FILE --out DIR` (the built command, dist/): a real Keras file of the shared folder becomes a
 * model folder that loadModel reads back to the same predictions; what is not carried over is listed; an
 * existing model and a file that is not a Keras file get one line each.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKerasModel, loadModel, Random } from '../src/node.js';
import { randomTensor } from './helpers/gradcheck.js';
import { needs } from './helpers/shared-data.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');
const FILE = 'keras-files/ruohan_dsr_bigru_seq_dense.h5';
const need = needs(FILE);

function seqcast(args: string[]): { stdout: string; stderr: string; status: number | null } {
  return spawnSync('node', [CLI, ...args], { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
}

describe.skipIf(!need.available)('seqcast import' + need.note, () => {
  it('seqcast import FILE --out DIR writes a model folder that predicts what the Keras file does', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'seqcast-import-')), 'model');
    const run = seqcast(['import', need.path(FILE), '--out', out]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(
      /^imported ruohan_dsr_bigru_seq_dense\.h5: Bidirectional → Dense → Dense → Dense, 12,705 parameters, compiled \(adam, meanSquaredError\)/,
    );
    expect(run.stdout).toContain(
      'not carried over: the metric RMSE (a MeanMetricWrapper): seqcast does not have it',
    );
    expect(run.stdout).toMatch(
      /not carried over: the optimizer's state \(\d+ updates\), which a model folder does not hold; to resume training with it, load the Keras file itself/,
    );
    const saved = await loadModel(out);
    const keras = await loadKerasModel(need.path(FILE), { onSkip: () => {} });
    const x = randomTensor(new Random(4), [2, 60, 23], 'float32');
    expect(Array.from(saved.predict(x).data)).toEqual(Array.from(keras.predict(x).data));
    expect(saved.compiled?.optimizer.name).toBe('adam');
    const again = seqcast(['import', need.path(FILE), '--out', out]);
    expect(again.status).toBe(1);
    expect(again.stderr.trim()).toBe(`seqcast: '${out}' already holds a model; add --force to replace it`);
    expect(seqcast(['import', need.path(FILE), '--out', out, '--force']).status).toBe(0);
  });

  it('a file that is not a Keras file, and a missing --out, get one line each', () => {
    const bad = seqcast(['import', CLI, '--out', join(tmpdir(), 'never-written')]);
    expect(bad.status).toBe(1);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/this is neither a Keras 3 \.keras file \(a zip\) nor a Keras HDF5 file/);
    const noOut = seqcast(['import', need.path(FILE)]);
    expect(noOut.stderr.trim()).toBe('seqcast: give the model folder to write with --out <dir>');
  });
});
