/** Reading what a command is given: a bundled dataset's name or a CSV path; output folders and files. */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { SeqcastError } from '../errors.js';
import { checkOutputFolder, checkOutputPath } from '../io/output-folder.js';
import { readRegularFileSync } from '../io/read-file.js';
import { forecasterFromArtifacts } from '../forecast/artifacts.js';
import type { Forecaster } from '../forecast/forecaster.js';
import { NO_CHECKSUMS_NOTE, readArtifacts } from '../model/io-node.js';
import type { DatasetName } from '../series/datasets.js';
import { DATASETS } from '../series/datasets.js';
import { readCsv } from '../series/csv.js';
import { datasetPath } from '../series/dataset-files.js';
import type { MissingPolicy, Series } from '../series/series.js';

/** The largest CSV read: a JavaScript string holds at most about 512 M characters. */
export const MAX_CSV_BYTES = 512 << 20;

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
  /**
   * Empty values and gaps in the calendar (see Series.gaps): 'error' names empty values (gaps are refused
   * when the series is forecast); 'drop' removes rows with an empty value; 'ffill' and 'interpolate' fill
   * empty values and gaps alike; 'mask' leaves both missing, on the full calendar, for the forecaster to
   * leave out of every window.
   */
  readonly missing?: 'error' | 'keep' | MissingPolicy | 'mask';
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
    text = new TextDecoder().decode(
      readRegularFileSync(datasetPath(arg), { maxBytes: MAX_CSV_BYTES, what: '', followLinks: true }),
    );
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
    text = new TextDecoder().decode(
      readRegularFileSync(arg, {
        maxBytes: MAX_CSV_BYTES,
        what: '',
        followLinks: true,
        tooLarge: 'split it, or resample it to a coarser frequency first',
      }),
    );
  }
  const missing = options.missing === 'mask' ? 'keep' : options.missing;
  const read = readCsv(text, {
    source,
    ...(options.dateColumn !== undefined ? { dateColumn: options.dateColumn } : {}),
    ...(options.columns !== undefined ? { columns: [...options.columns] } : {}),
    ...(missing !== undefined ? { missing } : {}),
  });
  const rule = options.missing;
  const series = rule === 'mask' || rule === 'ffill' || rule === 'interpolate' ? read.fillGaps(rule) : read;
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

/**
 * Refuses, before any work, an output folder that may not be written: one that exists and is not empty
 * (without force), or (with force) holds files seqcast did not write. See src/io/output-folder.ts.
 */
export function checkOutputDir(dir: string, force: boolean): void {
  checkOutputFolder(dir, { force });
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

/**
 * A saved forecaster for a command (evaluate, forecast, trace). A folder whose model.json records no
 * checksums of its weight files (TF.js writes none) loads, with one note on stderr saying that damage to
 * them could not be detected.
 */
export async function loadSavedForecaster(dir: string): Promise<Forecaster> {
  const artifacts = await readArtifacts(dir);
  const f = forecasterFromArtifacts(artifacts);
  if (artifacts.checksums === 'absent') process.stderr.write(`seqcast: note: ${NO_CHECKSUMS_NOTE}\n`);
  return f;
}
