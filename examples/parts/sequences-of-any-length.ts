/**
 * Parts 4 and 5 of example 5 (examples/5-gated-and-bidirectional.ts), on sequences of any length:
 *
 * 4. padSequences (pre and post), a masking layer, the padded batch against each sequence alone, and what
 *    the same trained weights do without the mask.
 * 5. Many-to-one: made-up reviews → positive or negative through Embedding(maskZero) → LSTM → Dense(sigmoid),
 *    with accuracy, precision and recall beside the commoner class and a word count that ignores order.
 *
 * Both take a few seconds, are seeded, and print only what they compute.
 */
import { adam, dense, embedding, lstm, masking, padSequences, Random, sequential } from 'seqcast';
import type { Tensor } from 'seqcast';

const shape = (t: { shape: readonly (number | null)[] }): string => `[${t.shape.join(', ')}]`;

/** 4. Sequences of different lengths: padding, and a mask so the padding is not read. */
export async function paddingAndMasking(): Promise<void> {
  console.log(
    '\n4. Sequences of different lengths. A batch is one rectangular tensor, so shorter sequences are padded' +
      '\n   with zeros (padSequences, Keras’s pad_sequences); a masking layer tells the layers after it which' +
      '\n   steps are padding, and they skip them.',
  );
  const few = [
    [0.8, -0.4, 0.3],
    [0.1, 0.5, -0.7, 0.9, 0.2, -0.3],
    [0.6, 0.6],
  ];
  const row = (a: ArrayLike<number>, from: number, n: number): string =>
    Array.from({ length: n }, (_, j) => String(Number(a[from + j].toFixed(4)))).join(', ');
  for (const padding of ['pre', 'post'] as const) {
    const p = padSequences(few, { padding, dtype: 'float32' }); // number sequences → [3, 6]
    console.log(`  padSequences(…, { padding: '${padding}' }) → ${shape(p)}:`);
    few.forEach((s, i) =>
      console.log(`    [${row(p.data, i * p.shape[1], p.shape[1])}]   (length ${s.length})`),
    );
  }

  // A many-to-one task on such sequences: is the sum of the sequence positive? Lengths 2..10, values in
  // [−1, 1] rounded to 2 decimals (never exactly 0, the padding value).
  const seqRng = new Random(4);
  const sequenceOfAnyLength = (): number[] =>
    Array.from(
      { length: 2 + seqRng.int(9) },
      () => Math.round(seqRng.uniformRange(-1, 1) * 100) / 100 || 0.01,
    );
  const sums = Array.from({ length: 600 }, sequenceOfAnyLength);
  const sumLabels = sums.map((s) => (s.reduce((a, v) => a + v, 0) > 0 ? 1 : 0));
  const steps = (s: readonly number[]): number[][] => s.map((v) => [v]); // one feature per step
  const trainSums = sums.slice(0, 400);
  const testSums = sums.slice(400);
  const testSumLabels = sumLabels.slice(400);
  const masked = sequential(
    [masking({ maskValue: 0 }), lstm({ units: 8 }), dense({ units: 1, activation: 'sigmoid' })],
    { inputShape: [null, 1], seed: 1 },
  );
  masked.compile({
    optimizer: adam({ learningRate: 0.02 }),
    loss: 'binaryCrossentropy',
    metrics: ['accuracy'],
  });
  const sumHistory = await masked.fit(
    padSequences(trainSums.map(steps), { dtype: 'float32' }), // Keras's default: padding 'pre'
    sumLabels.slice(0, 400),
    { epochs: 15, batchSize: 32, seed: 1 },
  );
  console.log(
    `\n  masking → LSTM(8) → Dense(1, sigmoid) learns "is the sum positive?" from 400 pre-padded sequences` +
      `\n  (lengths 2..10) in 15 epochs: training accuracy ${sumHistory.history.accuracy.at(-1)!.toFixed(3)}`,
  );
  // The same weights without the masking layer: it reads the padding as real zeros.
  const unmasked = sequential([lstm({ units: 8 }), dense({ units: 1, activation: 'sigmoid' })], {
    inputShape: [null, 1],
  });
  unmasked.setWeights(masked.getWeights());

  const alone = testSums.map((s) => masked.predict([steps(s)]).data[0]); // each sequence by itself, unpadded
  const padded = (padding: 'pre' | 'post'): Tensor =>
    padSequences(testSums.map(steps), { padding, dtype: 'float32' });
  const p = {
    pre: masked.predict(padded('pre')).data,
    post: masked.predict(padded('post')).data,
    preNoMask: unmasked.predict(padded('pre')).data,
    postNoMask: unmasked.predict(padded('post')).data,
  };
  console.log(
    `\n  ${testSums.length} test sequences padded to ${padded('pre').shape[1]} steps; P(sum > 0) for the first four:` +
      '\n                                      alone    with the mask        WITHOUT the mask' +
      '\n    sequence                                  pre      post         pre      post',
  );
  for (let i = 0; i < 4; i++) {
    const s = `[${testSums[i].join(', ')}]`;
    console.log(
      `    ${s.length > 34 ? `${s.slice(0, 31)}…]` : s.padEnd(34)}  ${alone[i].toFixed(4)}   ` +
        `${p.pre[i].toFixed(4)}   ${p.post[i].toFixed(4)}      ${p.preNoMask[i].toFixed(4)}   ${p.postNoMask[i].toFixed(4)}`,
    );
  }
  const largest = (a: ArrayLike<number>): number => Math.max(...alone.map((v, i) => Math.abs(a[i] - v)));
  const hits = (a: ArrayLike<number>): number =>
    testSumLabels.filter((y, i) => (a[i] > 0.5 ? 1 : 0) === y).length;
  const changed = (a: ArrayLike<number>): number => alone.filter((v, i) => a[i] > 0.5 !== v > 0.5).length;
  const n4 = testSums.length;
  console.log(
    `\n  over all ${n4}: largest |padded − alone| with the mask ${largest(p.pre).toExponential(1)} (pre), ` +
      `${largest(p.post).toExponential(1)} (post);` +
      `\n  without it ${largest(p.preNoMask).toFixed(4)} (pre), ${largest(p.postNoMask).toFixed(4)} (post), ` +
      `and the predicted class changes for ${changed(p.preNoMask)} (pre) and ${changed(p.postNoMask)} (post) sequences:` +
      '\n  to a trained LSTM a zero is not nothing; its biases move the state at every padded step it reads.',
  );
  const majoritySum = Math.max(
    testSumLabels.filter((y) => y === 1).length,
    testSumLabels.filter((y) => y === 0).length,
  );
  console.log(
    `  test accuracy: with the mask ${(hits(p.pre) / n4).toFixed(3)} (${hits(p.pre)} of ${n4}); without it ` +
      `${(hits(p.preNoMask) / n4).toFixed(3)} (${hits(p.preNoMask)}, pre) and ${(hits(p.postNoMask) / n4).toFixed(3)} ` +
      `(${hits(p.postNoMask)}, post);\n  always guessing the commoner class: ${(majoritySum / n4).toFixed(3)} (${majoritySum}).`,
  );
  // The mask's one pitfall: a real step equal to maskValue is taken for padding.
  const withZero = masked.predict([steps([0.5, 0, -0.2])]).data[0];
  const withoutStep = masked.predict([steps([0.5, -0.2])]).data[0];
  console.log(
    `  a real 0 is padding too: [0.5, 0, -0.2] gives ${withZero.toFixed(6)}, ` +
      `${withZero === withoutStep ? 'exactly' : 'not quite'} what [0.5, -0.2] gives (${withoutStep.toFixed(6)});` +
      '\n  pick a maskValue the data never take.',
  );
}

