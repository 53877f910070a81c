/**
 * `seqcast export MODEL --format onnx|keras` (the built command, dist/): a trained forecaster's folder becomes
 * an ONNX file that onnxruntime runs to the model's predictions, with the forecaster's state beside it; a plain
 * model folder gets no sidecar; --format keras writes a .keras file that reads back to the same predictions;
 * an existing file is replaced only with --force; a missing format is one line.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  gru,
  dense,
  loadForecaster,
  loadKerasModel,
  loadModel,
  Random,
  saveModel,
  sequential,
} from '../src/node.js';
import { randomTensor } from './helpers/gradcheck.js';

const CLI = join(import.meta.dirname, '..', 'dist', 'cli', 'main.js');

function seqcast(args: string[], cwd?: string): { stdout: string; stderr: string; status: number | null } {
  return spawnSync('node', [CLI, ...args], {
    encoding: 'utf8',
    cwd,
    env: { ...process.env, FORCE_COLOR: '0' },
  });
}

async function onnxPredict(file: string, x: { shape: number[]; data: Float32Array }): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(readFileSync(file));
  const out = await session.run({ input: new ort.Tensor('float32', x.data, x.shape) });
  return out.output.data as Float32Array;
}

function maxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++)
    worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return worst;
}

describe('seqcast export', () => {
  it("seqcast export REPORT --format onnx writes the forecaster's network and its state beside it", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqcast-export-'));
    const train = seqcast(['train', 'air-passengers', '--epochs', '2', '--out', 'rep'], dir);
    expect(train.status).toBe(0);
    const run = seqcast(['export', 'rep', '--format', 'onnx'], dir);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^wrote rep[\\/]model\.onnx: .*ONNX \(IR 8, opset 17\)/);
    expect(run.stdout).toContain("input 'input' float32 [batch, time, 1], output 'output' [batch, 1]");
    const f = await loadForecaster(join(dir, 'rep', 'model'));
    const window = f.model.inputShape[0] as number;
    const x = randomTensor(new Random(3), [4, window, 1], 'float32');
    const input = { shape: [...x.shape], data: x.data as Float32Array };
    expect(
      maxError(await onnxPredict(join(dir, 'rep', 'model.onnx'), input), f.model.predict(x).data),
    ).toBeLessThanOrEqual(1e-5);
    const sidecar = JSON.parse(readFileSync(join(dir, 'rep', 'model.seqcast.json'), 'utf8'));
    expect(sidecar.onnx).toBe('model.onnx');
    expect(sidecar.input).toEqual({ name: 'input', dims: ['batch', 'time', 1] });
    expect(sidecar.forecaster).toEqual(JSON.parse(JSON.stringify(f.state())));
    expect(sidecar.forecaster.scaler).not.toBeNull();

    const again = seqcast(['export', 'rep', '--format', 'onnx'], dir);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(
      /^seqcast: 'rep[\\/]model\.onnx' already exists; add --force to replace it\n$/,
    );
    expect(seqcast(['export', 'rep', '--format', 'onnx', '--force'], dir).status).toBe(0);
  }, 120_000);

  it('seqcast export DIR --format onnx|keras writes a plain model folder without a sidecar, and a .keras file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqcast-export-'));
    const model = sequential([gru({ units: 3, returnSequences: true }), dense({ units: 2 })], {
      inputShape: [null, 2],
      seed: 5,
      dtype: 'float32',
    });
    await saveModel(model, join(dir, 'plain'));
    const run = seqcast(['export', join(dir, 'plain'), '--format', 'onnx', '--out', join(dir, 'net.onnx')]);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain("output 'output' [batch, time, 2]");
    expect(existsSync(join(dir, 'net.seqcast.json'))).toBe(false);
    const x = randomTensor(new Random(8), [2, 6, 2], 'float32');
    const got = await onnxPredict(join(dir, 'net.onnx'), { shape: [2, 6, 2], data: x.data as Float32Array });
    expect(maxError(got, model.predict(x).data)).toBeLessThanOrEqual(1e-5);

    const keras = seqcast(['export', join(dir, 'plain'), '--format', 'keras']);
    expect(keras.stderr).toBe('');
    expect(keras.stdout).toMatch(/^wrote .*plain\.keras: GRU → Dense, Keras 3 \.keras/);
    const back = await loadKerasModel(join(dir, 'plain.keras'));
    expect(Array.from(back.predict(x).data)).toEqual(Array.from(model.predict(x).data));
  }, 120_000);

  it('seqcast export CLASSIFIER --format onnx writes the network of token ids and the vectorizer beside it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seqcast-export-'));
    expect(seqcast(['classify', 'sentiment', '--epochs', '1', '--out', 'sent'], dir).status).toBe(0);
    const run = seqcast(['export', 'sent', '--format', 'onnx'], dir);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain("input 'input' float32 [batch, time], output 'output' [batch, 1]");
    expect(run.stdout).toContain('gives p(classes[1])');
    const sidecar = JSON.parse(readFileSync(join(dir, 'sent', 'model.seqcast.json'), 'utf8'));
    expect(sidecar.classifier.classes).toHaveLength(2);
    expect(sidecar.classifier.vectorizer).toBeDefined();
    const model = await loadModel(join(dir, 'sent', 'model'));
    const L = sidecar.classifier.inputLength as number;
    const rng = new Random(2);
    const ids = new Float32Array(3 * L);
    for (let b = 0; b < 3; b++) {
      const length = [L, 3, Math.ceil(L / 2)][b];
      for (let t = 0; t < length; t++) ids[b * L + t] = 2 + Math.floor(rng.uniform() * 50);
    }
    const x = { shape: [3, L], data: ids };
    expect(
      maxError(await onnxPredict(join(dir, 'sent', 'model.onnx'), x), model.predict(x).data),
    ).toBeLessThanOrEqual(1e-5);
  }, 120_000);

  it('seqcast export without --format says which formats there are', () => {
    const run = seqcast(['export', 'anything']);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe('seqcast: seqcast export: give --format onnx or keras\n');
    expect(seqcast(['export', 'anything', '--format', 'tflite']).stderr).toBe(
      "seqcast: seqcast export: give --format onnx or keras (got 'tflite')\n",
    );
  });
});
