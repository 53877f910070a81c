/**
 * Where a named dataset's file is, in Node: the one resolver for every command, example, benchmark and test.
 * Looked for, in order:
 *
 *   1. `datasets/` of the package (the bundled R datasets);
 *   2. the folder named by the environment variable `SEQCAST_DATA_DIR`, when set;
 *   3. the project's shared data folder beside the repository (`../shared/data` from the package root), unless
 *      `SEQCAST_SHARED_DATA=0` (tests use it to see what a user without that folder sees).
 *
 * The datasets that came from other public repositories (`bundled: false` in datasets.ts) are found in 2 or
 * 3 only. Paths are resolved from the package's own location, never from the working directory, so they
 * are the same from dist/ and from src/ (vitest) wherever the command is run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../cli/package-root.js';
import { SeqcastError } from '../errors.js';
import { readCsv } from './csv.js';
import type { LabelledDatasetInfo } from './datasets.js';
import { LABELLED_DATASETS, datasetInfo } from './datasets.js';
import type { MissingPolicy, Series } from './series.js';

/** One folder the resolver reads, with how it was chosen (for messages). */
export interface DataFolder {
  readonly dir: string;
  readonly why: 'bundled' | 'SEQCAST_DATA_DIR' | 'shared';
}

/** The folders looked in, in order (see the module comment). */
export function dataFolders(env: Readonly<Record<string, string | undefined>> = process.env): DataFolder[] {
  const root = fileURLToPath(packageRoot());
  const folders: DataFolder[] = [{ dir: join(root, 'datasets'), why: 'bundled' }];
  const named = env.SEQCAST_DATA_DIR;
  if (named !== undefined && named !== '') folders.push({ dir: named, why: 'SEQCAST_DATA_DIR' });
  if (env.SEQCAST_SHARED_DATA !== '0')
    folders.push({ dir: join(root, '..', 'shared', 'data'), why: 'shared' });
  return folders;
}

/** The path of a file of a data folder, or null when no folder holds it (the bundled folder only if bundled). */
export function findDataFile(file: string, bundled = true): string | null {
  for (const folder of dataFolders()) {
    if (folder.why === 'bundled' && !bundled) continue;
    const path = join(folder.dir, file);
    if (existsSync(path)) return path;
  }
  return null;
}

/** Whether the named dataset's file can be found here. */
export function datasetAvailable(name: string): boolean {
  const info = datasetInfo(name);
  return findDataFile(info.file, info.bundled) !== null;
}

/**
 * The path of the named dataset's file. Throws one SeqcastError line saying where it was looked for and how
 * to supply it when no folder holds it.
 */
export function datasetPath(name: string): string {
  const info = datasetInfo(name);
  const path = findDataFile(info.file, info.bundled);
  if (path === null) throw new SeqcastError('io', unavailableMessage(info));
  return path;
}

/** Why a dataset is not available, in one line: where it was looked for and how to supply it. */
export function unavailableMessage(info: {
  readonly name: string;
  readonly file: string;
  readonly bundled: boolean;
}): string {
  const looked = dataFolders()
    .filter((f) => f.why !== 'bundled' || info.bundled)
    .map((f) => (f.why === 'bundled' ? f.dir : `${f.dir} (${f.why})`));
  const env = process.env.SEQCAST_DATA_DIR;
  const where = env === undefined || env === '' ? [...looked, 'SEQCAST_DATA_DIR (not set)'] : looked;
  const what = info.bundled
    ? `${info.file} is missing from the package's datasets/ (an incomplete installation?)`
    : `${info.file} is not bundled with seqcast (datasets/README.md says where it comes from)`;
  return (
    `dataset '${info.name}' is not available: ${what} and was not found in ${where.join(', ')}; ` +
    `give the file's path (--data FILE, or in place of the name) or set SEQCAST_DATA_DIR to a folder holding ${info.file}`
  );
}

/** The path of a labelled text dataset's file (LABELLED_DATASETS), or one line saying where it was looked for. */
export function labelledDatasetPath(name: string): string {
  if (!Object.hasOwn(LABELLED_DATASETS, name)) {
    throw new SeqcastError(
      'config',
      `no labelled dataset ${JSON.stringify(name)}; available: ${Object.keys(LABELLED_DATASETS).join(', ')}`,
    );
  }
  const info: LabelledDatasetInfo = LABELLED_DATASETS[name];
  const path = findDataFile(info.file, false);
  if (path === null) throw new SeqcastError('io', unavailableMessage(info));
  return path;
}

export interface LoadDatasetOptions {
  readonly missing?: 'error' | 'keep' | MissingPolicy;
  readonly columns?: readonly string[];
}

/** The named dataset read with `readCsv` (missing values kept unless told otherwise). */
export function loadDataset(name: string, options: LoadDatasetOptions = {}): Series {
  const info = datasetInfo(name);
  return readCsv(readFileSync(datasetPath(name), 'utf8'), {
    source: info.file,
    missing: options.missing ?? 'keep',
    ...(options.columns !== undefined ? { columns: [...options.columns] } : {}),
  });
}
