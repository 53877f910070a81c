/**
 * Reading a labelled text CSV (one header row, one sample per row, a text column and a label column) into
 * `{ texts, labels }`, in Node and in the browser (the text comes from `fs`, `fetch` or a file input).
 * Parsed by papaparse as `readCsv` parses series, with the same rules: ',' separates fields, a field holding
 * ',' or a line break is quoted, a BOM and CRLF line ends are accepted, blank lines are skipped, and rows are
 * numbered as a spreadsheet shows them (the header is row 1). An empty text or label is an error naming its
 * row: a classifier cannot learn from it, and dropping it silently would change the data.
 */
import { SeqcastError, listed, quoted } from '../errors.js';
import { checkOptions } from '../options.js';
import { parseCsvRecords } from '../series/csv.js';

export interface ReadLabelledCsvOptions {
  /** The file name, for messages. */
  readonly source?: string;
  /** Default 'text'. */
  readonly textColumn?: string;
  /** Default 'label'; null reads texts only (new texts to classify), and `labels` is empty. */
  readonly labelColumn?: string | null;
}

export interface LabelledTexts {
  readonly texts: string[];
  readonly labels: string[];
  /** The spreadsheet row of each sample. */
  readonly rows: number[];
  readonly columns: string[];
}

export function readLabelledCsv(text: string, options: ReadLabelledCsvOptions = {}): LabelledTexts {
  checkOptions('readLabelledCsv()', options, ['source', 'textColumn', 'labelColumn']);
  const what = options.source ?? 'readLabelledCsv()';
  const textColumn = options.textColumn ?? 'text';
  const labelColumn = options.labelColumn === undefined ? 'label' : options.labelColumn;
  const records = parseCsvRecords(
    text,
    'readLabelledCsv()',
    what,
    "'text,label' and then one row per sample",
  );
  const header = records[0].map((h) => h.trim());
  const position = (name: string, flag: string): number => {
    const p = header.indexOf(name);
    if (p < 0) {
      throw new SeqcastError(
        'config',
        `${what}: no column ${quoted(name)} (${flag}); the columns are ${listed(header)}`,
      );
    }
    return p;
  };
  const tp = position(textColumn, '--text');
  const lp = labelColumn === null ? -1 : position(labelColumn, '--label');
  if (tp === lp) {
    throw new SeqcastError(
      'config',
      `${what}: the text and the label are the same column ${quoted(textColumn)}`,
    );
  }
  const texts: string[] = [];
  const labels: string[] = [];
  const rows: number[] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r];
    if (record.length === 1 && record[0].trim() === '') continue;
    if (record.length !== header.length) {
      throw new SeqcastError(
        'io',
        `${what}: row ${r + 1} has ${record.length} fields but the header (row 1) has ${header.length}; ` +
          `every row needs one field per column (a text holding ',' must be quoted)`,
      );
    }
    const t = record[tp];
    const l = lp < 0 ? '' : record[lp].trim();
    if (t.trim() === '') {
      throw new SeqcastError(
        'io',
        `${what}: row ${r + 1}: the text (column ${quoted(textColumn)}) is empty; every sample needs some text — remove the row or fill it in`,
      );
    }
    if (l === '' && labelColumn !== null) {
      throw new SeqcastError(
        'io',
        `${what}: row ${r + 1}: the label (column ${quoted(labelColumn!)}) is empty; every sample needs a label — remove the row or label it`,
      );
    }
    texts.push(t);
    if (labelColumn !== null) labels.push(l);
    rows.push(r + 1);
  }
  if (texts.length === 0) {
    throw new SeqcastError('io', `${what}: there is a header row but no data rows; add one row per sample`);
  }
  return { texts, labels, rows, columns: header };
}
