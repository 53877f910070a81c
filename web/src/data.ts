/**
 * Reading the data, the same way in the page and in the worker: the CSV text through seqcast's `readCsv`,
 * with the options the CLI passes (`source`, `dateColumn`, `missing`), so a malformed file gets the very
 * message `seqcast train file.csv` prints. Bundled datasets are built into the site (no network); the
 * datasets seqcast does not bundle (`bundled: false`, e.g. sp500) are not offered: drop their CSV file instead.
 */
import type { DatasetName, Series } from 'seqcast';
import { DATASETS, readCsv, SeqcastError } from 'seqcast';
import type { DataSpec } from './protocol';

const files = import.meta.glob<string>('../../datasets/*.csv', { query: '?raw', import: 'default' });

/** The datasets whose file is built into the site: the bundled ones. */
export function siteDatasets(): DatasetName[] {
  return (Object.keys(DATASETS) as DatasetName[]).filter(
    (name) => files[`../../datasets/${DATASETS[name].file}`] !== undefined,
  );
}

/** The text of a bundled dataset (a chunk of the built site, loaded on demand). */
export async function datasetText(name: DatasetName): Promise<string> {
  const load = files[`../../datasets/${DATASETS[name].file}`];
  if (load === undefined) throw new Error(`the dataset file ${DATASETS[name].file} is not in the build`);
  return load();
}

/**
 * The header's column names, for the date-column menu, before the file is read with a chosen date column.
 * A rough split (quotes honoured); `readCsv` does the real checking.
 */
export function headerColumns(text: string): string[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const line = body.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  const names: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      names.push(field.trim());
      field = '';
    } else field += ch;
  }
  names.push(field.trim());
  return names.filter((n) => n !== '');
}

/** A bound typed in the page: an integer for an integer index, the text otherwise. */
function bound(text: string | null, series: Series): string | number | undefined {
  if (text === null || text.trim() === '') return undefined;
  const t = text.trim();
  return series.kind === 'integer' && /^[+-]?\d+$/.test(t) ? Number(t) : t;
}

/** The series the spec describes: every value column read (as the CLI reads them), then the date range. */
export function readSpec(
  spec: Pick<DataSpec, 'text' | 'source' | 'dateColumn' | 'missing' | 'from' | 'to'>,
): Series {
  const all = readCsv(spec.text, {
    source: spec.source,
    ...(spec.dateColumn !== '' ? { dateColumn: spec.dateColumn } : {}),
    missing: spec.missing,
  });
  const from = bound(spec.from, all);
  const to = bound(spec.to, all);
  if (from === undefined && to === undefined) return all;
  return all.slice({ ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) });
}

/** An error's message for the page: seqcast's one-line messages as they are, anything else with its name. */
export function messageOf(e: unknown): string {
  if (e instanceof SeqcastError) return e.message;
  if (e instanceof Error) return e.name === 'Error' ? e.message : `${e.name}: ${e.message}`;
  return String(e);
}
