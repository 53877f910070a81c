/**
 * The one report document of a trained classifier (what report.json, `--json` and report.md print, so they
 * cannot disagree), its Markdown, and its plots: the training curves and the confusion matrix (Vega-Lite).
 * Shaped like `train`'s: { data, config, split, metrics: { model, baselines }, verdict, warnings, … }.
 */
import type { VegaLiteSpec } from '../report/plots.js';
import { code, text } from '../report/markdown.js';
import type { SequenceClassifier } from './classifier.js';
import type { ClassifierEvaluation, ScoreSummary } from './evaluation.js';

export interface ClassifyDataSummary {
  readonly source: string;
  readonly kind: 'text' | 'series';
  readonly samples: number;
  readonly classes: readonly string[];
  /** Samples per class, over the whole data. */
  readonly classCounts: Readonly<Record<string, number>>;
  /** Text: the columns read. */
  readonly textColumn: string | null;
  readonly labelColumn: string | null;
}

export interface ClassifyReport {
  readonly title: string;
  readonly data: ClassifyDataSummary;
  readonly config: Readonly<Record<string, unknown>>;
  readonly split: {
    readonly seed: number;
    readonly testFraction: number;
    readonly validationFraction: number;
    readonly train: number;
    readonly validation: number;
    readonly test: number;
    readonly inputLength: number;
    readonly vocabularySize: number | null;
  } | null;
  readonly metrics: ClassifierEvaluation['metrics'];
  readonly winner: ClassifierEvaluation['winner'];
  readonly verdict: string;
  readonly warnings: readonly string[];
  /** Text: the share of the test part's words read as [UNK]. */
  readonly unknownShare: number | null;
  readonly training: {
    readonly epochs: readonly {
      readonly epoch: number;
      readonly loss: number;
      readonly valLoss: number | null;
    }[];
    readonly stop: string | null;
    readonly classWeight: readonly number[] | null;
  } | null;
  readonly timings: Readonly<Record<string, number>>;
  readonly plots: readonly string[];
  readonly outDir: string | null;
}

export interface ClassifyReportInput {
  readonly title: string;
  readonly source: string;
  readonly classifier: SequenceClassifier;
  readonly evaluation: ClassifierEvaluation;
  readonly labels: readonly string[];
  readonly textColumn?: string | null;
  readonly labelColumn?: string | null;
  readonly timings: Readonly<Record<string, number>>;
  readonly plots?: readonly string[];
  readonly outDir?: string | null;
  readonly extraWarnings?: readonly string[];
}

export function buildClassifyReport(r: ClassifyReportInput): ClassifyReport {
  const c = r.classifier;
  const e = r.evaluation;
  const counts: Record<string, number> = Object.fromEntries(c.classes.map((k) => [k, 0]));
  for (const l of r.labels) if (Object.hasOwn(counts, l)) counts[l]++;
  const f = c.fitInfo;
  const h = c.history;
  return {
    title: r.title,
    data: {
      source: r.source,
      kind: c.config.kind,
      samples: r.labels.length,
      classes: c.classes,
      classCounts: counts,
      textColumn: r.textColumn ?? null,
      labelColumn: r.labelColumn ?? null,
    },
    config: { ...c.config },
    split:
      f === null
        ? null
        : {
            seed: c.config.training.seed,
            testFraction: c.config.testFraction,
            validationFraction: c.config.validationFraction,
            train: f.trainSamples,
            validation: f.validationSamples,
            test: f.testSamples,
            inputLength: f.inputLength,
            vocabularySize: c.vectorizer === null ? null : f.vocabularySize,
          },
    metrics: e.metrics,
    winner: e.winner,
    verdict: e.verdict,
    warnings: [...e.warnings.map((w) => w.message), ...(r.extraWarnings ?? [])],
    unknownShare: e.unknownShare,
    training:
      h === null
        ? null
        : {
            epochs: h.epoch.map((ep, i) => ({
              epoch: ep + 1,
              loss: h.history.loss[i],
              valLoss: h.history.val_loss?.[i] ?? null,
            })),
            stop: h.stop === null ? null : h.stop.message,
            classWeight: f?.classWeight ?? null,
          },
    timings: r.timings,
    plots: r.plots ?? [],
    outDir: r.outDir ?? null,
  };
}

const NAMES: Record<string, string> = {
  majority: 'majority class',
  bagOfWords: 'bag of words + logistic regression',
  summaryStatistics: 'summary statistics + logistic regression',
};

function f3(v: number | null): string {
  return v === null ? 'n/a' : v.toFixed(3);
}

function scoreRow(name: string, s: ScoreSummary): string {
  return (
    `| ${name} | ${f3(s.accuracy)} | ${f3(s.accuracyInterval[0])} .. ${f3(s.accuracyInterval[1])} | ` +
    `${f3(s.balancedAccuracy)} | ${f3(s.macroF1)} | ${f3(s.rocAuc)} |`
  );
}

