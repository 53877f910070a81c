/**
 * `loadDataset(name)` for every platform (the main entry, browsers included): the bundled R datasets
 * (`bundled: true` in datasets.ts) are part of the library, each a module of its own
 * (src/series/bundled/, written by scripts/bundle-datasets.mjs) imported on first use, so a page or a Node
 * program outside the repository reads them with no file and no network. The datasets that came from other
 * public repositories are never bundled: in Node, `seqcast/node`'s `loadDataset` reads them in place
 * (SEQCAST_DATA_DIR or the shared data folder, series/dataset-files.ts); here they are refused with the way
 * to get them.
 */
import { SeqcastError } from '../errors.js';
import { readCsv } from './csv.js';
import type { DatasetName } from './datasets.js';
import { datasetInfo } from './datasets.js';
import type { MissingPolicy, Series } from './series.js';

/** Options of `loadDataset`. */
export interface DatasetOptions {
  /** Default 'keep' (missing values kept as NaN). */
  readonly missing?: 'error' | 'keep' | MissingPolicy;
  readonly columns?: readonly string[];
}

const BUNDLED: Partial<Record<DatasetName, () => Promise<{ default: string }>>> = {
  'air-passengers': () => import('./bundled/air_passengers_monthly.js'),
  sunspots: () => import('./bundled/sunspots_monthly.js'),
  'sunspots-long': () => import('./bundled/sunspots_monthly_long.js'),
  'uk-seatbelts': () => import('./bundled/uk_seatbelts_monthly.js'),
};

/**
 * A bundled dataset as a Series (`await loadDataset('air-passengers')`), on every platform. A dataset that
 * is not bundled is one line saying how to read it.
 */
export async function loadDataset(name: string, options: DatasetOptions = {}): Promise<Series> {
  const info = datasetInfo(name);
  const load = BUNDLED[info.name];
  if (!info.bundled || load === undefined) {
    throw new SeqcastError(
      'io',
      `dataset '${info.name}' is not bundled with seqcast (${info.file} came from another public repository; datasets/README.md says where): ` +
        `in Node, loadDataset from 'seqcast/node' reads it from SEQCAST_DATA_DIR; elsewhere, read the CSV text with readCsv`,
    );
  }
  const text = (await load()).default;
  return readCsv(text, {
    source: info.file,
    missing: options.missing ?? 'keep',
    ...(options.columns !== undefined ? { columns: [...options.columns] } : {}),
  });
}
