/**
 * Reading a CSV text into a Series, in Node and in the browser (the text comes from `fs`, `fetch` or a file
 * input; this module never touches the file system).
 *
 * The file has one header row and one row per date; fields are separated by ',' (quote a field that holds
 * one). The date column holds ISO dates (`YYYY-MM-DD`, or ISO date-times) or integer steps; value columns
 * hold plain decimals, and an empty field is a missing value. A BOM and CRLF line ends are accepted; blank
 * lines are skipped. Rows are numbered as a spreadsheet shows them: the header is row 1.
 */
import Papa from 'papaparse';
import { SeqcastError, listed, quoted } from '../errors.js';
import type { IndexKind } from './frequency.js';
import { dateIndex, formatIndexValue, permute, sortOrder } from './frequency.js';
import type { MissingPolicy, Series } from './series.js';
import { checkOptions } from '../options.js';
import { MISSING_POLICIES, fillColumns, seriesFromParts } from './series.js';

export interface ReadCsvOptions {
  /** The file name, for messages. */
  readonly source?: string;
  /** The index column; default: the first column. */
  readonly dateColumn?: string;
  /** The value columns, in this order; default: every other column. */
  readonly columns?: readonly string[];
  /**
   * What to do with empty fields in the value columns: `'error'` (the default) names them; `'keep'` leaves
   * them as NaN, to inspect with `series.missing()` and fill later; a policy fills them now.
   */
  readonly missing?: 'error' | 'keep' | MissingPolicy;
}

const OPTIONS = ['source', 'dateColumn', 'columns', 'missing'];
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const SHOWN_MISSING = 4;

/**
 * The rows of a CSV text as strings (a leading BOM dropped), for readCsv and readLabelledCsv: one clear line
 * for a text that is not a string, an empty file (`example`: the header and rows expected) or a parse error.
 */
export function parseCsvRecords(text: string, fn: string, what: string, example: string): string[][] {
  if (typeof text !== 'string') {
    throw new SeqcastError(
      'config',
      `${fn}: text must be the CSV's contents as a string (got ${typeof text})`,
    );
  }
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') {
    throw new SeqcastError('io', `${what}: the file is empty; expected a header row such as ${example}`);
  }
  const parsed = Papa.parse<string[]>(body, { delimiter: ',', header: false, skipEmptyLines: false });
  if (parsed.errors.length > 0) {
    const e = parsed.errors[0];
    throw new SeqcastError(
      'io',
      `${what}: row ${(e.row ?? 0) + 1}: ${e.message}; quote a field that holds ',' and double every '"' inside quotes`,
    );
  }
  return parsed.data;
}

