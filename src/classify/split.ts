/**
 * A seeded stratified shuffle split into train / validation / test, for classification. Each class keeps its
 * share in every part:
 *
 *     for each class c with n_c samples:  test_c = round(testFraction · n_c),
 *                                         validation_c = round(validationFraction · n_c),
 *                                         train_c = n_c − test_c − validation_c   (≥ 1, else an error)
 *
 * The samples of a class are shuffled with the seeded generator (one Fisher–Yates pass, the classes in the
 * order of their index) and dealt in that order: test first, then validation, then train. Each part is then
 * shuffled again so that its classes are interleaved (a file grouped by class or by source trains badly in
 * order). The three parts are disjoint and cover 0 … N−1; the same labels and seed give the same parts.
 */
import { SeqcastError } from '../errors.js';
import { checkOptions } from '../options.js';
import { Random } from '../random.js';

export interface StratifiedSplitOptions {
  /** Share of each class in the test part, in [0, 1). Default 0.2. */
  readonly testFraction?: number;
  /** Share of each class in the validation part, in [0, 1). Default 0. */
  readonly validationFraction?: number;
  /** Default 42. */
  readonly seed?: number;
}

export interface StratifiedSplit {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly test: Int32Array;
}

/** `labels[i]` is the class index (an integer ≥ 0) of sample i. */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  options: StratifiedSplitOptions = {},
): StratifiedSplit {
  checkOptions('stratifiedSplit()', options, ['testFraction', 'validationFraction', 'seed']);
  const testFraction = options.testFraction ?? 0.2;
  const validationFraction = options.validationFraction ?? 0;
  const seed = options.seed ?? 42;
  for (const [name, f] of [
    ['testFraction', testFraction],
    ['validationFraction', validationFraction],
  ] as const) {
    if (typeof f !== 'number' || !(f >= 0 && f < 1)) {
      throw new SeqcastError('config', `stratifiedSplit(): ${name} must be in [0, 1) (got ${String(f)})`);
    }
  }
  if (testFraction + validationFraction >= 1) {
    throw new SeqcastError(
      'config',
      `stratifiedSplit(): testFraction + validationFraction must be < 1 (got ${testFraction} + ${validationFraction}); leave some samples to train on`,
    );
  }
  if (!Number.isSafeInteger(seed)) {
    throw new SeqcastError('config', `stratifiedSplit(): seed must be a safe integer (got ${seed})`);
  }
  const byClass: number[][] = [];
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!Number.isInteger(c) || c < 0) {
      throw new SeqcastError(
        'config',
        `stratifiedSplit(): labels[${i}] is ${c}; class indices are integers ≥ 0`,
      );
    }
    (byClass[c] ??= []).push(i);
  }
  const rng = new Random(seed);
  const test: number[] = [];
  const validation: number[] = [];
  const train: number[] = [];
  byClass.forEach((members, c) => {
    if (members === undefined) return;
    shuffle(members, rng);
    const n = members.length;
    const nTest = Math.round(testFraction * n);
    const nValidation = Math.round(validationFraction * n);
    if (n - nTest - nValidation < 1) {
      throw new SeqcastError(
        'config',
        `stratifiedSplit(): class ${c} has ${n} sample${n === 1 ? '' : 's'}, which leaves none to train on after ` +
          `${nTest} for testing and ${nValidation} for validation; give more samples of it or smaller fractions`,
      );
    }
    test.push(...members.slice(0, nTest));
    validation.push(...members.slice(nTest, nTest + nValidation));
    train.push(...members.slice(nTest + nValidation));
  });
  shuffle(train, rng);
  shuffle(validation, rng);
  shuffle(test, rng);
  return {
    train: Int32Array.from(train),
    validation: Int32Array.from(validation),
    test: Int32Array.from(test),
  };
}

function shuffle(a: number[], rng: Random): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}
