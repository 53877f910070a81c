/** Reading what a command is given: a bundled dataset's name or a CSV path; output folders and files. */
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { SeqcastError } from '../errors.js';
import { checkOutputFolder, checkOutputPath } from '../io/output-folder.js';
import { readRegularFileSync } from '../io/read-file.js';
import { forecasterFromArtifacts } from '../forecast/artifacts.js';
import { Forecaster } from '../forecast/forecaster.js';
import type { ForecasterState } from '../forecast/forecaster.js';
import type { ForecastConfig, ModelKind } from '../forecast/config.js';
import { contextOf, resolveConfig } from '../forecast/config.js';
import type { Sequential } from '../model/sequential.js';
import { loadKerasModel } from '../model/keras/io-node.js';
import { loadClassifier } from '../classify/io-node.js';
import type { SequenceClassifier } from '../classify/classifier.js';
import { isHdf5 } from '../model/keras/hdf5.js';
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

/** Whether `path` is a Keras model file (a .keras zip or an HDF5 file, told by its first bytes), not a folder. */
export function isKerasFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    const fd = openSync(path, 'r');
    const head = new Uint8Array(8);
    try {
      readSync(fd, head, 0, 8, 0);
    } finally {
      closeSync(fd);
    }
    return (head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) || isHdf5(head);
  } catch {
    return false;
  }
}

/** What a Keras file does not say and a command needs to use it as a forecaster. */
export interface KerasForecastFlags {
  /** The column the model forecasts (default: the first column of the data). */
  readonly target?: string;
  /**
   * The label of the last row the model was trained on: evaluate scores the rows after it. Required by
   * evaluate; trace does not need it.
   */
  readonly trainedThrough?: string;
  /** The command, for messages. */
  readonly command: string;
}

/**
 * A saved forecaster (a model folder, see loadSavedForecaster) or a Keras model file read as one, with the
 * data the command reads. `readData(columns)` reads the data; it gets the columns the model reads (a
 * folder's names; for a Keras file, which names none, 'value' for one column, else 'column 1', …).
 *
 * A Keras file holds a model and no forecaster: no transform, no scaler, no column names. It is used as the
 * model a forecaster with transform 'none' and scaler 'none' would hold: every column of the data, in the
 * file's order, is an input (the target first when --target names another), the window is the model's input
 * length, the horizon its output width. The values go in as they are in the data, so give the data as the
 * model was trained on it (already scaled, if it was).
 */
export async function loadForecasterWithData(
  path: string,
  readData: (columns: readonly string[]) => Pick<SeriesSource, 'series' | 'name'>,
  flags: KerasForecastFlags,
): Promise<{ f: Forecaster; source: Pick<SeriesSource, 'series' | 'name'> }> {
  if (!isKerasFile(path)) {
    const f = await loadSavedForecaster(path);
    return { f, source: readData(f.columns) };
  }
  const where = `${flags.command} ${basename(path)}`;
  const model = await loadKerasModel(path, {
    onSkip: (m) =>
      process.stderr.write(`seqcast: note: ${m.replace(/^.*?: not carried over/, 'not carried over')}\n`),
  });
  const input = model.inputShape;
  const window = input[0];
  if (input.length !== 2 || typeof window !== 'number' || typeof input[1] !== 'number') {
    throw new SeqcastError(
      'config',
      `${where}: the model reads [batch, ${input.map((d) => d ?? 'None').join(', ')}]; as a forecaster seqcast needs [batch, window, columns] with a fixed window (a model of token ids is not a forecaster)`,
    );
  }
  const C = input[1];
  const source = readData(C === 1 ? ['value'] : Array.from({ length: C }, (_, i) => `column ${i + 1}`));
  const names = source.series.names;
  if (names.length !== C) {
    throw new SeqcastError(
      'config',
      `${where}: the model reads ${C} value${C === 1 ? '' : 's'} per step, but the data has ${names.length} column${names.length === 1 ? '' : 's'} (${names.join(', ')}); give a CSV with exactly the model's input columns (and the date column)`,
    );
  }
  const target = flags.target ?? names[0];
  if (!names.includes(target)) {
    throw new SeqcastError(
      'config',
      `${where}: --target '${target}' is not a column of the data (${names.join(', ')})`,
    );
  }
  if (target !== names[0]) {
    throw new SeqcastError(
      'config',
      `${where}: the target must be the data's first column, as the model reads the columns in the file's order; move '${target}' first`,
    );
  }
  const width = model.outputShape.reduce<number>((p, d) => p * (d ?? 1), 1);
  const trainedThrough = flags.trainedThrough ?? source.series.label(source.series.length - 1);
  const state = {
    formatVersion: 1,
    config: resolveConfig(
      {
        target: [target],
        features: names.slice(1),
        window,
        horizon: width,
        transform: 'none',
        scaler: 'none',
        ...recurrentSummary(model),
      },
      contextOf(source.series),
    ),
    columns: names,
    scaler: null,
    frequency: source.series.frequency,
    trainedThrough,
  } satisfies ForecasterState;
  return { f: Forecaster.fromState(model, state), source };
}

/** The forecaster config's `model` entry that describes a Keras model's recurrent layers, for reports. */
function recurrentSummary(model: Sequential): { model?: ForecastConfig['model'] } {
  const kinds: Record<string, ModelKind> = { SimpleRNN: 'simpleRNN', LSTM: 'lstm', GRU: 'gru' };
  const recurrent = model.layers.flatMap((l) => {
    const c = l.getConfig() as {
      units?: number;
      layer?: { className?: string; config?: { units?: number } };
    };
    const cls = l.className === 'Bidirectional' ? c.layer?.className : l.className;
    const units = l.className === 'Bidirectional' ? c.layer?.config?.units : c.units;
    return cls !== undefined && Object.hasOwn(kinds, cls) && typeof units === 'number'
      ? [{ kind: kinds[cls], units, bidirectional: l.className === 'Bidirectional' }]
      : [];
  });
  if (recurrent.length === 0) return {};
  const [first] = recurrent;
  return {
    model: {
      kind: first.kind,
      units: first.units,
      layers: recurrent.length,
      bidirectional: first.bidirectional,
    },
  };
}

/**
 * A saved classifier for `seqcast predict`. A Keras file is refused in one line: it holds the model but not
 * the vocabulary that turns texts into its token ids (Keras keeps TextVectorization outside the model
 * file or as a layer seqcast does not read).
 */
export async function loadClassifierFor(path: string): Promise<SequenceClassifier> {
  if (isKerasFile(path)) {
    throw new SeqcastError(
      'config',
      `'${path}' is a Keras model file: it holds no vocabulary, so seqcast predict cannot turn texts into its token ids; ` +
        `train a classifier with seqcast classify (which saves its vectorizer), or use the file with loadKerasModel on token ids`,
    );
  }
  return loadClassifier(path);
}