// ─── 5. Many-to-one: a whole review → one sentiment label ────────────────────────────────────────────────

// Made-up reviews from a small vocabulary: a clause of filler words with one to three sentiment words of
// one polarity, and half the time "but" and a second clause, usually of the other polarity. The rule is the
// sentiment of the last clause: "i hated this brand but now i love it" is positive. Counting words cannot
// tell that from "i love this brand but now i hated it"; a recurrent layer reads the order. One label in ten
// is then flipped at random, as real labels are never all consistent, so no model can score much above the
// rule's own agreement with the labels.
const POSITIVE = ['great', 'love', 'good', 'happy'];
const NEGATIVE = ['hated', 'bad', 'awful', 'broken'];
const FILLER = ['i', 'the', 'it', 'this', 'brand', 'was', 'my', 'order', 'then', 'now'];
const VOCAB = ['<pad>', ...POSITIVE, ...NEGATIVE, ...FILLER, 'but']; // index 0 is padding (maskZero)
function clause(wordRng: Random, positive: boolean): string[] {
  const pick = (words: readonly string[]): string => words[wordRng.int(words.length)];
  const n = 2 + wordRng.int(6);
  const words = Array.from({ length: n }, () => pick(FILLER));
  const k = 1 + wordRng.int(Math.min(3, n));
  for (let j = 0; j < k; j++) words[wordRng.int(n)] = pick(positive ? POSITIVE : NEGATIVE);
  return words;
}
interface Review {
  readonly words: string[];
  /** What the rule says: the sentiment of the last clause (1 positive). */
  readonly rule: number;
  /** The label given: the rule's, flipped in one review of ten. */
  readonly label: number;
  /** A "but" clause of the other polarity follows the first. */
  readonly turns: boolean;
}
function review(wordRng: Random): Review {
  const first = wordRng.uniform() < 0.5;
  let words = clause(wordRng, first);
  let last = first;
  if (wordRng.uniform() < 0.5) {
    last = wordRng.uniform() < 0.7 ? !first : first;
    words = [...words, 'but', ...clause(wordRng, last)];
  }
  const rule = last ? 1 : 0;
  return { words, rule, label: wordRng.uniform() < 0.1 ? 1 - rule : rule, turns: last !== first };
}

