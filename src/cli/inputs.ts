/** Reading what a command is given: a bundled dataset's name or a CSV path; output folders and files. */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { SeqcastError } from '../errors.js';
import type { DatasetName } from '../series/datasets.js';
import { DATASETS } from '../series/datasets.js';
import { readCsv } from '../series/csv.js';
import { datasetPath } from '../series/dataset-files.js';
import type { MissingPolicy, Series } from '../series/series.js';

export interface SeriesSource {
  readonly series: Series;
  /** The dataset name or the file's base name, for reports. */
  readonly name: string;
  /** The bundled dataset's default value column, if it is one. */
  readonly valueColumn: string | null;
}

export interface ReadOptions {
  readonly dateColumn?: string;
  readonly columns?: readonly string[];
  readonly missing?: 'error' | 'keep' | MissingPolicy;
}

/**
 * A named dataset (`sp500`, `air-passengers`, …; found by datasetPath: bundled, SEQCAST_DATA_DIR or the
 * shared data folder) or a CSV file by path.
 */
export function readSeries(arg: string, options: ReadOptions = {}): SeriesSource {
  const isName = Object.hasOwn(DATASETS, arg);
  let text: string;
  let source: string;
  if (isName) {
    const info = DATASETS[arg as DatasetName];
    source = info.file;
    text = readFileSync(datasetPath(arg), 'utf8');
  } else {
    if (!existsSync(arg)) {
      const looksLikeName = !arg.includes('/') && !arg.includes('.');
      throw new SeqcastError(
        'io',
        looksLikeName
          ? `no dataset named '${arg}'; the named datasets are ${Object.keys(DATASETS).join(', ')} (or give a CSV file's path)`
          : `cannot read '${arg}': no such file; give a CSV file's path or a bundled dataset (${Object.keys(DATASETS).join(', ')})`,
      );
    }
    if (statSync(arg).isDirectory())
      throw new SeqcastError('io', `'${arg}' is a folder; give a CSV file or a bundled dataset's name`);
    source = basename(arg);
    try {
      text = readFileSync(arg, 'utf8');
    } catch (e) {
      throw new SeqcastError('io', `cannot read '${arg}': ${(e as Error).message}`);
    }
  }
  const series = readCsv(text, {
    source,
    ...(options.dateColumn !== undefined ? { dateColumn: options.dateColumn } : {}),
    ...(options.columns !== undefined ? { columns: [...options.columns] } : {}),
    ...(options.missing !== undefined ? { missing: options.missing } : {}),
  });
  return {
    series,
    name: isName ? arg : source,
    valueColumn: isName ? DATASETS[arg as DatasetName].valueColumn : null,
  };
}

/** `./seqcast-report/2026-11-22T00-25-03` style: a new folder name for this run. */
export function defaultReportDir(): string {
  return `seqcast-report/${new Date()
    .toISOString()
    .replace(/:/g, '-')
    .replace(/\.\d+Z$/, '')}`;
}

/** Refuses an output folder that exists and is not empty, unless forced: nothing a user saved is lost. */
export function checkOutputDir(dir: string, force: boolean): void {
  checkOutputPath(dir, '--out');
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory())
    throw new SeqcastError('io', `'${dir}' exists and is a file; give a folder path for --out`);
  if (readdirSync(dir).length > 0 && !force) {
    throw new SeqcastError(
      'io',
      `'${dir}' already exists and is not empty; choose another --out or pass --force to write into it`,
    );
  }
}

/**
 * What can be said of an output path before anything is written: not empty, not too long, and under a
 * parent that is (or can become) a folder.
 */
function checkOutputPath(path: string, flag: string): void {
  if (path.trim() === '') throw new SeqcastError('config', `${flag} is empty; give a path`);
  const tooLong = path.split(/[\\/]/).find((part) => Buffer.byteLength(part) > 255);
  if (tooLong !== undefined) {
    throw new SeqcastError(
      'io',
      `${flag}: the name '${tooLong.slice(0, 40)}…' is ${Buffer.byteLength(tooLong)} bytes long; file systems allow 255 — give a shorter name`,
    );
  }
  for (let parent = dirname(resolve(path)); ; parent = dirname(parent)) {
    if (existsSync(parent)) {
      if (!statSync(parent).isDirectory()) {
        throw new SeqcastError(
          'io',
          `${flag} '${path}': '${parent}' is a file, not a folder; give a path whose folders are folders`,
        );
      }
      return;
    }
    if (dirname(parent) === parent) return;
  }
}

/** Refuses to overwrite a file unless forced. */
export function checkOutputFile(path: string, force: boolean): void {
  checkOutputPath(path, '--output');
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new SeqcastError('io', `--output '${path}' is a folder; give a file name such as forecast.csv`);
  }
  if (existsSync(path) && !force)
    throw new SeqcastError(
      'io',
      `'${path}' already exists; choose another --output or pass --force to replace it`,
    );
}
