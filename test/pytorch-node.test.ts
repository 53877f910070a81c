// seqcast/node's PyTorch loaders (issue 19): loadSafetensors and loadPyTorchWeights read the fixture files of
// scripts/fixtures/pytorch_weights.py through the regular-file reader, with clear messages for missing files,
// folders and files far larger than the model's state dict.
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dense, loadPyTorchWeights, loadSafetensors, sequential, simpleRNN, tensor } from '../src/node.js';

const dir = join(import.meta.dirname, 'fixtures', 'pytorch');
const fixture = JSON.parse(readFileSync(join(dir, 'pytorch.json'), 'utf8')) as {
  cases: {
    name: string;
    file: string;
    keys: string[];
    input: { shape: number[]; data: number[] };
    output: { data: number[] };
  }[];
};
const tmp = mkdtempSync(join(tmpdir(), 'seqcast-pytorch-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const model = () =>
  sequential([simpleRNN({ units: 5 }), dense({ units: 2 })], { inputShape: [5, 3], seed: 3 });

describe('loadSafetensors and loadPyTorchWeights', () => {
  const c = fixture.cases.find((x) => x.name === 'rnn_linear')!;

  it('loadSafetensors(path) reads every tensor of a file PyTorch wrote', async () => {
    const t = await loadSafetensors(join(dir, c.file));
    expect([...t.keys()].sort()).toEqual([...c.keys].sort());
    expect(t.get('rnn.weight_ih_l0')!.shape).toEqual([5, 3]);
  });

  it("loadPyTorchWeights(model, path) sets the weights and the model predicts PyTorch's output", async () => {
    const m = model();
    const mapping = await loadPyTorchWeights(m, join(dir, c.file));
    expect(mapping.map((x) => x.module)).toEqual(['rnn', 'fc']);
    const y = m.predict(tensor(Float32Array.from(c.input.data), c.input.shape));
    for (let i = 0; i < c.output.data.length; i++)
      expect(Math.abs(y.data[i] - c.output.data[i])).toBeLessThan(2e-5);
  });

  it('a missing file, a folder and a damaged file are one clear message each, naming the path', async () => {
    const nowhere = join(tmp, 'nope.safetensors');
    await expect(loadSafetensors(nowhere)).rejects.toThrow(
      /loadSafetensors\(\): there is no file '.*nope\.safetensors'; give the path of the \.safetensors file/,
    );
    await expect(loadPyTorchWeights(model(), nowhere)).rejects.toThrow(
      /loadPyTorchWeights\(\): there is no file/,
    );
    await expect(loadSafetensors(tmp)).rejects.toThrow(/is a folder|it is a folder/);
    const damaged = join(tmp, 'damaged.safetensors');
    writeFileSync(damaged, readFileSync(join(dir, c.file)).subarray(0, 300));
    await expect(loadPyTorchWeights(model(), damaged)).rejects.toThrow(
      /damaged\.safetensors: .*the file is truncated/,
    );
  });

  it('loadPyTorchWeights reads no more than a state dict of the model can be', async () => {
    const big = join(tmp, 'big.safetensors');
    // one byte more than 8 + the largest header + 8 bytes for each of the model's 57 weights (a sparse file)
    expect(model().countParams()).toBe(57);
    writeFileSync(big, new Uint8Array(8));
    truncateSync(big, 8 + 100_000_000 + 8 * 57 + 1);
    await expect(loadPyTorchWeights(model(), big)).rejects.toThrow(
      /is larger than .*the model has 57 weights/,
    );
  });
});
