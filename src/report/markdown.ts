/** report.md and report.json, both from one report document (buildReport in document.ts). */
import type { ScoreSet } from '../metrics/metrics.js';
import type { ReportDocument } from './document.js';
import { formatNumber as fmt } from './format.js';
import { recommendedMarkdown } from './recommendation.js';

export function reportMarkdown(r: ReportDocument): string {
  const lines: string[] = [`# ${text(r.title)}`, ''];
  const d = r.data;
  lines.push('## Data', '');
  lines.push(
    `${text(d.source)}: ${d.rows} rows, ${d.from} .. ${d.to} (${d.frequency}); ${code(d.column)} from ${fmt(d.min)} to ${fmt(d.max)}.`,
    '',
  );
  if (r.split !== null) {
    const s = r.split;
    lines.push(
      `Training part: ${s.trainRows} rows (${s.trainFrom} .. ${s.trainTo}); test part: ${s.testRows} rows from ${s.testFrom}. ` +
        `Training windows: x [${s.trainX.join(', ')}], y [${s.trainY.join(', ')}]; test windows: x [${s.testX.join(', ')}].` +
        (s.maskedWindows > 0
          ? ` ${s.maskedWindows} training windows that touch a missing value (a masked gap) were left out.`
          : ''),
      '',
    );
  }
  const config = JSON.stringify(r.config, null, 2);
  const fence = '`'.repeat(Math.max(3, longestRun(config, '`') + 1));
  lines.push('## Configuration', '', `${fence}json`, config, fence, '');
  const H = r.metrics.byHorizon.length;
  lines.push('## Scores on the test part (original units)', '');
  if (H > 1) {
    lines.push(
      `Overall: every horizon 1–${H} pooled over the ${r.origins.scored} test origins whose ${H} steps all lie in the data.`,
      '',
    );
  }
  lines.push('| | RMSE | MAE | MAPE | sMAPE | MASE |', '| --- | ---: | ---: | ---: | ---: | ---: |');
  const row = (name: string, s: ScoreSet): string =>
    `| ${name} | ${fmt(s.rmse)} | ${fmt(s.mae)} | ${s.mape === null ? 'n/a' : `${fmt(s.mape)} %`} | ${fmt(s.smape)} % | ${s.mase === null ? 'n/a' : fmt(s.mase)} |`;
  lines.push(row('**model**', r.metrics.model));
  // the document names baselines plainly; the table gives the season length, as the baselines do
  const m = r.config.seasonalPeriod;
  for (const [name, s] of Object.entries(r.metrics.baselines))
    lines.push(row(name === 'seasonalNaive' && typeof m === 'number' ? `seasonalNaive(${m})` : name, s));
  lines.push('');
  const skipped = r.metrics.model.mapeSkipped;
  if (skipped > 0) {
    lines.push(
      `MAPE leaves out the ${skipped} test point(s) whose actual value is 0, where a percentage error is undefined ` +
        '(n/a when every point is such a point).',
      '',
    );
  }
  lines.push(
    'MASE divides MAE by the in-sample error of the seasonal naive forecast on the training part.',
    '',
  );
  if (H > 1) lines.push(...horizonTable(r), '');
  const models = Object.entries(r.baselineModels);
  if (models.length > 0) {
    for (const [name, model] of models) lines.push(`${name}: ${text(model)}.`);
    lines.push('');
  }
  lines.push(`**Verdict: ${text(r.comparison)}**`, '');
  lines.push(...forecastAheadSection(r));
  if (r.recommended !== undefined) lines.push(...recommendedMarkdown(r.recommended));
  if (r.warnings.length > 0) {
    lines.push('## Warnings', '');
    for (const w of r.warnings) lines.push(`- ${text(w)}`);
    lines.push('');
  }
  if (r.training !== null && r.training.epochs.length > 0) {
    const e = r.training.epochs;
    lines.push('## Training', '');
    lines.push(
      `${e.length} epochs${r.training.stop !== null ? `; stopped early: ${text(r.training.stop)}` : ''}.`,
      '',
    );
    lines.push('| epoch | loss | val_loss | gradient norm: min / median / max | batches clipped |');
    lines.push('| ---: | ---: | ---: | ---: | ---: |');
    const shown = e.length <= 40 ? e : [...e.slice(0, 5), null, ...e.slice(-5)];
    for (const x of shown) {
      if (x === null) lines.push('| … | | | | |');
      else {
        lines.push(
          `| ${x.epoch} | ${x.loss.toPrecision(4)} | ${x.valLoss === null ? '' : x.valLoss.toPrecision(4)} | ` +
            `${x.gradMin.toPrecision(3)} / ${x.gradMedian.toPrecision(3)} / ${x.gradMax.toPrecision(3)} | ${(100 * x.clipped).toFixed(0)} % |`,
        );
      }
    }
    lines.push('');
  }
  if (r.plots.length > 0) {
    lines.push('## Plots', '');
    for (const p of r.plots) {
      const name = p.replace(/\.svg$/, '');
      lines.push(`![${name}](${name}.png) ([SVG](${p}))`, '');
    }
  }
  lines.push('## Timings', '');
  for (const [k, v] of Object.entries(r.timings))
    lines.push(`- ${k.replace(/Seconds$/, '')}: ${v.toFixed(2)} s`);
  lines.push('');
  return lines.join('\n');
}

