/**
 * The recommended pipeline in the Results panel (recommend(), as `seqcast train` reports it): what the
 * validation search tried (every candidate's validation scores, the winner marked) and the library's reason,
 * its score on the test part, its conformal intervals (half-widths, test coverage and interval score per
 * level) and its forecast of the next H rows with 80 % and 95 % bands. Every figure is the report document's
 * `recommended` section (recommendedSummary); nothing is recomputed here.
 */
import type { RecommendedSummary } from 'seqcast';
import { formatNumber, futurePlotSpec } from 'seqcast';
import { clearChart, renderChart } from '../charts';
import type { RecommendedPayload, ResultPayload } from '../protocol';
import { byId, h, showError } from './dom';

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;
const num = (x: number | null): string => (x === null ? 'n/a' : Number.isFinite(x) ? formatNumber(x) : '∞');

export class RecommendedPanel {
  private readonly section = byId('recommended');
  private readonly note = byId('recommended-note');
  private readonly body = byId('recommended-body');
  private readonly intro = byId('recommended-intro');
  private readonly candidates = byId('candidates');
  private readonly reason = byId('recommended-reason');
  private readonly test = byId('recommended-test');
  private readonly method = byId('interval-method');
  private readonly intervals = byId('interval-table');
  private readonly futureTitle = byId('recommended-future-title');
  private readonly futureChart = byId('recommended-future-chart');
  private readonly futureTable = byId('recommended-future-table');

  /** Shows the recommendation, or only the note when there is none (a short series, a loaded model). */
  async show(r: ResultPayload): Promise<void> {
    const rec = r.recommended;
    const note =
      r.recommendedNote ??
      (rec === null && r.origin === 'loaded'
        ? 'A loaded model is scored as it is: no validation search, no baselines as candidates and no prediction intervals (train to get them).'
        : null);
    this.section.hidden = rec === null && note === null;
    showError(this.note, note);
    this.body.hidden = rec === null;
    if (rec === null) {
      for (const el of [this.intro, this.candidates, this.reason, this.test, this.method, this.intervals])
        el.replaceChildren();
      this.futureTitle.textContent = '';
      clearChart(this.futureChart);
      this.futureTable.replaceChildren();
      delete this.futureChart.dataset.bands;
      return;
    }
    const s = rec.summary;
    this.intro.textContent =
      `The candidates were fitted on the training part's first ${s.validation.fitRows} rows and scored on its last ${s.validation.rows} ` +
      `(${s.validation.from} .. ${s.validation.to}), the validation part; the test part was not read. ` +
      (s.searched.length > 0
        ? `Searched: ${s.searched.join(', ')} (one variation of each choice left on auto). `
        : 'No network search (the configuration alone; tick "validation search" to search the choices left on auto). ') +
      (s.fixed.length > 0 ? `Fixed by the form: ${s.fixed.join(', ')}. ` : '') +
      'Every baseline is a candidate, and so is the mean of the best network and the best baseline. ' +
      'The best network is then refitted on the whole training part: it is the model scored as "model", saved and inspected.';
    this.candidates.replaceChildren(candidatesTable(s));
    this.reason.textContent = `Winner: ${s.pipeline} — ${s.reason}.`;
    this.test.textContent =
      `On the test part the recommended pipeline scores RMSE ${formatNumber(s.metrics.rmse)}, MAE ${formatNumber(s.metrics.mae)}` +
      `${s.metrics.mase === null ? '' : `, MASE ${formatNumber(s.metrics.mase)}`}: ${s.comparison}.`;
    this.method.textContent =
      `Conformal intervals (${s.intervals.method}). ` +
      (s.intervals.scale === 'log'
        ? 'The series is modelled in logarithms, so the bands are ŷ·e^(±q̂). '
        : 'The bands are ŷ ± q̂. ') +
      'Coverage is the share of test values inside their interval; the interval score is the width plus 2/α times any miss (lower is better).';
    this.intervals.replaceChildren(intervalTable(s));
    await this.showFuture(r.target, rec);
  }

