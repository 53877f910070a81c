/**
 * A classifier's scores on a test part, always beside its baselines (the majority class, and the bag of
 * words or the summary statistics), with a verdict that says plainly which wins, and the guards:
 *
 * - unknown words: more than half of the test part's words are not in the vocabulary learned from the
 *   training part — the model reads mostly [UNK];
 * - small test part: the 95 % Wilson interval of the accuracy is wider than ±5 points (about 400 samples at
 *   0.8), so differences smaller than that mean little;
 * - one class: the model gives every test sample the same class.
 */
import type { ClassificationScores } from './scores.js';
import { classificationScores } from './scores.js';

export interface ClassifierWarning {
  readonly kind: 'unknownWords' | 'smallTest' | 'oneClass';
  readonly message: string;
}

/** One scorer's figures with per-class scores keyed by class label (what report.json and --json hold). */
export interface ScoreSummary {
  readonly accuracy: number;
  readonly accuracyInterval: readonly [number, number];
  readonly balancedAccuracy: number;
  readonly macroF1: number;
  readonly rocAuc: number | null;
  readonly perClass: Readonly<
    Record<string, { precision: number | null; recall: number | null; f1: number | null; support: number }>
  >;
  /** Rows actual, columns predicted, in class order. */
  readonly confusion: readonly (readonly number[])[];
}

export type BaselineName = 'majority' | 'bagOfWords' | 'summaryStatistics';

export interface ClassifierEvaluation {
  readonly classes: readonly string[];
  readonly n: number;
  readonly metrics: {
    readonly model: ScoreSummary;
    readonly baselines: Readonly<Partial<Record<BaselineName, ScoreSummary>>>;
  };
  /** 'model' or the best baseline, by accuracy (the model wins only when strictly higher). */
  readonly winner: 'model' | BaselineName;
  readonly verdict: string;
  readonly warnings: readonly ClassifierWarning[];
  /** Per test sample: the actual and the predicted class index, and [n, K] probabilities. */
  readonly actual: Int32Array;
  readonly predicted: Int32Array;
  readonly probabilities: Float64Array;
  /** Text: the share of the test part's words that are [UNK]; null for series. */
  readonly unknownShare: number | null;
}

export interface Scored {
  readonly predicted: Int32Array;
  readonly proba: Float64Array;
}

const NAMES: Record<BaselineName, string> = {
  majority: 'the majority class',
  bagOfWords: 'the bag-of-words logistic regression',
  summaryStatistics: 'the logistic regression on summary statistics',
};

export function summarize(s: ClassificationScores, classes: readonly string[]): ScoreSummary {
  return {
    accuracy: s.accuracy,
    accuracyInterval: s.accuracyInterval,
    balancedAccuracy: s.balancedAccuracy,
    macroF1: s.macroF1,
    rocAuc: s.rocAuc,
    perClass: Object.fromEntries(classes.map((c, k) => [c, { ...s.perClass[k] }])),
    confusion: s.confusion,
  };
}

function scoresOf(actual: Int32Array, p: Scored, K: number, classes: readonly string[]): ScoreSummary {
  const positive =
    K === 2 ? Float64Array.from({ length: actual.length }, (_, i) => p.proba[i * 2 + 1]) : null;
  return summarize(classificationScores(actual, p.predicted, K, positive), classes);
}

/** Scores the model and the baselines on the same test samples; see the module comment for the warnings. */
export function scoreClassifier(
  classes: readonly string[],
  actual: Int32Array,
  model: Scored,
  baselines: Readonly<Partial<Record<BaselineName, Scored>>>,
  unknownShare: number | null,
): ClassifierEvaluation {
  const K = classes.length;
  const m = scoresOf(actual, model, K, classes);
  const b: Partial<Record<BaselineName, ScoreSummary>> = {};
  for (const [name, p] of Object.entries(baselines) as [BaselineName, Scored][])
    b[name] = scoresOf(actual, p, K, classes);
  const { winner, verdict } = decide(m, b);
  const warnings: ClassifierWarning[] = [];
  if (unknownShare !== null && unknownShare > 0.5) {
    warnings.push({
      kind: 'unknownWords',
      message:
        `${pct(unknownShare)} of the test part's words are not in the vocabulary learned from the training part: ` +
        'the model reads them all as [UNK]; train on more text like the test texts (or a larger maxTokens)',
    });
  }
  const [lo, hi] = m.accuracyInterval;
  if ((hi - lo) / 2 > 0.05) {
    warnings.push({
      kind: 'smallTest',
      message:
        `the test part has ${actual.length} samples: the accuracy ${fmt(m.accuracy)} is only known to within ` +
        `${fmt(lo)} .. ${fmt(hi)} (95 % Wilson interval), so differences smaller than that may be chance`,
    });
  }
  const first = model.predicted[0];
  if (model.predicted.every((c) => c === first)) {
    warnings.push({
      kind: 'oneClass',
      message:
        `the model predicts '${classes[first]}' for every test sample: it learned the class shares, not the ` +
        'sequences (train longer, lower the learning rate, or check that the inputs carry the labels)',
    });
  }
  return {
    classes,
    n: actual.length,
    metrics: { model: m, baselines: b },
    winner,
    verdict,
    warnings,
    actual,
    predicted: model.predicted,
    probabilities: model.proba,
    unknownShare,
  };
}

/** Which scorer wins on accuracy, and the sentence that says so. */
function decide(
  model: ScoreSummary,
  baselines: Partial<Record<BaselineName, ScoreSummary>>,
): { winner: 'model' | BaselineName; verdict: string } {
  const entries = Object.entries(baselines) as [BaselineName, ScoreSummary][];
  entries.sort((a, b) => b[1].accuracy - a[1].accuracy);
  const [bestName, best] = entries[0];
  const half = (model.accuracyInterval[1] - model.accuracyInterval[0]) / 2;
  const diff = model.accuracy - best.accuracy;
  const others = entries
    .slice(1)
    .map(([n, s]) => `${NAMES[n]} ${fmt(s.accuracy)}`)
    .join(', ');
  if (diff > 0) {
    const chance =
      diff < half
        ? `; the margin of ${points(diff)} is inside the accuracy's 95 % interval (±${points(half)}), so it may be chance`
        : '';
    return {
      winner: 'model',
      verdict:
        `the model wins: accuracy ${fmt(model.accuracy)} against ${NAMES[bestName]} ${fmt(best.accuracy)}` +
        `${others === '' ? '' : ` and ${others}`}${chance}`,
    };
  }
  const tie = diff === 0 ? 'ties with' : 'does not beat';
  return {
    winner: bestName,
    verdict:
      `the baseline wins: ${NAMES[bestName]} reaches accuracy ${fmt(best.accuracy)}, and the model (${fmt(model.accuracy)}) ` +
      `${tie} it — use the baseline, or change the model and compare again`,
  };
}

function fmt(v: number): string {
  return v.toFixed(3);
}

function pct(v: number): string {
  return `${Math.round(v * 100)} %`;
}

function points(v: number): string {
  return `${(v * 100).toFixed(1)} points`;
}