/** RMSE at each horizon for the model and every baseline, with MASE beside it; a loss marked. */
function horizonTable(r: ReportDocument): string[] {
  const names = Object.keys(r.metrics.baselines);
  const m = r.config.seasonalPeriod;
  const shown = (n: string): string =>
    n === 'seasonalNaive' && typeof m === 'number' ? `seasonalNaive(${m})` : n;
  const cell = (s: ScoreSet): string => `${fmt(s.rmse)}${s.mase === null ? '' : ` (${fmt(s.mase)})`}`;
  const lost = new Set(r.losesAtHorizons.map((l) => l.horizon));
  return [
    '### By horizon: RMSE (MASE)',
    '',
    `| horizon | model | ${names.map(shown).join(' | ')} |`,
    `| ---: | ---: | ${names.map(() => '---:').join(' | ')} |`,
    ...r.metrics.byHorizon.map(
      (h) =>
        `| ${h.horizon} | ${lost.has(h.horizon) ? `${cell(h.model)} ✗` : cell(h.model)} | ` +
        `${names.map((n) => cell(h.baselines[n])).join(' | ')} |`,
    ),
    '',
    '✗: the model loses to the best baseline at that horizon.',
  ];
}

/** Forecasting past the data: direct within the trained horizon, recursive beyond it when the features allow. */
function forecastAheadSection(r: ReportDocument): string[] {
  const a = r.forecastAhead;
  const covariates = [
    ...(a.calendar.length > 0 ? [`calendar features ${a.calendar.map(code).join(', ')}`] : []),
    ...(a.knownFuture.length > 0
      ? [`known-future columns ${a.knownFuture.map(code).join(', ')} (their future values are needed)`]
      : []),
  ];
  const lines = [
    '## Forecasting past the data',
    '',
    `Trained horizon: ${a.trainedHorizon}. ${a.recursive ? 'Beyond it: recursive — ' : 'Beyond it: not possible — '}${text(a.reason)}.` +
      (covariates.length > 0 ? ` Covariates: ${covariates.join('; ')}.` : ''),
    '',
  ];
  if (a.forecast !== null) {
    lines.push(`| date | forecast (${a.forecast.method}) |`, '| --- | ---: |');
    a.forecast.labels.forEach((l, i) => lines.push(`| ${l} | ${fmt(a.forecast!.values[i])} |`));
    lines.push('');
  }
  return lines;
}

export function reportJson(r: ReportDocument): string {
  return `${JSON.stringify(r, null, 2)}\n`;
}

/**
 * Text from the data (a file or column name, a message quoting one) as plain Markdown text: HTML is shown,
 * not run (`<` `>` `&` as entities), Markdown's punctuation is escaped, and a line break becomes a space, so a
 * name such as ``a `<img onerror=…>` | b`` reads as written.
 */
export function text(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_[\]#|~]/g, (c) => `\\${c}`);
}

/** A name as a code span whose fence is longer than any run of backticks in it (CommonMark), safe in tables. */
export function code(s: string): string {
  const flat = s.replace(/[\r\n]+/g, ' ').replace(/\|/g, '\\|');
  const fence = '`'.repeat(longestRun(flat, '`') + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') || flat.startsWith(' ') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

function longestRun(s: string, c: string): number {
  let best = 0;
  let run = 0;
  for (const ch of s) {
    run = ch === c ? run + 1 : 0;
    best = Math.max(best, run);
  }
  return best;
}