  private async showFuture(target: string, rec: RecommendedPayload): Promise<void> {
    const f = rec.future;
    const history = { labels: f.historyLabels, values: f.historyValues };
    if (f.labels.length === 0) {
      clearChart(this.futureChart);
      this.futureTable.replaceChildren();
      this.futureTitle.textContent = 'No forecast after the last row.';
      return;
    }
    const bands = f.bands.filter((b) => b.lower.every(Number.isFinite) && b.upper.every(Number.isFinite));
    const levels = bands.map((b) => pct(b.level)).join(' and ');
    this.futureTitle.textContent = `The recommended pipeline's forecast of the next ${f.labels.length} row${f.labels.length === 1 ? '' : 's'} (its horizon), with ${levels} intervals`;
    const rows = rec.summary.future;
    const cols = Object.keys(rows[0] ?? {});
    this.futureTable.replaceChildren(
      h(
        'table',
        { class: 'future', 'data-testid': 'recommended-future-table' },
        h(
          'thead',
          {},
          h('tr', {}, ...cols.map((c) => h('th', { scope: 'col' }, c === 'value' ? target : c))),
        ),
        h(
          'tbody',
          {},
          ...rows.map((row) =>
            h(
              'tr',
              {},
              ...cols.map((c) => {
                const v = row[c];
                return h('td', {}, typeof v === 'number' ? num(v) : v);
              }),
            ),
          ),
        ),
      ),
    );
    await renderChart(
      this.futureChart,
      futurePlotSpec({
        historyLabels: history.labels,
        history: history.values,
        labels: f.labels,
        forecast: f.values,
        bands,
        title: `${target}: the forecast after ${history.labels[history.labels.length - 1] ?? 'the data'} by the recommended pipeline, with ${levels} intervals`,
      }),
    );
    this.futureChart.dataset.bands = bands.map((b) => String(Math.round(b.level * 1000) / 10)).join(' ');
  }
}

function candidatesTable(s: RecommendedSummary): HTMLTableElement {
  return h(
    'table',
    { class: 'metrics candidates', 'data-testid': 'candidates-table' },
    h('caption', {}, 'The candidates on the validation part, in the order tried (the winner marked ✓)'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['candidate', 'kind', 'validation RMSE', 'MAE', 'MASE'].map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h(
      'tbody',
      {},
      ...s.candidates.map((c) => {
        const winner = c.name === s.pipeline;
        return h(
          'tr',
          {
            class: winner ? 'winner best' : '',
            'data-kind': c.kind,
            ...(winner ? { 'data-winner': 'true' } : {}),
          },
          h('th', { scope: 'row' }, winner ? `✓ ${c.name}` : c.name),
          h('td', {}, c.kind),
          h('td', {}, num(c.validation.rmse)),
          h('td', {}, num(c.validation.mae)),
          h('td', {}, num(c.validation.mase)),
        );
      }),
    ),
  );
}

function intervalTable(s: RecommendedSummary): HTMLTableElement {
  return h(
    'table',
    { class: 'metrics', 'data-testid': 'interval-table' },
    h('caption', {}, 'Prediction intervals on the test part'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['level', 'half-width q̂ (h = 1…)', 'test coverage', 'interval score', 'mean width'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...s.intervals.levels.map((l) =>
        h(
          'tr',
          { 'data-level': String(l.level), 'data-coverage': String(l.coverage) },
          h('th', { scope: 'row' }, pct(l.level)),
          h('td', {}, l.halfWidths.map(num).join(', ')),
          h('td', { class: 'coverage' }, `${pct(l.coverage)} of ${l.points}`),
          h('td', { class: 'interval-score' }, num(l.intervalScore)),
          h('td', {}, num(l.meanWidth)),
        ),
      ),
    ),
  );
}
