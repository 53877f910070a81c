/**
 * 4 · Results: one-step forecasts of the test part against the actual values (the split marked) — by the
 * recommended pipeline with its 80 % and 95 % bands when there is one, as the CLI's report draws them — the
 * metrics of the recommended pipeline and the network beside the baselines with seqcast’s verdict and
 * warnings, the per-horizon table (horizon-table.ts), the recommended pipeline (recommended-panel.ts) and
 * the network's forecast into the future.
 */
import type { ScoreSet } from 'seqcast';
import { forecastPlotSpec, formatNumber } from 'seqcast';
import { clearChart, futureSpec, renderChart } from '../charts';
import type { FutureResult, ResultPayload } from '../protocol';
import { byId, h, nextTask, showError } from './dom';
import { horizonTable } from './horizon-table';
import { RecommendedPanel } from './recommended-panel';

export class ResultsPanel {
  private readonly panel = byId('results-panel');
  private readonly origin = byId('results-origin');
  private readonly forecastChart = byId('forecast-chart');
  private readonly metrics = byId('metrics');
  private readonly verdict = byId('verdict');
  private readonly warnings = byId('warnings');
  private readonly byHorizon = byId('by-horizon');
  readonly steps = byId<HTMLInputElement>('future-steps');
  readonly forecastButton = byId<HTMLButtonElement>('forecast-again');
  private readonly method = byId('future-method');
  private readonly error = byId('results-error');
  private readonly futureChart = byId('future-chart');
  private readonly futureTable = byId('future-table');
  private readonly recommended = new RecommendedPanel();
  private target = '';

  /** Shows a result, one chart per task so that no single task blocks the page for long. */
  async show(r: ResultPayload, futureSteps: number): Promise<void> {
    this.panel.hidden = false;
    this.target = r.target;
    showError(this.error, null);
    this.steps.value = String(futureSteps);
    const stop = r.history?.stop?.message;
    this.origin.textContent =
      (r.origin === 'trained'
        ? `Trained on ${r.name} in ${r.seconds.toFixed(1)} s: ${r.summary}.`
        : `Loaded ${r.modelFile ?? 'a saved model'} (${r.summary}) and applied it to ${r.name}.`) +
      (stop !== undefined ? ` Training ended early: ${stop}.` : '') +
      (r.stoppedAt !== null
        ? ` You stopped a fit after ${r.stoppedAt} epoch${r.stoppedAt === 1 ? '' : 's'}; every fit after it trained as many.`
        : '');
    const e = r.evaluation;
    this.metrics.replaceChildren();
    this.warnings.replaceChildren();
    this.byHorizon.replaceChildren();
    const rec = r.recommended;
    if (e === null) {
      clearChart(this.forecastChart);
      delete this.forecastChart.dataset.bands;
      this.verdict.textContent = `No scores: ${r.evaluationNote ?? 'the data has no rows after the training period'}`;
    } else {
      const recommended =
        rec === null ? null : { metrics: rec.summary.metrics, horizons: rec.summary.byHorizon };
      this.metrics.append(metricsTable(e.metrics.model, e.metrics.baselines, rec?.summary.metrics ?? null));
      this.verdict.textContent = `Verdict: ${e.comparison.summary}.`;
      if (rec !== null) {
        this.warnings.append(
          h(
            'li',
            { class: 'recommended-verdict' },
            `The recommended pipeline (${rec.summary.pipeline}): ${rec.summary.comparison}.`,
          ),
        );
      }
      for (const w of e.warnings) this.warnings.append(h('li', { class: 'warning' }, `⚠ ${w.message}`));
      if (e.horizons.length > 1) this.byHorizon.append(horizonTable(e, recommended));
      await nextTask();
      const one = rec?.oneStep;
      const bands =
        one?.bands.filter((b) => b.lower.every(Number.isFinite) && b.upper.every(Number.isFinite)) ?? [];
      await renderChart(
        this.forecastChart,
        one === undefined
          ? forecastPlotSpec({
              labels: e.labels,
              actual: e.actual,
              forecast: e.forecast,
              splitLabel: e.labels[0],
              trainLabels: r.context.labels,
              trainActual: r.context.values,
              title: `${r.target}: one-step forecasts of the test part, and the actual values`,
            })
          : forecastPlotSpec({
              labels: one.labels,
              actual: one.actual,
              forecast: one.forecast,
              splitLabel: e.labels[0],
              trainLabels: r.context.labels,
              trainActual: r.context.values,
              bands,
              title: `${r.target}: one-step forecasts of the test part by the recommended pipeline, with ${bands.map((b) => `${Math.round(b.level * 1000) / 10} %`).join(' and ')} intervals`,
            }),
      );
      if (bands.length > 0)
        this.forecastChart.dataset.bands = bands
          .map((b) => String(Math.round(b.level * 1000) / 10))
          .join(' ');
      else delete this.forecastChart.dataset.bands;
    }
    await nextTask();
    await this.recommended.show(r);
    await nextTask();
    if (r.future !== null) await this.showFuture(r.future);
    else this.failFuture(r.futureError ?? 'no forecast');
  }

