/**
 * The seeded sample models of the ONNX tests, shared by test/onnx.test.ts and scripts/fixtures/onnx-export.mjs
 * (which exports them for the ONNX checker): every layer kind and option toOnnx handles, each with random
 * weights (biases included, so that a misplaced bias shows), and the inputs they are run on.
 */
import type { Layer, Sequential } from '../../src/index.js';
import {
  bidirectional,
  dense,
  dropout,
  embedding,
  globalAveragePooling1D,
  gru,
  lstm,
  masking,
  Random,
  sequential,
  simpleRNN,
  spatialDropout1D,
  timeDistributed,
} from '../../src/index.js';

export interface OnnxCase {
  readonly name: string;
  readonly model: () => Sequential;
  /** 'values': features in [-1, 1]; 'ids': token ids; with `padded`, rows padded at their end. */
  readonly input: 'values' | 'ids';
  readonly padded?: boolean;
}

export const FEATURES = 3;
export const VOCABULARY = 9;

/** A model whose every weight is drawn from U(-0.6, 0.6) with `seed`. */
export function seeded(
  layers: readonly Layer[],
  seed: number,
  inputShape: readonly (number | null)[] = [null, FEATURES],
): Sequential {
  const model = sequential(layers, { inputShape, seed, dtype: 'float32' });
  const rng = new Random(seed + 1000);
  model.setWeights(
    model.weights().map((w) => ({
      name: w.name,
      shape: w.shape,
      data: Array.from({ length: w.data.length }, () => rng.uniform() * 1.2 - 0.6),
    })),
  );
  return model;
}

const v = (name: string, model: () => Sequential, padded = false): OnnxCase => ({
  name,
  model,
  input: 'values',
  padded,
});
const ids = (name: string, model: () => Sequential, padded = false): OnnxCase => ({
  name,
  model,
  input: 'ids',
  padded,
});

const recurrentCases: OnnxCase[] = [
  v('SimpleRNN', () => seeded([simpleRNN({ units: 4 })], 1)),
  v('SimpleRNN relu, sequences', () =>
    seeded([simpleRNN({ units: 4, activation: 'relu', returnSequences: true })], 2),
  ),
  v('SimpleRNN linear, goBackwards, sequences', () =>
    seeded([simpleRNN({ units: 3, activation: 'linear', goBackwards: true, returnSequences: true })], 3),
  ),
  v('SimpleRNN without bias', () => seeded([simpleRNN({ units: 3, useBias: false })], 4)),
  v('LSTM', () => seeded([lstm({ units: 5 })], 5)),
  v('LSTM sequences', () => seeded([lstm({ units: 4, returnSequences: true })], 6)),
  v('LSTM goBackwards', () => seeded([lstm({ units: 4, goBackwards: true })], 7)),
  v('LSTM goBackwards, sequences', () =>
    seeded([lstm({ units: 4, goBackwards: true, returnSequences: true })], 8),
  ),
  v('LSTM hard sigmoid (Keras 3)', () => seeded([lstm({ units: 4, recurrentActivation: 'hardSigmoid' })], 9)),
  v('LSTM hard sigmoid (TF.js, Keras 2)', () =>
    seeded([lstm({ units: 4, recurrentActivation: 'hardSigmoidTfjs' })], 10),
  ),
  v('LSTM relu activation, no bias', () =>
    seeded([lstm({ units: 3, activation: 'relu', useBias: false })], 11),
  ),
  v('LSTM linear activation, hard sigmoid', () =>
    seeded([lstm({ units: 3, activation: 'linear', recurrentActivation: 'hardSigmoidTfjs' })], 12),
  ),
  v('GRU resetAfter true', () => seeded([gru({ units: 4, resetAfter: true })], 13)),
  v('GRU resetAfter false', () => seeded([gru({ units: 4, resetAfter: false })], 14)),
  v('GRU sequences, goBackwards', () =>
    seeded([gru({ units: 4, returnSequences: true, goBackwards: true })], 15),
  ),
  v('GRU resetAfter false, hard sigmoid, no bias', () =>
    seeded(
      [gru({ units: 3, resetAfter: false, recurrentActivation: 'hardSigmoidTfjs', useBias: false })],
      16,
    ),
  ),
  v('GRU sequences, sigmoid activation', () =>
    seeded([gru({ units: 3, activation: 'sigmoid', returnSequences: true })], 17),
  ),
];