export function readCsv(text: string, options: ReadCsvOptions = {}): Series {
  checkOptions('readCsv()', options, OPTIONS);
  const what = options.source ?? 'readCsv()';
  const policy = options.missing ?? 'error';
  if (policy !== 'error' && policy !== 'keep' && !MISSING_POLICIES.includes(policy)) {
    throw new SeqcastError(
      'config',
      `readCsv(): missing must be 'error', 'keep', ${MISSING_POLICIES.map((p) => `'${p}'`).join(', ')} (got ${JSON.stringify(policy)})`,
    );
  }
  const records = parseCsvRecords(text, 'readCsv()', what, "'date,price' and then one row per date");
  const header = records[0].map((h) => h.trim());
  checkHeader(header, what);

  const dateColumn = options.dateColumn ?? header[0];
  const datePosition = header.indexOf(dateColumn);
  if (datePosition < 0) {
    throw new SeqcastError(
      'config',
      `${what}: no column ${quoted(dateColumn)} for the dates (dateColumn); available: ${listed(header)}`,
    );
  }
  const names = valueColumns(options.columns, header, dateColumn, what);
  const positions = names.map((name) => header.indexOf(name));

  const rows: number[] = []; // spreadsheet row number of each data record
  const data: string[][] = [];
  for (let r = 1; r < records.length; r++) {
    const record = records[r];
    if (record.length === 1 && record[0].trim() === '') continue; // a blank line
    if (record.length !== header.length) {
      throw new SeqcastError(
        'io',
        `${what}: row ${r + 1} has ${record.length} fields but the header (row 1) has ${header.length}; ` +
          `every row needs one field per column (a value holding ',' must be quoted)`,
      );
    }
    rows.push(r + 1);
    data.push(record);
  }
  if (data.length === 0) {
    throw new SeqcastError('io', `${what}: there is a header row but no data rows; add one row per date`);
  }

  const dateTexts = data.map((record) => record[datePosition].trim());
  const kind = indexKind(dateTexts[0], rows[0], dateColumn, what);
  let index: Float64Array;
  let utcOffset: number | undefined;
  if (kind === 'date') {
    ({ index, utcOffset } = dateIndex(dateTexts, (i) =>
      dateTexts[i] === ''
        ? emptyDate(rows[i], dateColumn, what)
        : notADate(dateTexts[i], rows[i], dateColumn, what),
    ));
  } else {
    index = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      index[i] = parseIntegerIndex(dateTexts[i], rows[i], rows[0], dateColumn, what);
    }
  }

  const missing: { row: number; text: string }[] = [];
  const columns = positions.map((p, c) => {
    const values = new Float64Array(data.length);
    for (let i = 0; i < data.length; i++) {
      const field = data[i][p].trim();
      if (field === '') {
        values[i] = Number.NaN;
        missing.push({ row: i, text: `row ${rows[i]} (${dateTexts[i]}), column '${names[c]}'` });
        continue;
      }
      values[i] = parseNumber(field, rows[i], names[c], what);
    }
    return values;
  });
  if (missing.length > 0 && policy === 'error') {
    missing.sort((a, b) => a.row - b.row); // stable: columns in order within a row
    const more = missing
      .slice(1, 1 + SHOWN_MISSING)
      .map((m) => m.text)
      .join('; ');
    const rest = missing.length - 1 - SHOWN_MISSING;
    throw new SeqcastError(
      'non-finite',
      `${what}: ${missing[0].text} is empty` +
        (missing.length > 1
          ? ` (${missing.length - 1} more: ${more}${rest > 0 ? `; and ${rest} more` : ''})`
          : '') +
        `; pass missing: 'drop' | 'ffill' | 'interpolate' or fill ${missing.length > 1 ? 'them' : 'it'}`,
    );
  }

  const order = sortOrder(index, kind, (i) => `row ${rows[i]}`, what, 'io');
  let sorted = { index: permute(index, order), columns: columns.map((c) => permute(c, order)) };
  if (missing.length > 0 && policy !== 'error' && policy !== 'keep') {
    const sortedRows = order.map((i) => rows[i]);
    const rowName = (i: number): string =>
      `row ${sortedRows[i]} (${formatIndexValue(sorted.index[i], kind, utcOffset)})`;
    sorted = fillColumns(sorted.index, sorted.columns, names, policy, rowName, what);
  }
  return seriesFromParts({
    kind,
    index: sorted.index,
    names,
    columns: sorted.columns,
    source: options.source,
    ...(utcOffset !== undefined ? { utcOffset } : {}),
  });
}

function checkHeader(header: readonly string[], what: string): void {
  header.forEach((name, k) => {
    if (name === '') {
      throw new SeqcastError(
        'io',
        `${what}: column ${k + 1} of the header (row 1) has no name; name every column`,
      );
    }
    if (header.indexOf(name) !== k) {
      throw new SeqcastError(
        'io',
        `${what}: the header (row 1) names column ${quoted(name)} twice; rename one of them`,
      );
    }
  });
  if (header.length < 2) {
    const separator = /[;\t|]/.exec(header[0]);
    throw new SeqcastError(
      'io',
      `${what}: the header (row 1) has one column, ${quoted(header[0])}; a series needs a date column and at least one ` +
        `value column` +
        (separator === null
          ? ''
          : `, separated by ',' (this file seems to use ${JSON.stringify(separator[0])}: save it as comma-separated)`),
    );
  }
}

function valueColumns(
  given: readonly string[] | undefined,
  header: readonly string[],
  dateColumn: string,
  what: string,
): string[] {
  if (given === undefined) return header.filter((name) => name !== dateColumn);
  const available = header.filter((name) => name !== dateColumn).join(', ');
  if (!Array.isArray(given) || given.length === 0) {
    throw new SeqcastError(
      'config',
      `readCsv(): columns must list at least one column (available: ${available})`,
    );
  }
  given.forEach((name, k) => {
    if (name === dateColumn) {
      throw new SeqcastError('config', `readCsv(): columns lists '${name}', which is the date column`);
    }
    if (!header.includes(name)) {
      throw new SeqcastError('config', `${what}: no column ${JSON.stringify(name)}; available: ${available}`);
    }
    if (given.indexOf(name) !== k)
      throw new SeqcastError('config', `readCsv(): columns lists '${name}' twice`);
  });
  return [...given];
}

