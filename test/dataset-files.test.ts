import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  dataFolders,
  datasetAvailable,
  datasetPath,
  findDataFile,
  loadDataset,
} from '../src/series/dataset-files.js';
import { expectSeqcastError } from './helpers/errors.js';

const ROOT = join(import.meta.dirname, '..');
const saved = { dir: process.env.SEQCAST_DATA_DIR, shared: process.env.SEQCAST_SHARED_DATA };

afterEach(() => {
  if (saved.dir === undefined) delete process.env.SEQCAST_DATA_DIR;
  else process.env.SEQCAST_DATA_DIR = saved.dir;
  if (saved.shared === undefined) delete process.env.SEQCAST_SHARED_DATA;
  else process.env.SEQCAST_SHARED_DATA = saved.shared;
});

/** A data folder holding a small sp500_monthly.csv and a look-alike of a bundled file. */
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'seqcast-datadir-'));
  writeFileSync(join(dir, 'sp500_monthly.csv'), 'date,price\n2020-01-01,1\n2020-02-01,2\n2020-03-01,3\n');
  writeFileSync(join(dir, 'air_passengers_monthly.csv'), 'date,passengers\n2020-01-01,1\n');
  return dir;
}

describe('the dataset resolver', () => {
  it('dataFolders() looks in datasets/, then SEQCAST_DATA_DIR, then the shared data folder beside the package', () => {
    process.env.SEQCAST_DATA_DIR = '/somewhere';
    delete process.env.SEQCAST_SHARED_DATA;
    expect(dataFolders().map((f) => [f.why, f.dir])).toEqual([
      ['bundled', join(ROOT, 'datasets')],
      ['SEQCAST_DATA_DIR', '/somewhere'],
      ['shared', join(ROOT, '..', 'shared', 'data')],
    ]);
    process.env.SEQCAST_SHARED_DATA = '0';
    delete process.env.SEQCAST_DATA_DIR;
    expect(dataFolders().map((f) => f.why)).toEqual(['bundled']);
  });

  it('datasetPath(name) takes a bundled file from datasets/ even when SEQCAST_DATA_DIR has one of that name', () => {
    process.env.SEQCAST_DATA_DIR = dataDir();
    expect(datasetPath('air-passengers')).toBe(join(ROOT, 'datasets', 'air_passengers_monthly.csv'));
    expect(loadDataset('air-passengers').length).toBe(144);
  });

  it('datasetPath(name) finds an unbundled file in SEQCAST_DATA_DIR before the shared folder', () => {
    const dir = dataDir();
    process.env.SEQCAST_DATA_DIR = dir;
    expect(datasetPath('sp500')).toBe(join(dir, 'sp500_monthly.csv'));
    expect(loadDataset('sp500').length).toBe(3);
    expect(findDataFile('sp500_monthly.csv', false)).toBe(join(dir, 'sp500_monthly.csv'));
  });

  it('an unavailable dataset is one SeqcastError line: where it was looked for and how to supply it', () => {
    const empty = mkdtempSync(join(tmpdir(), 'seqcast-empty-'));
    process.env.SEQCAST_DATA_DIR = empty;
    process.env.SEQCAST_SHARED_DATA = '0';
    expect(datasetAvailable('natural-gas')).toBe(false);
    expect(datasetAvailable('sunspots')).toBe(true);
    expectSeqcastError(
      () => datasetPath('natural-gas'),
      'io',
      new RegExp(
        `^dataset 'natural-gas' is not available: natural_gas_daily\\.csv is not bundled with seqcast \\(datasets/README\\.md says where it comes from\\) ` +
          `and was not found in ${empty.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(SEQCAST_DATA_DIR\\); ` +
          `give the file's path \\(--data FILE, or in place of the name\\) or set SEQCAST_DATA_DIR to a folder holding natural_gas_daily\\.csv$`,
      ),
    );
    delete process.env.SEQCAST_DATA_DIR;
    expectSeqcastError(() => datasetPath('sp500'), 'io', /was not found in SEQCAST_DATA_DIR \(not set\);/);
    expectSeqcastError(() => datasetPath('sp400'), 'config', /no bundled dataset "sp400"; available: sp500/);
  });
});