const mergeCases: OnnxCase[] = (['concat', 'sum', 'mul', 'ave'] as const).flatMap((mergeMode, i) => [
  v(`Bidirectional(LSTM) ${mergeMode}`, () =>
    seeded([bidirectional(lstm({ units: 3 }), { mergeMode })], 20 + i),
  ),
  v(`Bidirectional(GRU) ${mergeMode}, sequences`, () =>
    seeded([bidirectional(gru({ units: 3, returnSequences: true }), { mergeMode })], 30 + i),
  ),
  v(`Bidirectional(SimpleRNN) ${mergeMode}`, () =>
    seeded([bidirectional(simpleRNN({ units: 3 }), { mergeMode })], 40 + i),
  ),
]);

const otherCases: OnnxCase[] = [
  v('Bidirectional(LSTM) hard sigmoid, sequences', () =>
    seeded(
      [bidirectional(lstm({ units: 3, recurrentActivation: 'hardSigmoidTfjs', returnSequences: true }))],
      50,
    ),
  ),
  v('Bidirectional(GRU resetAfter false, Keras 3 hard sigmoid)', () =>
    seeded([bidirectional(gru({ units: 3, resetAfter: false, recurrentActivation: 'hardSigmoid' }))], 51),
  ),
  v('stacked LSTM → GRU → Dense', () =>
    seeded([lstm({ units: 4, returnSequences: true }), gru({ units: 3 }), dense({ units: 2 })], 52),
  ),
  ...(['linear', 'tanh', 'sigmoid', 'relu', 'hardSigmoid', 'hardSigmoidTfjs', 'softmax'] as const).map(
    (activation, i) =>
      v(`Dense ${activation}`, () => seeded([gru({ units: 4 }), dense({ units: 3, activation })], 60 + i)),
  ),
  v('Dense without bias on sequences', () =>
    seeded([dense({ units: 2, useBias: false }), lstm({ units: 2 })], 70),
  ),
  v('Dense on vectors', () =>
    seeded([dense({ units: 4, activation: 'relu' }), dense({ units: 2 })], 71, [FEATURES]),
  ),
  v('TimeDistributed(Dense)', () =>
    seeded(
      [
        lstm({ units: 4, returnSequences: true }),
        timeDistributed(dense({ units: 2, activation: 'softmax' })),
      ],
      72,
    ),
  ),
  v('Dropout, SpatialDropout1D', () =>
    seeded(
      [
        spatialDropout1D({ rate: 0.3 }),
        lstm({ units: 3, dropout: 0.2, recurrentDropout: 0.2 }),
        dropout({ rate: 0.5 }),
        dense({ units: 1 }),
      ],
      73,
    ),
  ),
  v('GlobalAveragePooling1D', () =>
    seeded([gru({ units: 3, returnSequences: true }), globalAveragePooling1D()], 74),
  ),
  v('GlobalAveragePooling1D keepdims', () =>
    seeded([simpleRNN({ units: 3, returnSequences: true }), globalAveragePooling1D({ keepdims: true })], 75),
  ),
  ids('Embedding → LSTM', () =>
    seeded([embedding({ inputDim: VOCABULARY, outputDim: 4 }), lstm({ units: 3 })], 76, [null]),
  ),
];

