/** What `seqcast classify` reads: labelled texts (a dataset or a CSV), or series in long format (--id). */
import { existsSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { readLabelledCsv } from '../classify/csv.js';
import type { LabelledSeries } from '../classify/series-csv.js';
import { readLabelledSeriesCsv } from '../classify/series-csv.js';
import type { LabelledTexts } from '../classify/csv.js';
import { SeqcastError } from '../errors.js';
import { readRegularFileSync } from '../io/read-file.js';
import { labelledDatasetPath } from '../series/dataset-files.js';
import { LABELLED_DATASETS } from '../series/datasets.js';
import { MAX_CSV_BYTES } from './inputs.js';

export type LabelledInput =
  | {
      readonly kind: 'text';
      readonly name: string;
      readonly data: LabelledTexts;
      readonly textColumn: string;
      readonly labelColumn: string;
    }
  | {
      readonly kind: 'series';
      readonly name: string;
      readonly data: LabelledSeries;
      readonly labelColumn: string;
    };

/** Texts (a labelled dataset or a CSV), or with --id a CSV of series in long format. */
/** The flags that say what to read. */
export interface InputFlags {
  readonly text?: string;
  readonly label?: string;
  readonly id?: string;
  readonly step?: string;
  readonly features?: string;
}

export function readLabelledInput(arg: string, flags: InputFlags): LabelledInput {
  if (flags.id === undefined) return readLabelledTexts(arg, flags);
  if (Object.hasOwn(LABELLED_DATASETS, arg)) {
    throw new SeqcastError(
      'config',
      `--id reads series in long format from a CSV; '${arg}' is a labelled text dataset`,
    );
  }
  const path = csvPath(arg);
  const source = basename(arg);
  const bytes = readRegularFileSync(path, { maxBytes: MAX_CSV_BYTES, what: '', followLinks: true });
  const labelColumn = flags.label ?? 'label';
  const data = readLabelledSeriesCsv(new TextDecoder().decode(bytes), {
    source,
    idColumn: flags.id,
    labelColumn,
    ...(flags.step !== undefined ? { stepColumn: flags.step } : {}),
    ...(flags.features !== undefined
      ? {
          features: flags.features
            .split(',')
            .map((x) => x.trim())
            .filter((x) => x !== ''),
        }
      : {}),
  });
  oneClassGuard(source, labelColumn, data.labels);
  return { kind: 'series', name: source, data, labelColumn };
}

function oneClassGuard(source: string, labelColumn: string, labels: readonly string[]): void {
  if (new Set(labels).size < 2) {
    throw new SeqcastError(
      'config',
      `${source}: every label in column '${labelColumn}' is '${labels[0]}'; a classifier needs at least two classes`,
    );
  }
}

/** A CSV file the user names: it must exist and not be a folder. */
function csvPath(arg: string): string {
  if (!existsSync(arg)) {
    const looksLikeName = !arg.includes('/') && !arg.includes('.');
    throw new SeqcastError(
      'io',
      looksLikeName
        ? `no labelled dataset named '${arg}'; the labelled datasets are ${Object.keys(LABELLED_DATASETS).join(', ')} (or give a CSV file's path)`
        : `cannot read '${arg}': no such file; give a CSV file with a text and a label column`,
    );
  }
  if (statSync(arg).isDirectory()) throw new SeqcastError('io', `'${arg}' is a folder; give a CSV file`);
  return arg;
}

/** A labelled dataset by name or a CSV by path, read with readLabelledCsv. */
export function readLabelledTexts(
  arg: string,
  flags: { text?: string; label?: string },
): LabelledInput & { kind: 'text' } {
  const isName = Object.hasOwn(LABELLED_DATASETS, arg);
  const path = isName ? labelledDatasetPath(arg) : csvPath(arg);
  const info = isName ? LABELLED_DATASETS[arg] : null;
  const textColumn = flags.text ?? info?.textColumn ?? 'text';
  const labelColumn = flags.label ?? info?.labelColumn ?? 'label';
  const source = isName ? info!.file : basename(arg);
  const bytes = readRegularFileSync(path, { maxBytes: MAX_CSV_BYTES, what: '', followLinks: true });
  const data = readLabelledCsv(new TextDecoder().decode(bytes), { source, textColumn, labelColumn });
  oneClassGuard(source, labelColumn, data.labels);
  return { kind: 'text', name: isName ? arg : source, data, textColumn, labelColumn };
}
