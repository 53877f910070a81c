// A saved forecaster's state is validated as a whole when it loads (issue 15): one message per damage.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Forecaster, Series } from '../src/index.js';
import { loadForecaster, saveForecaster } from '../src/node.js';

const series = Series.fromColumns({
  index: Array.from(
    { length: 120 },
    (_, i) => `${1990 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}-01`,
  ),
  columns: { y: Array.from({ length: 120 }, (_, i) => 100 + 10 * Math.sin(i / 3) + i) },
});
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- model.json edited freely, of any shape
type Json = any;
let saved: Json;
let root: string;
let n = 0;

beforeAll(async () => {
  const f = await Forecaster.fit(series, {
    window: 6,
    model: { kind: 'lstm', units: 3 },
    training: { epochs: 1, seed: 1 },
  });
  root = await mkdtemp(join(tmpdir(), 'seqcast-state-'));
  await saveForecaster(f, join(root, 'good'));
  saved = JSON.parse(await readFile(join(root, 'good', 'model.json'), 'utf8'));
});

/** A copy of the saved folder with model.json changed by `edit`. */
async function tampered(edit: (json: Json) => void): Promise<string> {
  const dir = join(root, `t${n++}`);
  const json = structuredClone(saved);
  edit(json);
  const { mkdir, copyFile } = await import('node:fs/promises');
  await mkdir(dir);
  await copyFile(join(root, 'good', 'group1-shard1of1.bin'), join(dir, 'group1-shard1of1.bin'));
  await writeFile(join(dir, 'model.json'), JSON.stringify(json));
  return dir;
}
const state = (json: Json) => json.userDefinedMetadata.seqcast.forecaster;

describe('loading a tampered forecaster state', () => {
  it('the untouched folder loads and forecasts finite numbers', async () => {
    const f = await loadForecaster(join(root, 'good'));
    expect(f.forecast(series, 2).values.every(Number.isFinite)).toBe(true);
  });

  const cases: [string, (json: Json) => void, RegExp][] = [
    [
      'a removed scaler.std',
      (j) => delete state(j).scaler.std,
      /scaler\.std must be a list of 1 finite numbers/,
    ],
    [
      'a negative scaler.std',
      (j) => (state(j).scaler.std = [-2]),
      /scaler\.std\[0\] is -2; a standard deviation is never negative/,
    ],
    [
      'scaler null with config standard',
      (j) => (state(j).scaler = null),
      /the config says scaler 'standard' but the saved scaler is null/,
    ],
    [
      'a scaler of another kind',
      (j) => (state(j).scaler = { kind: 'minMax', dataMin: [0], dataMax: [1], featureRange: [0, 1] }),
      /the scaler must be the config's 'standard' scaler/,
    ],
    ['an unknown field', (j) => (state(j).extra = 1), /unknown field 'extra'/],
    ['an unknown config option', (j) => (state(j).config.windw = 6), /unknown option 'windw'/],
    ['an unknown model option', (j) => (state(j).config.model.dropout = 0.5), /unknown option 'dropout'/],
    ['a removed field', (j) => delete state(j).trainedThrough, /the field 'trainedThrough' is missing/],
    ['columns not a list', (j) => (state(j).columns = 'y'), /columns must list the model's input columns/],
    [
      'a frequency of step 0',
      (j) => (state(j).frequency = { unit: 'month', step: 0 }),
      /frequency must be \{ unit: day/,
    ],
    [
      'a horizon the model does not output',
      (j) => (state(j).config.horizon = 3),
      /the model outputs \[None, 1\] but the forecaster reads \[None, 3\]/,
    ],
    [
      'a window the model does not read',
      (j) => (state(j).config.window = 7),
      /the model takes \[None, 6, 1\] but the forecaster feeds \[None, 7, 1\]/,
    ],
    [
      'return_sequences on the last recurrent layer',
      (j) => (j.modelTopology.config.layers[0].config.return_sequences = true),
      /the model outputs \[None, 6, 1\] .*return_sequences: false on the last/,
    ],
  ];
  it.each(cases)('%s is one clear error', async (_, edit, pattern) => {
    const dir = await tampered(edit);
    await expect(loadForecaster(dir)).rejects.toThrow(pattern);
  });
});
