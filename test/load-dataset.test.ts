import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as main from '../src/index.js';
import { DATASETS, loadDataset, readCsv } from '../src/index.js';
import * as node from '../src/node.js';

const ROOT = join(import.meta.dirname, '..');
const bundled = Object.values(DATASETS).filter((d) => d.bundled);

describe('loadDataset (the main entry: every platform)', () => {
  it('loadDataset(name) reads every bundled dataset as its CSV file reads, with no file system', async () => {
    expect(bundled.map((d) => d.name)).toEqual([
      'sunspots',
      'sunspots-long',
      'air-passengers',
      'uk-seatbelts',
    ]);
    for (const d of bundled) {
      const s = await loadDataset(d.name);
      const file = readCsv(readFileSync(join(ROOT, 'datasets', d.file), 'utf8'), {
        source: d.file,
        missing: 'keep',
      });
      expect(s.labels()).toEqual(file.labels());
      expect(s.names).toEqual(file.names);
      for (const c of s.names) expect(s.column(c)).toEqual(file.column(c));
      expect(s.source).toBe(d.file);
      expect(s.frequency).toEqual(d.frequency);
    }
    const ap = await loadDataset('air-passengers', { columns: ['passengers'] });
    expect(ap.length).toBe(144);
  });

  it('the generated modules of src/series/bundled/ equal the CSV files (scripts/bundle-datasets.mjs)', async () => {
    for (const d of bundled) {
      const mod = (await import(
        pathToFileURL(join(ROOT, 'src', 'series', 'bundled', d.file.replace(/\.csv$/, '.ts'))).href
      )) as { default: string };
      expect(mod.default, d.file).toBe(readFileSync(join(ROOT, 'datasets', d.file), 'utf8'));
    }
  });

  it('a dataset that is not bundled, or no dataset, is one line with the way to read it', async () => {
    await expect(loadDataset('sp500')).rejects.toThrow(
      /^dataset 'sp500' is not bundled with seqcast \(sp500_monthly\.csv came from another public repository; datasets\/README\.md says where\): in Node, loadDataset from 'seqcast\/node' reads it from SEQCAST_DATA_DIR; elsewhere, read the CSV text with readCsv$/,
    );
    await expect(loadDataset('nope')).rejects.toThrow(/no bundled dataset "nope"; available: sp500, /);
  });

  it("the browser entry (dist/index.js) exports an asynchronous loadDataset; seqcast/node's is synchronous", async () => {
    const dist = (await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href)) as typeof main;
    const p = dist.loadDataset('air-passengers');
    expect(p).toBeInstanceOf(Promise);
    expect((await p).length).toBe(144);
    expect(main.loadDataset).toBe(loadDataset);
    expect(node.loadDataset).not.toBe(main.loadDataset);
    expect(node.loadDataset('air-passengers').length).toBe(144); // a Series, not a promise
    // the index bundle does not carry the data: each dataset is a chunk loaded on first use
    expect(readFileSync(join(ROOT, 'dist', 'index.js'), 'utf8')).not.toMatch(/1949-01-01,112/);
  });
});
