/**
 * Reading labelled variable-length series from a CSV in long format — one row per step of a sequence:
 *
 *     id,step,f1,f2,…,label          (the step column is optional; without it, rows keep the file's order)
 *
 * into `{ sequences, labels, ids }`. Sequences appear in the order their id first appears; within one, rows are
 * sorted by step (integers; a repeated step is an error). Every feature is a plain decimal number, and the
 * label must be the same on every row of a sequence. Errors name the row as a spreadsheet numbers it (the
 * header is row 1) and the column. Parsed by papaparse with the rules of `readCsv` and `readLabelledCsv`.
 */
import Papa from 'papaparse';
import { SeqcastError, listed, quoted } from '../errors.js';
import { checkOptions } from '../options.js';

export interface ReadSeriesCsvOptions {
  readonly source?: string;
  /** The column naming the sequence of each row. Default 'id'. */
  readonly idColumn?: string;
  /** The column ordering the rows of a sequence; null (default when there is no 'step' column): file order. */
  readonly stepColumn?: string | null;
  /** Default 'label'. */
  readonly labelColumn?: string;
  /** The feature columns; default every other column. */
  readonly features?: readonly string[];
}

export interface LabelledSeries {
  readonly sequences: number[][][];
  readonly labels: string[];
  readonly ids: string[];
  readonly features: string[];
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function readLabelledSeriesCsv(text: string, options: ReadSeriesCsvOptions = {}): LabelledSeries {
  checkOptions('readLabelledSeriesCsv()', options, [
    'source',
    'idColumn',
    'stepColumn',
    'labelColumn',
    'features',
  ]);
  const what = options.source ?? 'readLabelledSeriesCsv()';
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') {
    throw new SeqcastError(
      'io',
      `${what}: the file is empty; expected a header row such as 'id,step,x,label'`,
    );
  }
  const parsed = Papa.parse<string[]>(body, { delimiter: ',', header: false, skipEmptyLines: false });
  if (parsed.errors.length > 0) {
    const e = parsed.errors[0];
    throw new SeqcastError(
      'io',
      `${what}: row ${(e.row ?? 0) + 1}: ${e.message}; quote a field that holds ','`,
    );
  }
  const records = parsed.data;
  const header = records[0].map((h) => h.trim());
  const column = (name: string, flag: string): number => {
    const p = header.indexOf(name);
    if (p < 0)
      throw new SeqcastError(
        'config',
        `${what}: no column ${quoted(name)} (${flag}); the columns are ${listed(header)}`,
      );
    return p;
  };
  const idColumn = options.idColumn ?? 'id';
  const labelColumn = options.labelColumn ?? 'label';
  const stepColumn =
    options.stepColumn === undefined ? (header.includes('step') ? 'step' : null) : options.stepColumn;
  const ip = column(idColumn, '--id');
  const lp = column(labelColumn, '--label');
  const sp = stepColumn === null ? -1 : column(stepColumn, '--step');
  const taken = [idColumn, labelColumn, ...(stepColumn === null ? [] : [stepColumn])];
  const features =
    options.features !== undefined ? [...options.features] : header.filter((h) => !taken.includes(h));
  if (features.length === 0) {
    throw new SeqcastError(
      'config',
      `${what}: no feature columns besides ${taken.map((t) => quoted(t)).join(', ')}`,
    );
  }
  const fp = features.map((f) => {
    if (taken.includes(f))
      throw new SeqcastError('config', `${what}: ${quoted(f)} cannot be a feature and the id, step or label`);
    return column(f, 'features');
  });
  const groups = new Map<
    string,
    { label: string; labelRow: number; steps: { step: number; row: number; values: number[] }[] }
  >();
  for (let r = 1; r < records.length; r++) {
    const rec = records[r];
    if (rec.length === 1 && rec[0].trim() === '') continue;
    const row = r + 1;
    if (rec.length !== header.length) {
      throw new SeqcastError(
        'io',
        `${what}: row ${row} has ${rec.length} fields but the header (row 1) has ${header.length}`,
      );
    }
    const id = rec[ip].trim();
    const label = rec[lp].trim();
    if (id === '')
      throw new SeqcastError('io', `${what}: row ${row}: the id (column ${quoted(idColumn)}) is empty`);
    if (label === '') {
      throw new SeqcastError(
        'io',
        `${what}: row ${row}: the label (column ${quoted(labelColumn)}) is empty; every sequence needs a label`,
      );
    }
    const values = fp.map((p, k) => {
      const field = rec[p].trim();
      if (!NUMBER.test(field)) {
        throw new SeqcastError(
          'io',
          `${what}: row ${row}, column ${quoted(features[k])}: ${field === '' ? 'the value is empty' : `${quoted(field)} is not a number`}; every feature must be a plain decimal number`,
        );
      }
      return Number(field);
    });
    let step = r;
    if (sp >= 0) {
      const field = rec[sp].trim();
      if (!/^[+-]?\d+$/.test(field)) {
        throw new SeqcastError(
          'io',
          `${what}: row ${row}, column ${quoted(stepColumn!)}: ${quoted(field)} is not an integer step`,
        );
      }
      step = Number(field);
    }
    let g = groups.get(id);
    if (g === undefined) {
      g = { label, labelRow: row, steps: [] };
      groups.set(id, g);
    } else if (g.label !== label) {
      throw new SeqcastError(
        'io',
        `${what}: row ${row}: sequence ${quoted(id)} has label ${quoted(label)} here but ${quoted(g.label)} on row ${g.labelRow}; a sequence has one label`,
      );
    }
    g.steps.push({ step, row, values });
  }
  if (groups.size === 0) throw new SeqcastError('io', `${what}: there is a header row but no data rows`);
  const sequences: number[][][] = [];
  const labels: string[] = [];
  const ids: string[] = [];
  for (const [id, g] of groups) {
    g.steps.sort((a, b) => a.step - b.step || a.row - b.row);
    for (let t = 1; t < g.steps.length; t++) {
      if (g.steps[t].step === g.steps[t - 1].step) {
        throw new SeqcastError(
          'io',
          `${what}: rows ${g.steps[t - 1].row} and ${g.steps[t].row}: sequence ${quoted(id)} has step ${g.steps[t].step} twice`,
        );
      }
    }
    sequences.push(g.steps.map((s) => s.values));
    labels.push(g.label);
    ids.push(id);
  }
  return { sequences, labels, ids, features };
}
