/**
 * `seqcast datasets`: the named datasets with their frequency, rows, date range and columns; those that are
 * not bundled and not found in a data folder are listed as not available, with where to put them.
 */
import type { Command } from 'commander';
import { datasetAvailable, findDataFile } from '../series/dataset-files.js';
import { DATASETS, LABELLED_DATASETS } from '../series/datasets.js';
import { describeFrequency } from '../series/frequency.js';
import { readSeries } from './inputs.js';

export function registerDatasets(program: Command): void {
  program
    .command('datasets')
    .description('list the named datasets (usable wherever a CSV path is accepted)')
    .option('--json', 'print a JSON list')
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast datasets
  $ seqcast train air-passengers

Provenance, licences and caveats: datasets/README.md in the package. The datasets that are not bundled
are read from the folder named by SEQCAST_DATA_DIR (or the shared data folder beside the repository).`,
    )
    .action((flags: { json?: boolean }) => {
      const infos = Object.values(DATASETS);
      const unavailable = infos.filter((info) => !datasetAvailable(info.name));
      const rows = infos
        .filter((info) => !unavailable.includes(info))
        .map((info) => {
          const { series } = readSeries(info.name, { missing: 'keep' });
          return {
            name: info.name,
            file: info.file,
            bundled: info.bundled,
            frequency: describeFrequency(series.frequency),
            rows: series.length,
            from: series.label(0),
            to: series.label(series.length - 1),
            columns: [...series.names],
            valueColumn: info.valueColumn,
            missing: series.missing().length,
            description: info.description,
          };
        });
      if (flags.json === true) {
        const absent = unavailable.map((info) => ({
          name: info.name,
          file: info.file,
          bundled: info.bundled,
          available: false,
          description: info.description,
        }));
        const labelled = Object.values(LABELLED_DATASETS).map((info) => ({
          name: info.name,
          file: info.file,
          bundled: info.bundled,
          kind: 'labelled text',
          columns: [info.textColumn, info.labelColumn],
          available: findDataFile(info.file, false) !== null,
          description: info.description,
        }));
        const all = [...rows.map((r) => ({ ...r, available: true })), ...absent, ...labelled];
        process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
        return;
      }
      const w = Math.max(...infos.map((info) => info.name.length));
      for (const r of rows) {
        const missing = r.missing > 0 ? `; ${r.missing} empty values` : '';
        process.stdout.write(
          `${r.name.padEnd(w)}  ${r.frequency.padEnd(12)} ${String(r.rows).padStart(5)} rows  ${r.from} .. ${r.to}  ` +
            `columns: ${r.columns.join(', ')}${missing}\n`,
        );
      }
      for (const info of unavailable) {
        process.stdout.write(
          `${info.name.padEnd(w)}  not available here: ${info.file} is not bundled; set SEQCAST_DATA_DIR to a folder holding it\n`,
        );
      }
      for (const info of Object.values(LABELLED_DATASETS)) {
        process.stdout.write(
          findDataFile(info.file, false) === null
            ? `${info.name.padEnd(w)}  not available here: ${info.file} is not bundled; set SEQCAST_DATA_DIR to a folder holding it\n`
            : `${info.name.padEnd(w)}  labelled texts for seqcast classify: columns ${info.textColumn}, ${info.labelColumn}\n`,
        );
      }
    });
}
