/**
 * Classification scores: pure functions over class indices (integers in [0, K)) of the same length n ≥ 1.
 * `actual[i]` is sample i's true class, `predicted[i]` the class given to it.
 *
 *     confusion[a][p]   = #{i : actual_i = a, predicted_i = p}          (rows: actual, columns: predicted)
 *     accuracy          = Σ_k confusion[k][k] / n
 *     Wilson interval   = (p̂ + z²/2n ± z·sqrt(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n),   z = 1.959964 (95 %)
 *     precision_k       = tp_k / (tp_k + fp_k)      null when nothing was predicted as k
 *     recall_k          = tp_k / (tp_k + fn_k)      null when no sample is of class k
 *     F1_k              = 2 tp_k / (2 tp_k + fp_k + fn_k)   (the harmonic mean of the two where both exist;
 *                                                          0 for a class that is never found)
 *     balanced accuracy = the mean of recall_k over the classes that occur in `actual` (scikit-learn's
 *                         balanced_accuracy_score)
 *     ROC AUC (binary)  = (R₊ − n₊(n₊ + 1)/2) / (n₊ n₋): the Mann–Whitney statistic, with R₊ the sum of the
 *                         positives' ranks among all scores and tied scores given their mean rank — the
 *                         probability that a random positive scores above a random negative, ties counting ½.
 */
import { SeqcastError } from '../errors.js';

/** 95 % two-sided normal quantile. */
export const Z95 = 1.959963984540054;

export interface ClassScores {
  readonly precision: number | null;
  readonly recall: number | null;
  readonly f1: number | null;
  /** Samples of the class in `actual`. */
  readonly support: number;
}

export interface ClassificationScores {
  readonly accuracy: number;
  /** The Wilson score interval of the accuracy, 95 %. */
  readonly accuracyInterval: readonly [number, number];
  readonly balancedAccuracy: number;
  /** The mean of F1 over the classes that occur in actual or predicted. */
  readonly macroF1: number;
  /** One per class, in class-index order. */
  readonly perClass: readonly ClassScores[];
  /** Binary only, from the positive class's probabilities; null with more classes or no scores given. */
  readonly rocAuc: number | null;
  readonly confusion: readonly (readonly number[])[];
  readonly n: number;
}

function checkClasses(fn: string, arg: string, v: ArrayLike<number>, K: number): void {
  for (let i = 0; i < v.length; i++) {
    if (!Number.isInteger(v[i]) || v[i] < 0 || v[i] >= K) {
      throw new SeqcastError(
        'config',
        `${fn}: ${arg}[${i}] is ${v[i]}; a class index must be an integer in [0, ${K})`,
      );
    }
  }
}

function checkPair(fn: string, actual: ArrayLike<number>, predicted: ArrayLike<number>, K: number): void {
  if (actual.length === 0)
    throw new SeqcastError('shape', `${fn}: actual is empty; pass at least one sample`);
  if (actual.length !== predicted.length) {
    throw new SeqcastError(
      'shape',
      `${fn}: actual and predicted must have the same length (got ${actual.length} and ${predicted.length})`,
    );
  }
  if (!Number.isInteger(K) || K < 2) {
    throw new SeqcastError('config', `${fn}: classes must be an integer ≥ 2 (got ${K})`);
  }
  checkClasses(fn, 'actual', actual, K);
  checkClasses(fn, 'predicted', predicted, K);
}

/** K×K counts, rows actual, columns predicted. */
export function confusionMatrix(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: number,
): number[][] {
  checkPair('confusionMatrix()', actual, predicted, classes);
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < actual.length; i++) m[actual[i]][predicted[i]]++;
  return m;
}

/** The share of samples whose predicted class is the actual one. */
export function accuracy(actual: ArrayLike<number>, predicted: ArrayLike<number>): number {
  if (actual.length === 0)
    throw new SeqcastError('shape', 'accuracy(): actual is empty; pass at least one sample');
  if (actual.length !== predicted.length) {
    throw new SeqcastError(
      'shape',
      `accuracy(): actual and predicted must have the same length (got ${actual.length} and ${predicted.length})`,
    );
  }
  let right = 0;
  for (let i = 0; i < actual.length; i++) if (actual[i] === predicted[i]) right++;
  return right / actual.length;
}