const maskCases: OnnxCase[] = [
  v(
    'Masking → LSTM sequences → Dense',
    () =>
      seeded([masking({ maskValue: 0 }), lstm({ units: 3, returnSequences: true }), dense({ units: 2 })], 80),
    true,
  ),
  v('Masking → SimpleRNN', () => seeded([masking({ maskValue: 0 }), simpleRNN({ units: 3 })], 81), true),
  v(
    'Masking → GRU goBackwards, sequences',
    () =>
      seeded([masking({ maskValue: 0 }), gru({ units: 3, goBackwards: true, returnSequences: true })], 82),
    true,
  ),
  v(
    'Masking → GRU goBackwards',
    () => seeded([masking({ maskValue: 0 }), gru({ units: 3, goBackwards: true, resetAfter: false })], 83),
    true,
  ),
  ...(['concat', 'sum', 'mul', 'ave'] as const).map((mergeMode, i) =>
    v(
      `Masking → Bidirectional(LSTM) ${mergeMode}, sequences → LSTM`,
      () =>
        seeded(
          [
            masking({ maskValue: 0 }),
            bidirectional(lstm({ units: 3, returnSequences: true }), { mergeMode }),
            lstm({ units: 2 }),
          ],
          84 + i,
        ),
      true,
    ),
  ),
  v(
    'Masking → Bidirectional(GRU)',
    () => seeded([masking({ maskValue: 0 }), bidirectional(gru({ units: 3 }))], 88),
    true,
  ),
  ids(
    'Embedding maskZero → LSTM sequences → GRU',
    () =>
      seeded(
        [
          embedding({ inputDim: VOCABULARY, outputDim: 4, maskZero: true }),
          lstm({ units: 3, returnSequences: true }),
          gru({ units: 2 }),
        ],
        89,
        [null],
      ),
    true,
  ),
  ids(
    'Embedding maskZero → Bidirectional(LSTM) sequences → GlobalAveragePooling1D → Dense softmax',
    () =>
      seeded(
        [
          embedding({ inputDim: VOCABULARY, outputDim: 4, maskZero: true }),
          bidirectional(lstm({ units: 3, returnSequences: true })),
          globalAveragePooling1D(),
          dense({ units: 3, activation: 'softmax' }),
        ],
        90,
        [null],
      ),
    true,
  ),
  ids(
    'Embedding maskZero → TimeDistributed(Dense) → SimpleRNN',
    () =>
      seeded(
        [
          embedding({ inputDim: VOCABULARY, outputDim: 3, maskZero: true }),
          timeDistributed(dense({ units: 3, activation: 'tanh' })),
          simpleRNN({ units: 2 }),
        ],
        91,
        [null],
      ),
    true,
  ),
];

/** Every sample model. */
export const ONNX_CASES: readonly OnnxCase[] = [
  ...recurrentCases,
  ...mergeCases,
  ...otherCases,
  ...maskCases,
];

/** The input of a case: `batch` rows of `time` steps; padded cases get row lengths `time, 1, …` padded at the end. */
export function caseInput(
  c: OnnxCase,
  batch: number,
  time: number,
  seed: number,
  model: Sequential,
): { shape: number[]; data: Float32Array } {
  const rng = new Random(seed);
  const vector = model.inputShape.length === 1 && c.input === 'values';
  const F = c.input === 'ids' ? 1 : FEATURES;
  const T = vector ? 1 : time;
  const data = new Float32Array(batch * T * F);
  for (let b = 0; b < batch; b++) {
    const length = c.padded === true ? [time, 1, Math.max(1, time - 3)][b % 3] : T;
    for (let t = 0; t < length; t++) {
      for (let f = 0; f < F; f++) {
        data[(b * T + t) * F + f] =
          c.input === 'ids' ? 1 + Math.floor(rng.uniform() * (VOCABULARY - 1)) : rng.uniform() * 2 - 1;
      }
    }
  }
  const shape = vector ? [batch, FEATURES] : c.input === 'ids' ? [batch, time] : [batch, time, FEATURES];
  return { shape, data };
}
