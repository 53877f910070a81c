// Reading a model folder: checksums of the weight files, regular files only, sizes bounded (issue 15).
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dense, lstm, sequential, tensor } from '../src/index.js';
import { readRegularFile } from '../src/io/read-file.js';
import { loadModel, readArtifacts, saveModel } from '../src/node.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seqcast-model-files-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const x = tensor(
  new Float32Array(2 * 5 * 2).map((_, i) => Math.sin(i)),
  [2, 5, 2],
);
let n = 0;
async function saved(): Promise<string> {
  const dir = join(root, `m${n++}`);
  await saveModel(
    sequential([lstm({ units: 3 }), dense({ units: 1 })], { inputShape: [5, 2], seed: 4 }),
    dir,
  );
  return dir;
}
const manifestOf = async (dir: string): Promise<{ paths: string[]; sha256?: string[] }> =>
  JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')).weightsManifest[0];

describe('weight-file checksums', () => {
  it('saveModel records the SHA-256 of each weight file; loading verifies it', async () => {
    const dir = await saved();
    const m = await manifestOf(dir);
    expect(m.sha256).toHaveLength(m.paths.length);
    expect(m.sha256?.[0]).toMatch(/^[0-9a-f]{64}$/);
    expect((await readArtifacts(dir)).checksums).toBe('verified');
  });

  it('every single byte flip of the weights file is refused, naming the file', async () => {
    const dir = await saved();
    const file = join(dir, (await manifestOf(dir)).paths[0]);
    const original = await readFile(file);
    for (let i = 0; i < original.length; i += 7) {
      const flipped = Buffer.from(original);
      flipped[i] ^= 1 << (i % 8);
      await writeFile(file, flipped);
      await expect(loadModel(dir)).rejects.toThrow(
        /the weights file 'group1-shard1of1\.bin' in .* does not match the SHA-256 model\.json records/,
      );
    }
    await writeFile(file, original);
    expect((await loadModel(dir)).predict(x).data.every(Number.isFinite)).toBe(true);
  });

  it('a folder without checksums (TF.js writes none) still loads, and says it could not check', async () => {
    const dir = await saved();
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    const reference = (await loadModel(dir)).predict(x).data;
    delete json.weightsManifest[0].sha256;
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    expect((await readArtifacts(dir)).checksums).toBe('absent');
    expect((await loadModel(dir)).predict(x).data).toEqual(reference);
  });

  it('a malformed sha256 list is a damaged manifest', async () => {
    const dir = await saved();
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    json.weightsManifest[0].sha256 = ['abc'];
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
    await expect(loadModel(dir)).rejects.toThrow(/sha256 must list one SHA-256 .* per file in paths/);
  });
});

