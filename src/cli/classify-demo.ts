/** `seqcast demo sentiment`. */
import type { ClassifyConfig } from '../classify/config.js';
import { wordTrace } from '../classify/word-trace.js';
import { checkOutputDir, defaultReportDir } from './inputs.js';
import { flagNumber } from './numbers.js';
import { readLabelledTexts } from './classify-input.js';
import type { RunFlags } from './classify-report.js';
import { classifyAndReport } from './classify-report.js';

/** Sentences the demo reads word by word: a negation, and a turn at "but". */
const DEMO_SENTENCES = ['not good at all', 'the food was great but the service was awful'];

/**
 * `seqcast demo sentiment`: the many-to-one story on the sentiment sentences — a short run of the default text
 * model (5 epochs, no validation part), scored beside the majority class and the bag of words, the verdict,
 * and two sentences read word by word. Every number printed is computed from the run.
 */
export async function sentimentDemo(flags: RunFlags & { epochs?: string; out?: string }): Promise<void> {
  const started = performance.now();
  const epochs = flagNumber('epochs', flags.epochs) ?? 5;
  const outDir = flags.out ?? defaultReportDir();
  checkOutputDir(outDir, flags.force ?? false);
  const input = readLabelledTexts('sentiment', { text: undefined, label: undefined });
  const config: ClassifyConfig = {
    validationFraction: 0,
    training: { epochs, patience: null, seed: 1 },
  };
  const { classifier: c, report } = await classifyAndReport(input, config, outDir, flags, started);
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return;
  }
  const say = (line = ''): void => {
    process.stdout.write(`${line}\n`);
  };
  const s = report.split!;
  const m = report.metrics;
  say(
    `Sentiment: ${report.data.samples} review sentences (Amazon, Yelp, IMDb), labelled 0 (negative) or 1 (positive).`,
  );
  say(
    `A stratified split (seed ${s.seed}) keeps ${s.test} sentences aside for the test; the vocabulary ` +
      `(${s.vocabularySize} indices) is learned from the ${s.train} training sentences only.`,
  );
  say(
    `Model: Embedding(64, masked) → Bidirectional(LSTM(32)) → Dense(1, sigmoid), ${epochs} epochs — a short run; ` +
      '`seqcast classify sentiment` trains the full default.',
  );
  say();
  say(
    `  model                  accuracy ${m.model.accuracy.toFixed(3)}  (95 % ${m.model.accuracyInterval[0].toFixed(3)} .. ${m.model.accuracyInterval[1].toFixed(3)})`,
  );
  say(`  majority class         accuracy ${m.baselines.majority!.accuracy.toFixed(3)}`);
  say(`  bag of words + logreg  accuracy ${m.baselines.bagOfWords!.accuracy.toFixed(3)}`);
  say();
  say(`Verdict: ${report.verdict}.`);
  for (const w of report.warnings) say(`Warning: ${w}`);
  say();
  say('Word by word (the score of "positive" if the sentence ended at that word):');
  for (const text of DEMO_SENTENCES) {
    const w = wordTrace(c, text);
    say(`  ${w.words.map((word, i) => `${word} ${w.probabilities[i][1].toFixed(2)}`).join(' · ')}`);
  }
  say();
  say(`Report: ${outDir}/report.md`);
}
