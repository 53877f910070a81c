/** The report folder and the terminal summary of `seqcast classify` (and of `seqcast demo sentiment`). */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ClassifyConfig } from '../classify/config.js';
import { SequenceClassifier } from '../classify/classifier.js';
import { saveClassifier } from '../classify/io-node.js';
import type { ClassifyReport } from '../classify/report.js';
import {
  buildClassifyReport,
  classifierLossPlotSpec,
  classifyMarkdown,
  confusionPlotSpec,
} from '../classify/report.js';
import { writeOutputFolder } from '../io/output-folder.js';
import { systemErrorMessage } from '../io/system-errors.js';
import type { VegaLiteSpec } from '../report/plots.js';
import { writePlot } from '../report/render.js';
import { wordTracePlotSpec } from '../classify/word-plot.js';
import { wordTrace } from '../classify/word-trace.js';
import { progressCallback, progressMode } from './progress.js';
import type { LabelledInput } from './classify-input.js';

export interface RunFlags {
  readonly force?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

/** Trains, scores and writes the report folder (model first, then the plots, then report.md/json). */
export async function classifyAndReport(
  input: LabelledInput,
  config: ClassifyConfig,
  outDir: string,
  flags: RunFlags,
  started: number,
): Promise<{ classifier: SequenceClassifier; report: ClassifyReport }> {
  const data =
    input.kind === 'text'
      ? { texts: input.data.texts, labels: input.data.labels }
      : { sequences: input.data.sequences, labels: input.data.labels };
  const c = await SequenceClassifier.fit(data, config, {
    callbacks: [progressCallback(flags.json === true ? 'quiet' : progressMode(flags.quiet ?? false))],
  });
  const evaluation = c.testEvaluation!;
  const report = await writeOutputFolder(outDir, { force: flags.force ?? false }, async (dir) => {
    await saveClassifier(c, join(dir, 'model'));
    const plots: string[] = [];
    const failures: string[] = [];
    const plot = async (make: () => VegaLiteSpec, name: string): Promise<void> => {
      try {
        await writePlot(make(), dir, name);
        plots.push(`${name}.svg`);
      } catch (err) {
        if (systemErrorMessage(err) !== null) throw err;
        failures.push(
          `the ${name} plot could not be drawn (${err instanceof Error ? err.message : String(err)})`,
        );
      }
    };
    const base = (extra: readonly string[], names: readonly string[]): ClassifyReport =>
      buildClassifyReport({
        title: `seqcast classify: ${input.name}`,
        source: input.name,
        classifier: c,
        evaluation,
        labels: input.data.labels,
        textColumn: input.kind === 'text' ? input.textColumn : null,
        labelColumn: input.labelColumn,
        timings: {
          fitSeconds: c.fitInfo?.fitSeconds ?? 0,
          totalSeconds: (performance.now() - started) / 1000,
        },
        plots: names,
        outDir,
        extraWarnings: extra,
      });
    const first = base([], []);
    if (first.training !== null && first.training.epochs.length > 0) {
      await plot(() => classifierLossPlotSpec(first.training!), 'loss');
    }
    await plot(() => confusionPlotSpec(c.classes, evaluation.metrics.model.confusion), 'confusion');
    if (input.kind === 'text') {
      await plot(() => testSentencesPlot(c, input.data.texts), 'words');
    }
    const doc = base(failures, plots);
    await writeFile(join(dir, 'report.md'), classifyMarkdown(doc));
    await writeFile(join(dir, 'report.json'), `${JSON.stringify(doc, null, 2)}\n`);
    return doc;
  });
  return { classifier: c, report };
}

export function printClassifyResult(r: ClassifyReport): void {
  const out: string[] = [];
  const d = r.data;
  const counts = Object.entries(d.classCounts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  const series = d.kind === 'series';
  out.push(`   data     ${d.source}: ${d.samples} ${series ? 'sequences' : 'texts'}, classes ${counts}`);
  if (r.split !== null) {
    out.push(
      `   split    ${r.split.train} train / ${r.split.validation} validation / ${r.split.test} test (stratified, seed ${r.split.seed}); ` +
        (series
          ? `${r.split.inputLength} steps per sequence (padded, masked)`
          : `${r.split.inputLength} words per text, vocabulary ${r.split.vocabularySize ?? 'n/a'}`),
    );
  }
  const row = (name: string, s: ClassifyReport['metrics']['model']): string =>
    `   ${name.padEnd(17)} ${s.accuracy.toFixed(3)}   ${s.accuracyInterval[0].toFixed(3)} .. ${s.accuracyInterval[1].toFixed(3)}   ` +
    `${s.balancedAccuracy.toFixed(3)}      ${s.macroF1.toFixed(3)}     ${s.rocAuc === null ? '  n/a' : s.rocAuc.toFixed(3)}`;
  out.push('');
  out.push('                     accuracy 95 % interval   balanced   macro F1  ROC AUC');
  out.push(row('model', r.metrics.model));
  for (const [name, s] of Object.entries(r.metrics.baselines)) out.push(row(name, s!));
  out.push('');
  if (r.training?.stop != null) out.push(`   stopped  ${r.training.stop}`);
  out.push(`   verdict  ${r.verdict}`);
  for (const w of r.warnings) out.push(`   warning  ${w}`);
  if (r.outDir !== null) out.push(`   report   ${r.outDir}/report.md`);
  process.stdout.write(`${out.join('\n')}\n`);
}

/** How many test sentences the report's word-by-word plot shows: half classified right, half wrong. */
const WORD_PLOT_TEXTS = 4;

/**
 * The report's `words` plot: the predicted probability of a few test sentences as each word arrives — the
 * first ones of the test part the model classifies right and the first it gets wrong (two of each when it
 * can), so the plot shows neither only successes nor only failures.
 */
function testSentencesPlot(c: SequenceClassifier, texts: readonly string[]): VegaLiteSpec {
  const e = c.testEvaluation!;
  const test = c.fitInfo!.split.test;
  const right: number[] = [];
  const wrong: number[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < test.length; i++) {
    const text = texts[test[i]];
    if (seen.has(text)) continue; // a sentence the test part holds twice is shown once
    seen.add(text);
    (e.predicted[i] === e.actual[i] ? right : wrong).push(i);
  }
  const half = WORD_PLOT_TEXTS / 2;
  const wrongShown = wrong.slice(0, Math.max(half, WORD_PLOT_TEXTS - right.length));
  const chosen = [...right.slice(0, WORD_PLOT_TEXTS - wrongShown.length), ...wrongShown];
  const shown = chosen.map((i) => {
    const text = texts[test[i]];
    const note = `actual ${c.classes[e.actual[i]]}, predicted ${c.classes[e.predicted[i]]}`;
    return { text, note, ...wordTrace(c, text) };
  });
  const r = chosen.filter((i) => e.predicted[i] === e.actual[i]).length;
  return wordTracePlotSpec(c.classes, shown, {
    title: `The model’s score as each word arrives: ${shown.length} test sentences, ${r} classified right, ${shown.length - r} wrong`,
  });
}
