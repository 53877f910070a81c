// A seeded, time-bounded fuzz run over a saved forecaster's folder (issue 15): random byte flips of the
// weights file and of model.json, and structure-aware mutations of the topology and the forecaster state.
// Every outcome must be one clear SeqcastError (one line, bounded length) or a forecaster whose forecasts are
// finite, and equal to the original's when the files mean the same.
import { copyFile, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { Forecaster, Random, SeqcastError, Series } from '../src/index.js';
import { loadForecaster, saveForecaster } from '../src/node.js';

const CASES = 1200;
const BUDGET_MS = 20_000;

const series = Series.fromColumns({
  index: Array.from(
    { length: 90 },
    (_, i) => `${2000 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`,
  ),
  columns: { y: Array.from({ length: 90 }, (_, i) => 50 + 5 * Math.sin(i / 2) + i / 3) },
});

let root: string;
let modelJson: string;
let weights: Buffer;
let reference: number[];

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'seqcast-fuzz-'));
  const f = await Forecaster.fit(series, {
    window: 6,
    model: { kind: 'gru', units: 3 },
    training: { epochs: 1, seed: 3 },
  });
  await saveForecaster(f, join(root, 'original'));
  modelJson = await readFile(join(root, 'original', 'model.json'), 'utf8');
  weights = await readFile(join(root, 'original', 'group1-shard1of1.bin'));
  reference = Array.from((await loadForecaster(join(root, 'original'))).forecast(series, 3).values);
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Every path into a JSON value: arrays by index, objects by key. */
function paths(
  v: Json,
  at: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (v !== null && typeof v === 'object') for (const k of Object.keys(v)) paths(v[k], [...at, k], out);
  return out;
}

const STRANGE: Json[] = [
  null,
  -1,
  0,
  1,
  2.5,
  1e308,
  -1e308,
  2 ** 53,
  30000,
  '',
  'x',
  'constructor',
  '__proto__',
  [],
  {},
  true,
  false,
  [1, 2],
  { a: 1 },
  'A'.repeat(10_000),
];

/** One structure-aware mutation of a JSON value: replace, delete or add at a random path. */
function mutateJson(root: Json, rng: Random): Json {
  const copy = structuredClone(root);
  const all = paths(copy).filter((p) => p.length > 0);
  const path = all[Math.floor(rng.uniform() * all.length)];
  let parent = copy as Record<string | number, Json>;
  for (const k of path.slice(0, -1)) parent = parent[k] as Record<string | number, Json>;
  const key = path[path.length - 1];
  const r = rng.uniform();
  if (r < 0.15 && !Array.isArray(parent)) Reflect.deleteProperty(parent, key);
  else if (r < 0.25 && !Array.isArray(parent))
    parent[`extra${Math.floor(rng.uniform() * 100)}`] = STRANGE[Math.floor(rng.uniform() * STRANGE.length)];
  else if (r < 0.4 && typeof parent[key] === 'number')
    parent[key] = (parent[key] as number) * (rng.uniform() < 0.5 ? -1 : 1000);
  else parent[key] = structuredClone(STRANGE[Math.floor(rng.uniform() * STRANGE.length)]);
  return copy;
}

/** The folder for one case: model.json and the weights, as given. */
async function folder(n: number, json: string, bin: Buffer): Promise<string> {
  const dir = join(root, `c${n}`);
  await mkdir(dir);
  await writeFile(join(dir, 'model.json'), json);
  await writeFile(join(dir, 'group1-shard1of1.bin'), bin);
  return dir;
}

describe('fuzzing a saved forecaster folder', () => {
  it(`${CASES} seeded mutations: each a clear error or finite forecasts (equal when the meaning is unchanged)`, async () => {
    const rng = new Random(Number(process.env.SEQCAST_FUZZ_SEED ?? 20261202));
    const original = JSON.parse(modelJson) as Json;
    const started = performance.now();
    const outcomes = { error: 0, loaded: 0, same: 0 };
    let n = 0;
    for (; n < CASES && performance.now() - started < BUDGET_MS; n++) {
      let json = modelJson;
      let bin = weights;
      let what: string;
      const kind = n % 4;
      if (kind === 0) {
        bin = Buffer.from(weights);
        const i = Math.floor(rng.uniform() * bin.length);
        bin[i] ^= 1 << Math.floor(rng.uniform() * 8);
        what = `flip of weights byte ${i}`;
      } else if (kind === 1) {
        const b = Buffer.from(modelJson);
        const i = Math.floor(rng.uniform() * b.length);
        b[i] = Math.floor(rng.uniform() * 256);
        json = b.toString('latin1');
        what = `model.json byte ${i} set`;
      } else if (kind === 2) {
        json = JSON.stringify(mutateJson(original, rng));
        what = `structural mutation ${n} of model.json`;
      } else {
        // the forecaster state alone: userDefinedMetadata.seqcast.forecaster
        const copy = structuredClone(original) as { userDefinedMetadata: { seqcast: { forecaster: Json } } };
        copy.userDefinedMetadata.seqcast.forecaster = mutateJson(
          copy.userDefinedMetadata.seqcast.forecaster,
          rng,
        );
        json = JSON.stringify(copy);
        what = `structural mutation ${n} of the forecaster state`;
      }
      const dir = await folder(n, json, bin);
      const t = performance.now();
      let values: number[] | null = null;
      try {
        values = Array.from((await loadForecaster(dir)).forecast(series, 3).values);
      } catch (e) {
        if (!(e instanceof SeqcastError)) {
          throw new Error(
            `${what}: not a clear error: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`,
          );
        }
        expect(e.message.includes('\n'), `${what}: ${e.message}`).toBe(false);
        expect(e.message.length, `${what}: ${e.message.slice(0, 200)}`).toBeLessThan(1500);
        outcomes.error++;
      }
      expect(performance.now() - t, what).toBeLessThan(2000);
      if (values !== null) {
        outcomes.loaded++;
        expect(values.every(Number.isFinite), `${what}: ${values.join(', ')}`).toBe(true);
        let same = bin === weights;
        try {
          same &&= isDeepStrictEqual(JSON.parse(json), original);
        } catch {
          same = false;
        }
        if (same) {
          outcomes.same++;
          expect(values, what).toEqual(reference);
        }
      }
    }
    // The run must have done real work, and every weights-byte flip must have been caught by the checksum.
    expect(n).toBeGreaterThanOrEqual(100);
    expect(outcomes.error).toBeGreaterThan(0);
    process.stderr.write(
      `fuzz: ${n} cases in ${((performance.now() - started) / 1000).toFixed(1)} s: ${JSON.stringify(outcomes)}\n`,
    );
  }, 60_000);

  it('the weights file sets: every flip is refused by its checksum', async () => {
    const rng = new Random(7);
    for (let k = 0; k < 50; k++) {
      const bin = Buffer.from(weights);
      bin[Math.floor(rng.uniform() * bin.length)] ^= 1 << Math.floor(rng.uniform() * 8);
      const dir = await folder(10_000 + k, modelJson, bin);
      await expect(loadForecaster(dir)).rejects.toThrow(/does not match the SHA-256 model\.json records/);
    }
    await copyFile(join(root, 'original', 'group1-shard1of1.bin'), join(root, 'check.bin'));
  });
});
