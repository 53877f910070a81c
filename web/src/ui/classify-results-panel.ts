/**
 * Classify · 4: the scores on the test part, the model beside the baselines (the majority class and the
 * bag-of-words logistic regression, fitted on the same training part), seqcast's verdict and warnings, and
 * the model's confusion matrix (rows actual, columns predicted, shaded by the share of the row).
 */
import type { ScoreSummary } from 'seqcast';
import type { ClassifyResult } from '../classify-protocol';
import { byId, h } from './dom';

const NAMES: Readonly<Record<string, string>> = {
  majority: 'majority class',
  bagOfWords: 'bag of words + logistic regression',
  summaryStatistics: 'summary statistics + logistic regression',
};

const f3 = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(3));

export class ClassifyResultsPanel {
  private readonly panel = byId('c-results-panel');
  private readonly origin = byId('c-results-origin');
  private readonly metrics = byId('c-metrics');
  private readonly verdict = byId('c-verdict');
  private readonly warnings = byId('c-warnings');
  private readonly confusion = byId('c-confusion');

  show(r: ClassifyResult): void {
    this.panel.hidden = false;
    const e = r.evaluation;
    const s = r.split;
    const stop = r.history?.stop?.message;
    this.origin.textContent =
      `Trained on ${r.name} in ${r.seconds.toFixed(1)} s: ${r.summary}. Stratified split (seed ${r.config.training.seed}): ` +
      `${s.train} to train, ${s.validation} to validate, ${s.test} to test.` +
      (stop !== undefined ? ` Training ended early: ${stop}.` : '');
    this.metrics.replaceChildren(scoresTable(e.metrics.model, e.metrics.baselines));
    this.verdict.textContent = `Verdict: ${e.verdict}.`;
    this.warnings.replaceChildren(...e.warnings.map((w) => h('li', { class: 'warning' }, `⚠ ${w.message}`)));
    this.confusion.replaceChildren(confusionTable(r.classes, e.metrics.model.confusion));
  }

  hide(): void {
    this.panel.hidden = true;
  }
}

function scoresTable(
  model: ScoreSummary,
  baselines: Readonly<Partial<Record<string, ScoreSummary>>>,
): HTMLTableElement {
  const rows: [string, ScoreSummary][] = [
    ['model', model],
    ...Object.entries(baselines).map(([n, v]) => [n, v!] as [string, ScoreSummary]),
  ];
  const best = Math.max(...rows.map(([, v]) => v.accuracy));
  return h(
    'table',
    { class: 'metrics', 'data-testid': 'classify-metrics' },
    h('caption', {}, 'Scores on the test part (highest accuracy in bold)'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['', 'accuracy', '95 % interval', 'balanced accuracy', 'macro F1', 'ROC AUC'].map((t) =>
          h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...rows.map(([name, v]) =>
        h(
          'tr',
          {
            class: `${name === 'model' ? 'model' : 'baseline'}${v.accuracy === best ? ' best' : ''}`,
            'data-scorer': name,
          },
          h('th', { scope: 'row', title: NAMES[name] ?? name }, name),
          h('td', {}, f3(v.accuracy)),
          h('td', {}, `${f3(v.accuracyInterval[0])} .. ${f3(v.accuracyInterval[1])}`),
          h('td', {}, f3(v.balancedAccuracy)),
          h('td', {}, f3(v.macroF1)),
          h('td', {}, f3(v.rocAuc)),
        ),
      ),
    ),
  );
}

function confusionTable(
  classes: readonly string[],
  confusion: readonly (readonly number[])[],
): HTMLTableElement {
  return h(
    'table',
    { class: 'confusion', 'data-testid': 'confusion' },
    h('caption', {}, 'Confusion matrix of the model on the test part: rows actual, columns predicted'),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', { scope: 'col' }, 'actual ↓ predicted →'),
        ...classes.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      ...confusion.map((row, a) => {
        const total = row.reduce((x, y) => x + y, 0);
        return h(
          'tr',
          {},
          h('th', { scope: 'row' }, classes[a]),
          ...row.map((n, p) => {
            const share = total === 0 ? 0 : n / total;
            const td = h(
              'td',
              {
                'data-actual': classes[a],
                'data-predicted': classes[p],
                title: `${n} of the ${total} test texts labelled ${classes[a]} were classified ${classes[p]}`,
              },
              String(n),
            );
            // the diagonal in blue, the mistakes in orange; the deeper, the larger the share of the row
            td.style.background = `rgba(${a === p ? '31, 78, 121' : '232, 112, 42'}, ${(0.08 + 0.6 * share).toFixed(3)})`;
            return td;
          }),
        );
      }),
    ),
  );
}