/** The Wilson score interval for `successes` of `n` (95 % by default). */
export function wilsonInterval(successes: number, n: number, z = Z95): [number, number] {
  if (!Number.isInteger(n) || n < 1 || !Number.isInteger(successes) || successes < 0 || successes > n) {
    throw new SeqcastError(
      'config',
      `wilsonInterval(): needs integers 0 ≤ successes ≤ n with n ≥ 1 (got ${successes} of ${n})`,
    );
  }
  const p = successes / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Precision, recall, F1 and support of each class (see the header for the undefined cases). */
export function perClassScores(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: number,
): ClassScores[] {
  const m = confusionMatrix(actual, predicted, classes);
  const out: ClassScores[] = [];
  for (let k = 0; k < classes; k++) {
    const tp = m[k][k];
    let fp = 0;
    let fn = 0;
    for (let j = 0; j < classes; j++) {
      if (j === k) continue;
      fp += m[j][k];
      fn += m[k][j];
    }
    out.push({
      precision: tp + fp === 0 ? null : tp / (tp + fp),
      recall: tp + fn === 0 ? null : tp / (tp + fn),
      f1: tp + fp + fn === 0 ? null : (2 * tp) / (2 * tp + fp + fn),
      support: tp + fn,
    });
  }
  return out;
}

/** The mean recall over the classes that occur in `actual`. */
export function balancedAccuracy(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: number,
): number {
  const recalls = perClassScores(actual, predicted, classes)
    .map((s) => s.recall)
    .filter((r): r is number => r !== null);
  return recalls.reduce((a, b) => a + b, 0) / recalls.length;
}

/**
 * ROC AUC of scores for the positive class (`positive[i]` true when sample i is positive): the Mann–Whitney
 * statistic with mean ranks for ties (see the header). Null when either class is absent.
 */
export function rocAuc(positive: ArrayLike<boolean>, scores: ArrayLike<number>): number | null {
  const n = scores.length;
  if (positive.length !== n) {
    throw new SeqcastError(
      'shape',
      `rocAuc(): positive and scores must have the same length (got ${positive.length} and ${n})`,
    );
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(scores[i])) {
      throw new SeqcastError(
        'non-finite',
        `rocAuc(): scores[${i}] is ${scores[i]}; every score must be finite`,
      );
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let rankSum = 0;
  let nPos = 0;
  for (let i = 0; i < n;) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const rank = (i + j) / 2 + 1; // the mean of ranks i+1 … j+1
    for (let k = i; k <= j; k++) {
      if (positive[order[k]]) {
        rankSum += rank;
        nPos++;
      }
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return null;
  return (rankSum - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

/**
 * Every score at once. `positiveScores` (binary only): the predicted probability of class 1 per sample, for
 * ROC AUC.
 */
export function classificationScores(
  actual: ArrayLike<number>,
  predicted: ArrayLike<number>,
  classes: number,
  positiveScores: ArrayLike<number> | null = null,
): ClassificationScores {
  const confusion = confusionMatrix(actual, predicted, classes);
  const n = actual.length;
  let right = 0;
  for (let k = 0; k < classes; k++) right += confusion[k][k];
  const perClass = perClassScores(actual, predicted, classes);
  const f1s = perClass.map((s) => s.f1).filter((f): f is number => f !== null);
  const recalls = perClass.map((s) => s.recall).filter((r): r is number => r !== null);
  let auc: number | null = null;
  if (classes === 2 && positiveScores !== null) {
    auc = rocAuc(
      Array.from({ length: n }, (_, i) => actual[i] === 1),
      positiveScores,
    );
  }
  return {
    accuracy: right / n,
    accuracyInterval: wilsonInterval(right, n),
    balancedAccuracy: recalls.reduce((a, b) => a + b, 0) / recalls.length,
    macroF1: f1s.reduce((a, b) => a + b, 0) / f1s.length,
    perClass,
    rocAuc: auc,
    confusion,
    n,
  };
}