/** 5. A many-to-one classifier of the reviews, beside the commoner class, a word count and the ceiling. */
export async function manyToOne(): Promise<void> {
  const wordRng = new Random(5);
  const reviews = Array.from({ length: 1300 }, () => review(wordRng));
  const trainReviews = reviews.slice(0, 1000);
  const testReviews = reviews.slice(1000);
  const ids = (r: Review): number[] => r.words.map((w) => VOCAB.indexOf(w));
  const maxlen = Math.max(...reviews.map((r) => r.words.length));
  const xReviews = (rs: readonly Review[], padding: 'pre' | 'post'): Tensor =>
    padSequences(rs.map(ids), { padding, maxlen }); // int32 indices for the Embedding
  const yTrainReviews = trainReviews.map((r) => r.label);
  const yTestReviews = testReviews.map((r) => r.label);
  console.log(
    `\n5. Many-to-one: a whole review → positive or negative. ${reviews.length} made-up reviews of ` +
      `${Math.min(...reviews.map((r) => r.words.length))}..${maxlen} words from ${VOCAB.length - 1} words` +
      `\n   (positive: ${POSITIVE.join(', ')}; negative: ${NEGATIVE.join(', ')}; "but"; ${FILLER.length} fillers), e.g.` +
      `\n   "${reviews.find((r) => r.turns)!.words.join(' ')}";` +
      `\n   labelled by the sentiment of their last clause, one label in ten flipped at random;` +
      `\n   ${trainReviews.length} to train (the last 20 % of them to validate), ${testReviews.length} to test, ` +
      `post-padded to ${maxlen} word indices.`,
  );

  const classifier = sequential(
    [
      embedding({ inputDim: VOCAB.length, outputDim: 8, maskZero: true }),
      lstm({ units: 16 }),
      dense({ units: 1, activation: 'sigmoid' }),
    ],
    { inputShape: [null], seed: 1 },
  );
  classifier.compile({
    optimizer: adam({ learningRate: 0.01 }),
    loss: 'binaryCrossentropy',
    metrics: ['accuracy', 'precision', 'recall'],
  });
  const reviewEpochs = 8;
  const reviewHistory = await classifier.fit(xReviews(trainReviews, 'post'), yTrainReviews, {
    epochs: reviewEpochs,
    batchSize: 32,
    validationSplit: 0.2,
    seed: 1,
  });
  console.log(
    `  Embedding(${VOCAB.length}, 8, maskZero) → LSTM(16) → Dense(1, sigmoid), binaryCrossentropy,` +
      `\n  Adam(0.01), batch 32, ${reviewEpochs} epochs:`,
  );
  console.log('  epoch     loss   accuracy   val_accuracy   val_precision   val_recall');
  reviewHistory.epoch.forEach((e, i) => {
    const h = reviewHistory.history;
    console.log(
      `  ${String(e + 1).padStart(5)}   ${h.loss[i].toFixed(4)}   ${h.accuracy[i].toFixed(3).padStart(8)}   ` +
        `${h.val_accuracy[i].toFixed(3).padStart(12)}   ${h.val_precision[i].toFixed(3).padStart(13)}   ` +
        `${h.val_recall[i].toFixed(3).padStart(10)}`,
    );
  });

  const scores = classifier.evaluate(xReviews(testReviews, 'post'), yTestReviews);
  const pTest = classifier.predict(xReviews(testReviews, 'post')).data;
  const pTestPre = classifier.predict(xReviews(testReviews, 'pre')).data;
  // the confusion counts from the predictions, to show where evaluate()'s precision and recall come from
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  yTestReviews.forEach((y, i) => {
    const positive = pTest[i] > 0.5;
    if (positive && y === 1) tp++;
    else if (positive) fp++;
    else if (y === 1) fn++;
    else tn++;
  });
  const nTest = testReviews.length;
  const trainPositives = yTrainReviews.filter((y) => y === 1).length;
  const commoner = trainPositives * 2 >= yTrainReviews.length ? 1 : 0;
  const commonerHits = yTestReviews.filter((y) => y === commoner).length;
  const tally = (r: Review): number =>
    r.words.reduce((s, w) => s + (POSITIVE.includes(w) ? 1 : NEGATIVE.includes(w) ? -1 : 0), 0);
  const byCount = (r: Review): number => (tally(r) > 0 ? 1 : tally(r) < 0 ? 0 : commoner);
  const countingHits = testReviews.filter((r) => byCount(r) === r.label).length;
  const ruleHits = testReviews.filter((r) => r.rule === r.label).length;
  const lstmHits = tp + tn;
  const share = (k: number): string => `${(k / nTest).toFixed(3)} (${k} of ${nTest})`;
  console.log(
    `\n  on the ${nTest} test reviews: accuracy ${scores.accuracy.toFixed(3)}, ${lstmHits} right;` +
      `\n  precision ${scores.precision.toFixed(3)} = TP ${tp} / (TP ${tp} + FP ${fp});` +
      ` recall ${scores.recall.toFixed(3)} = TP ${tp} / (TP ${tp} + FN ${fn})`,
  );
  console.log(
    `  beside: always "${commoner === 1 ? 'positive' : 'negative'}" (the commoner class in training) ${share(commonerHits)};` +
      `\n          counting sentiment words, ignoring their order, ${share(countingHits)};` +
      `\n          the rule the labels were made from, against the flipped labels, ${share(ruleHits)}: the ceiling`,
  );
  const bestBaseline = Math.max(commonerHits, countingHits);
  console.log(
    `  → the LSTM ${
      lstmHits > bestBaseline
        ? `beats both baselines, by ${lstmHits - bestBaseline} reviews`
        : lstmHits === bestBaseline
          ? 'ties the better baseline'
          : `loses to a baseline by ${bestBaseline - lstmHits} reviews`
    }, and is ${Math.abs(ruleHits - lstmHits)} review${Math.abs(ruleHits - lstmHits) === 1 ? '' : 's'} ` +
      `${lstmHits <= ruleHits ? 'below' : 'above'} the ceiling.`,
  );
  const fooled = testReviews.findIndex((r) => tally(r) !== 0 && byCount(r) !== r.rule);
  if (fooled >= 0) {
    const r = testReviews[fooled];
    console.log(
      `  where order matters: "${r.words.join(' ')}":` +
        `\n  the last clause is ${r.rule === 1 ? 'positive' : 'negative'}, the word count says ${byCount(r) === 1 ? 'positive' : 'negative'}, the LSTM P(positive) = ${pTest[fooled].toFixed(3)}`,
    );
  }
  console.log(
    `  the mask at work: pre-padding the test reviews instead changes P(positive) by at most ` +
      `${Math.max(...yTestReviews.map((_, i) => Math.abs(pTestPre[i] - pTest[i]))).toExponential(1)}`,
  );
}
