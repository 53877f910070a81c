/**
 * The vanishing-gradient measurement behind `seqcast explain vanishing`: SimpleRNN(32), LSTM(32) and
 * GRU(32), each → Dense(1), with seeded Keras default initialisation, on one random sequence of `steps`
 * values; L = the squared output of the last step, so ‖∂L/∂h_t‖ shows how much of the signal reaches step t.
 */
import { dense } from '../layers/dense.js';
import { gru } from '../layers/gru.js';
import { lstm } from '../layers/lstm.js';
import { simpleRNN } from '../layers/simple-rnn.js';
import { sequential } from '../model/sequential.js';
import { adam } from '../optim/optimizers.js';
import { Random } from '../random.js';
import { gradientFlow } from './gradient-flow.js';

export interface VanishingResult {
  readonly steps: number;
  /** Whether each network was first trained on next-step prediction of a sine wave (see measureVanishing). */
  readonly trained: boolean;
  readonly models: readonly {
    readonly layer: 'SimpleRNN' | 'LSTM' | 'GRU';
    /** ‖∂L/∂h_t‖ for t = 1 … T. */
    readonly gradNorm: readonly number[];
    /** log10(‖∂L/∂h_T‖ / ‖∂L/∂h_1‖): how many orders of magnitude the gradient falls from the last step to the first. */
    readonly ordersOfMagnitude: number;
  }[];
}

/**
 * With `trained`, each network is first fitted for 5 epochs (Adam 0.01, batch 32) to predict the next value
 * of a sine wave from windows of `steps` values (320 windows), then measured on the same random sequence.
 */
export async function measureVanishing(
  steps = 100,
  seed = 42,
  units = 32,
  trained = false,
): Promise<VanishingResult> {
  const rng = new Random(seed);
  const x = {
    shape: [1, steps, 1],
    data: Float64Array.from({ length: steps }, () => rng.uniformRange(-1, 1)),
  };
  const y = { shape: [1, 1], data: Float64Array.of(0) }; // L = (output − 0)², a function of the last step only
  const makers = [
    ['SimpleRNN', simpleRNN],
    ['LSTM', lstm],
    ['GRU', gru],
  ] as const;
  const models = [];
  for (const [layer, make] of makers) {
    const model = sequential([make({ units }), dense({ units: 1 })], {
      inputShape: [steps, 1],
      seed,
      dtype: 'float64',
    });
    if (trained) await trainOnSine(model, steps, seed);
    const g = gradientFlow(model, x, y).layers[0].gradH;
    models.push({ layer, gradNorm: g, ordersOfMagnitude: Math.log10(g[g.length - 1] / g[0]) });
  }
  return { steps, trained, models };
}

async function trainOnSine(model: ReturnType<typeof sequential>, steps: number, seed: number): Promise<void> {
  const n = 320;
  const wave = Float64Array.from({ length: n + steps }, (_, t) => Math.sin(0.1 * t));
  const x = {
    shape: [n, steps, 1],
    data: Float64Array.from({ length: n * steps }, (_, k) => wave[Math.floor(k / steps) + (k % steps)]),
  };
  const y = { shape: [n, 1], data: Float64Array.from({ length: n }, (_, i) => wave[i + steps]) };
  model.compile({ optimizer: adam({ learningRate: 0.01 }), loss: 'mse' });
  await model.fit(x, y, { epochs: 5, batchSize: 32, seed });
}