describe('only regular files inside the folder are read', () => {
  it('a weights file that is a symbolic link, to a device, to another model or to /etc/passwd, is refused', async () => {
    const other = await saved();
    for (const to of ['/dev/zero', '/etc/passwd', join(other, 'group1-shard1of1.bin')]) {
      const dir = await saved();
      const file = join(dir, 'group1-shard1of1.bin');
      await unlink(file);
      await symlink(to, file);
      await expect(loadModel(dir)).rejects.toThrow(
        /group1-shard1of1\.bin': it is a symbolic link, and seqcast reads only regular files/,
      );
    }
  });

  it('model.json as a link is refused too', async () => {
    const dir = await saved();
    const other = await saved();
    await unlink(join(dir, 'model.json'));
    await symlink(join(other, 'model.json'), join(dir, 'model.json'));
    await expect(loadModel(dir)).rejects.toThrow(/model\.json': it is a symbolic link/);
  });

  it('a FIFO is refused at once instead of blocking', async () => {
    const dir = await saved();
    const file = join(dir, 'group1-shard1of1.bin');
    await unlink(file);
    execFileSync('mkfifo', [file]);
    await expect(loadModel(dir)).rejects.toThrow(/is a FIFO \(named pipe\), not a regular file/);
  });

  it('readRegularFile stops at maxBytes, also where the size is not known in advance', async () => {
    await expect(readRegularFile('/proc/self/environ', { maxBytes: 4, what: 'test' })).rejects.toThrow(
      /^test: '\/proc\/self\/environ' is larger than 4 bytes$/,
    );
    await expect(readRegularFile('/dev/zero', { maxBytes: 4, what: 'test' })).rejects.toThrow(
      /is a device, not a regular file/,
    );
    await expect(readRegularFile(root, { maxBytes: 4, what: 'test' })).rejects.toThrow(/is a folder/);
    await expect(readRegularFile(join(root, 'nope'), { maxBytes: 4, what: 'test' })).rejects.toThrow(
      /could not read .*nope': there is no such file/,
    );
  });

  it('a huge model.json is refused before it is parsed', async () => {
    const dir = await saved();
    await writeFile(join(dir, 'model.json'), Buffer.alloc((16 << 20) + 1, 32));
    await expect(loadModel(dir)).rejects.toThrow(
      /model\.json' is larger than 16\.0 MiB; a model\.json holds/,
    );
  });
});

describe('a model.json cannot make seqcast allocate or run for long', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- model.json edited freely
  const edit = async (dir: string, f: (json: any) => void): Promise<void> => {
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    f(json);
    await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  };

  it('units: 30000 in a small model.json is refused at once, before any weight is allocated', async () => {
    const dir = await saved();
    await edit(dir, (j) => (j.modelTopology.config.layers[0].config.units = 30_000));
    const heap = process.memoryUsage().arrayBuffers;
    const t = performance.now();
    await expect(loadModel(dir)).rejects.toThrow(
      /weight 'lstm\/kernel' has shape \[2, 12\] in the manifest, but layer 'lstm' as the topology builds it needs \[2, 120000\]/,
    );
    expect(performance.now() - t).toBeLessThan(2000);
    expect(process.memoryUsage().arrayBuffers - heap).toBeLessThan(64 << 20);
  });

  it('3,000 layers are refused by the layer limit at once; the limits can be raised', async () => {
    const dir = await saved();
    await edit(dir, (j) => {
      const dense = j.modelTopology.config.layers[1];
      j.modelTopology.config.layers.push(
        ...Array.from({ length: 3000 }, (_, i) => ({ ...dense, config: { ...dense.config, name: `d${i}` } })),
      );
    });
    const t = performance.now();
    await expect(loadModel(dir)).rejects.toThrow(
      /the topology has 3002 layers, more than the limit of 1000; .*\{ maxLayers \}/,
    );
    expect(performance.now() - t).toBeLessThan(2000);
    await expect(loadModel(dir, { maxLayers: 5000 })).rejects.toThrow(
      /the weights manifest has no 'd0\/kernel'/,
    );
  });

  it('sequential() with an impossible number of weights is one clear error, not a RangeError', () => {
    expect(() => sequential([lstm({ units: 1e9 }), dense({ units: 1 })], { inputShape: [4, 1] })).toThrow(
      /^sequential\(\): the layers need 4,000,000,009,000,000,000 weights \(up to layer 'dense'\), .* use fewer units or layers$/,
    );
  });

  it('maxParams bounds the size of a model that loads', async () => {
    const dir = await saved();
    await expect(loadModel(dir, { maxParams: 10 })).rejects.toThrow(
      /the model has 76 parameters, more than the limit of 10; .*\{ maxParams \}/,
    );
    expect((await loadModel(dir, { maxParams: 76 })).params.length).toBe(76);
    await expect(loadModel(dir, { maxParams: 0 })).rejects.toThrow(/maxParams must be an integer ≥ 1/);
    await expect(loadModel(dir, { maxParam: 1 } as never)).rejects.toThrow(/unknown option 'maxParam'/);
  });

  it("loading runs no initialiser: the weights are the file's, whatever the seed", async () => {
    const dir = await saved();
    const a = await loadModel(dir);
    const b = await loadModel(dir);
    expect(Array.from(a.params)).toEqual(Array.from(b.params));
  });
});

describe('saveModel after a killed save', () => {
  it('removes the temporary folder a dead process left and keeps a live one', async () => {
    const { mkdir, readdir } = await import('node:fs/promises');
    const { spawnSync } = await import('node:child_process');
    const parent = join(root, 'killed');
    await mkdir(parent);
    const dead = spawnSync('true').pid;
    await mkdir(join(parent, `.m.saving-${dead}-0badc0de`));
    await mkdir(join(parent, `.m.saving-${process.pid}-00000001`));
    await saveModel(sequential([dense({ units: 1 })], { inputShape: [2], seed: 1 }), join(parent, 'm'));
    expect((await readdir(parent)).sort()).toEqual([`.m.saving-${process.pid}-00000001`, 'm']);
  });
});