/** A date-looking first value makes a date index, an integer an integer index; anything else is an error. */
function indexKind(first: string, row: number, dateColumn: string, what: string): IndexKind {
  if (first === '') throw emptyDate(row, dateColumn, what);
  if (/^\d{4}-\d/.test(first)) return 'date';
  if (/^[+-]?\d+$/.test(first)) return 'integer';
  throw new SeqcastError(
    'io',
    `${what}: column ${quoted(dateColumn)} holds neither ISO dates nor integers (row ${row} is ${quoted(first)}); ` +
      `write dates as YYYY-MM-DD (e.g. 1950-01-31) or integer steps, or pass dateColumn to name the index column`,
  );
}

function notADate(text: string, row: number, dateColumn: string, what: string): SeqcastError {
  return new SeqcastError(
    'io',
    `${what}: row ${row}, column ${quoted(dateColumn)}: ${quoted(text)} is not an ISO date; write dates as YYYY-MM-DD ` +
      `(e.g. 1950-01-31) or ISO date-times (1950-01-31T12:00:00Z)`,
  );
}

function parseIntegerIndex(
  text: string,
  row: number,
  firstRow: number,
  dateColumn: string,
  what: string,
): number {
  if (text === '') throw emptyDate(row, dateColumn, what);
  const v = /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(v)) {
    throw new SeqcastError(
      'io',
      `${what}: row ${row}, column ${quoted(dateColumn)}: ${quoted(text)} is not a safe integer, but row ${firstRow} made ` +
        `this an integer index; write whole numbers below 2^53 in every row (or ISO dates YYYY-MM-DD in every row)`,
    );
  }
  return v;
}

function emptyDate(row: number, dateColumn: string, what: string): SeqcastError {
  return new SeqcastError(
    'io',
    `${what}: row ${row}, column ${quoted(dateColumn)} is empty; every row needs a date (delete the row if it holds no data)`,
  );
}

function parseNumber(text: string, row: number, column: string, what: string): number {
  const v = NUMBER.test(text) ? Number(text) : Number.NaN;
  if (Number.isFinite(v)) return v;
  let fix: string;
  if (NUMBER.test(text)) fix = 'it is too large for a float64';
  else if (/^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/.test(text)) {
    fix = `it has thousands separators: write ${text.replaceAll(',', '')}`;
  } else if (/^[+-]?\d+,\d+$/.test(text)) fix = `it has a decimal comma: write ${text.replace(',', '.')}`;
  else fix = 'write a plain decimal such as 12.5, or leave the field empty for a missing value';
  throw new SeqcastError(
    'io',
    `${what}: row ${row}, column ${quoted(column)}: ${quoted(text)} is not a number; ${fix}`,
  );
}

/** Text fields a spreadsheet would run as a formula: `=`, `+`, `-`, `@`, a tab or a carriage return first. */
const FORMULA = /^[=+\-@\t\r]/;

/**
 * The CSV text of a header and rows, written by the same library that reads CSV: a field holding ',', '"'
 * or a line break is quoted (so `price, usd` stays one column and reads back as itself), and a text field
 * that starts like a formula (`=`, `+`, `-`, `@`, tab, CR) gets a leading `'`, so a spreadsheet shows it
 * instead of running it. Numbers are written as they are (a negative number is not a formula); they must
 * be finite. Lines end with '\n', the last one too.
 */
export function formatCsv(
  header: readonly string[],
  rows: readonly (readonly (string | number)[])[],
  what = 'formatCsv()',
): string {
  rows.forEach((row, r) => {
    if (row.length !== header.length) {
      throw new SeqcastError(
        'shape',
        `${what}: row ${r + 1} has ${row.length} fields but the header ${header.length}`,
      );
    }
    row.forEach((v, c) => {
      if (typeof v === 'number' && !Number.isFinite(v)) {
        throw new SeqcastError(
          'non-finite',
          `${what}: row ${r + 1}, column '${header[c]}' is ${String(v)}; only finite numbers are written`,
        );
      }
    });
  });
  const text = Papa.unparse(
    { fields: [...header], data: rows.map((row) => [...row]) },
    { newline: '\n', escapeFormulae: FORMULA },
  );
  return `${text}\n`;
}
