/** The human summary of a trained and scored forecaster, on stdout. */
import type { Evaluation } from '../forecast/forecaster.js';
import { horizonRmseTable, metricsTable, sparkline } from '../report/terminal.js';
import type { ReportDocument } from '../report/document.js';
import { formatNumber as num } from '../report/format.js';
import { recommendedTerminal } from '../report/recommendation.js';

const LAYER_NAMES: Record<string, string> = { simpleRNN: 'SimpleRNN', lstm: 'LSTM', gru: 'GRU' };

export function printResult(doc: ReportDocument, e: Evaluation): void {
  const out: string[] = [];
  const d = doc.data;
  const cfg = doc.config as {
    model: { kind: string; units: number; layers: number; bidirectional: boolean };
    transform: string;
    scaler: string;
    horizon: number;
    window: number;
  };
  out.push(
    `   data     ${d.source}: ${d.rows} rows, ${d.from} .. ${d.to} (${d.frequency}), ${d.column} ${num(d.min)} .. ${num(d.max)}`,
  );
  out.push(
    `   model    ${cfg.model.bidirectional ? 'Bidirectional ' : ''}${LAYER_NAMES[cfg.model.kind] ?? cfg.model.kind}(${cfg.model.units})${cfg.model.layers > 1 ? ` × ${cfg.model.layers}` : ''} → Dense(${cfg.horizon}), ` +
      `window ${cfg.window}, transform ${cfg.transform}, scaler ${cfg.scaler}`,
  );
  out.push(
    e.horizons.length > 1
      ? `   test     ${e.origins.scored} origins × ${e.horizons.length} horizons, ${e.labels[0]} .. ${e.labels[e.labels.length - 1]}` +
          `; the table pools every horizon`
      : `   test     ${e.labels.length} one-step forecasts, ${e.labels[0]} .. ${e.labels[e.labels.length - 1]}`,
  );
  out.push(`   actual   ${sparkline(e.actual, 48)}`);
  out.push(`   forecast ${sparkline(e.forecast, 48)}`);
  out.push('');
  for (const line of metricsTable(e.metrics).split('\n')) out.push(`   ${line}`);
  out.push('');
  if (e.horizons.length > 1) {
    for (const line of horizonRmseTable(e.horizons).split('\n')) out.push(`   ${line}`);
    out.push('');
  }
  for (const [name, model] of Object.entries(e.baselineModels)) out.push(`   ${name.padEnd(8)} ${model}`);
  if (doc.training?.stop != null) out.push(`   stopped  ${doc.training.stop}`);
  out.push(`   verdict  ${doc.comparison}`);
  if (doc.recommended !== undefined) out.push(...recommendedTerminal(doc.recommended));
  for (const w of doc.warnings) out.push(`   warning  ${w}`);
  if (doc.outDir !== null) out.push(`   report   ${doc.outDir}/report.md`);
  process.stdout.write(`${out.join('\n')}\n`);
}