export function classifyMarkdown(r: ClassifyReport): string {
  const lines: string[] = [`# ${text(r.title)}`, ''];
  const d = r.data;
  const counts = Object.entries(d.classCounts)
    .map(([k, n]) => `${code(k)} ${n}`)
    .join(', ');
  lines.push(
    '## Data',
    '',
    `${text(d.source)}: ${d.samples} ${d.kind === 'text' ? 'texts' : 'sequences'}; classes ${counts}.`,
    '',
  );
  if (r.split !== null) {
    const s = r.split;
    lines.push(
      `Stratified split (seed ${s.seed}): ${s.train} to train, ${s.validation} to validate, ${s.test} to test. ` +
        `Inputs of ${s.inputLength} steps${s.vocabularySize === null ? '' : `, a vocabulary of ${s.vocabularySize} indices learned from the training part`}.`,
      '',
    );
  }
  lines.push('## Scores on the test part', '');
  lines.push(
    '| | accuracy | 95 % interval | balanced accuracy | macro F1 | ROC AUC |',
    '| --- | ---: | --- | ---: | ---: | ---: |',
  );
  lines.push(scoreRow('**model**', r.metrics.model));
  for (const [name, s] of Object.entries(r.metrics.baselines)) lines.push(scoreRow(NAMES[name] ?? name, s!));
  lines.push('', `**Verdict:** ${text(r.verdict)}.`, '');
  lines.push(
    '## Per class (model)',
    '',
    '| class | precision | recall | F1 | support |',
    '| --- | ---: | ---: | ---: | ---: |',
  );
  for (const [k, s] of Object.entries(r.metrics.model.perClass)) {
    lines.push(`| ${code(k)} | ${f3(s.precision)} | ${f3(s.recall)} | ${f3(s.f1)} | ${s.support} |`);
  }
  lines.push('', '## Confusion matrix (model; rows actual, columns predicted)', '');
  const classes = r.data.classes;
  lines.push(`| | ${classes.map(code).join(' | ')} |`, `| --- | ${classes.map(() => '---:').join(' | ')} |`);
  r.metrics.model.confusion.forEach((row, a) => lines.push(`| ${code(classes[a])} | ${row.join(' | ')} |`));
  lines.push('');
  if (r.warnings.length > 0) {
    lines.push('## Warnings', '');
    for (const w of r.warnings) lines.push(`- ${text(w)}`);
    lines.push('');
  }
  if (r.training !== null && r.training.stop !== null) lines.push(`Training: ${text(r.training.stop)}.`, '');
  for (const p of r.plots) lines.push(`![${p.replace(/\.svg$/, '')}](${p})`, '');
  const config = JSON.stringify(r.config, null, 2);
  lines.push('## Configuration', '', '```json', config, '```', '');
  return `${lines.join('\n')}`;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Loss and val_loss per epoch (cross-entropy). */
export function classifierLossPlotSpec(epochs: ClassifyReport['training'] & object): VegaLiteSpec {
  const rows: { epoch: number; value: number; series: string }[] = [];
  for (const e of epochs.epochs) {
    rows.push({ epoch: e.epoch, value: e.loss, series: 'loss' });
    if (e.valLoss !== null) rows.push({ epoch: e.epoch, value: e.valLoss, series: 'val_loss' });
  }
  return {
    $schema: SCHEMA,
    title: 'Training loss per epoch',
    width: 560,
    height: 260,
    data: { values: rows },
    mark: { type: 'line', point: rows.length <= 120 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'value', type: 'quantitative', title: 'loss (cross-entropy)', scale: { zero: true } },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/** The confusion matrix as a heatmap with counts. */
export function confusionPlotSpec(
  classes: readonly string[],
  confusion: readonly (readonly number[])[],
): VegaLiteSpec {
  const rows = confusion.flatMap((row, a) =>
    row.map((n, p) => ({ actual: classes[a], predicted: classes[p], n })),
  );
  return {
    $schema: SCHEMA,
    title: 'Confusion matrix on the test part (model)',
    width: Math.min(480, 60 * classes.length),
    height: Math.min(480, 60 * classes.length),
    data: { values: rows },
    encoding: {
      x: { field: 'predicted', type: 'nominal', sort: [...classes], title: 'predicted' },
      y: { field: 'actual', type: 'nominal', sort: [...classes], title: 'actual' },
    },
    layer: [
      { mark: 'rect', encoding: { color: { field: 'n', type: 'quantitative', title: 'samples' } } },
      { mark: { type: 'text' }, encoding: { text: { field: 'n', type: 'quantitative' } } },
    ],
  };
}
