/** `seqcast datasets`: the bundled datasets with their frequency, rows, date range and columns. */
import type { Command } from 'commander';
import { DATASETS } from '../series/datasets.js';
import { describeFrequency } from '../series/frequency.js';
import { readSeries } from './inputs.js';

export function registerDatasets(program: Command): void {
  program
    .command('datasets')
    .description('list the bundled datasets (usable wherever a CSV path is accepted)')
    .option('--json', 'print a JSON list')
    .addHelpText(
      'after',
      `
Examples:
  $ seqcast datasets
  $ seqcast train air-passengers

Provenance, licences and caveats: datasets/README.md in the package.`,
    )
    .action((flags: { json?: boolean }) => {
      const rows = Object.values(DATASETS).map((info) => {
        const { series } = readSeries(info.name, { missing: 'keep' });
        return {
          name: info.name,
          file: info.file,
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
        process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
        return;
      }
      const w = Math.max(...rows.map((r) => r.name.length));
      for (const r of rows) {
        const missing = r.missing > 0 ? `; ${r.missing} empty values` : '';
        process.stdout.write(
          `${r.name.padEnd(w)}  ${r.frequency.padEnd(12)} ${String(r.rows).padStart(5)} rows  ${r.from} .. ${r.to}  ` +
            `columns: ${r.columns.join(', ')}${missing}\n`,
        );
      }
    });
}