  async showFuture(f: FutureResult): Promise<void> {
    showError(this.error, null);
    this.method.textContent =
      f.method === 'direct'
        ? `direct: the model predicts all ${f.labels.length} steps at once`
        : 'recursive: beyond the model’s horizon, its forecasts are fed back as inputs';
    this.futureTable.replaceChildren(
      h(
        'table',
        { class: 'future' },
        h('thead', {}, h('tr', {}, h('th', {}, 'date'), h('th', {}, `${this.target} (forecast)`))),
        h(
          'tbody',
          {},
          ...f.labels.map((l, i) => h('tr', {}, h('td', {}, l), h('td', {}, formatNumber(f.values[i])))),
        ),
      ),
    );
    await renderChart(
      this.futureChart,
      futureSpec({
        title: `${this.target}: the next ${f.labels.length} steps`,
        historyLabels: f.historyLabels,
        historyValues: f.historyValues,
        labels: f.labels,
        values: f.values,
      }),
    );
  }

  failFuture(message: string): void {
    showError(this.error, message);
    clearChart(this.futureChart);
    this.futureTable.replaceChildren();
    this.method.textContent = '';
  }
}

function metricsTable(
  model: ScoreSet,
  baselines: Readonly<Record<string, ScoreSet>>,
  recommended: ScoreSet | null,
): HTMLTableElement {
  const rows: [string, ScoreSet][] = [
    ...(recommended === null ? [] : ([['recommended', recommended]] as [string, ScoreSet][])),
    ['model', model],
    ...Object.entries(baselines),
  ];
  const best = Math.min(...rows.map(([, s]) => s.rmse));
  const cell = (v: number | null, suffix = ''): HTMLTableCellElement =>
    h('td', {}, v === null ? 'n/a' : `${formatNumber(v)}${suffix}`);
  const kind = (name: string): string =>
    name === 'recommended' ? 'recommended' : name === 'model' ? 'model' : 'baseline';
  return h(
    'table',
    { class: 'metrics', 'data-testid': 'metrics-table' },
    h(
      'caption',
      {},
      recommended === null
        ? 'Scores on the test part, in original units (lowest RMSE in bold)'
        : 'Scores on the test part, in original units (lowest RMSE in bold): the recommended pipeline, the network refitted on the training part ("model"), the baselines',
    ),
    h(
      'thead',
      {},
      h('tr', {}, ...['', 'RMSE', 'MAE', 'MAPE', 'sMAPE', 'MASE'].map((t) => h('th', { scope: 'col' }, t))),
    ),
    h(
      'tbody',
      {},
      ...rows.map(([name, s]) =>
        h(
          'tr',
          { class: `${kind(name)}${s.rmse === best ? ' best' : ''}` },
          h('th', { scope: 'row' }, name),
          cell(s.rmse),
          cell(s.mae),
          cell(s.mape, ' %'),
          cell(s.smape, ' %'),
          cell(s.mase),
        ),
      ),
    ),
  );
}
