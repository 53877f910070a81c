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
import { Random } from '../random.js';
import { gradientFlow } from './gradient-flow.js';

export interface VanishingResult {
  readonly steps: number;
  readonly models: readonly {
    readonly layer: 'SimpleRNN' | 'LSTM' | 'GRU';
    /** ‖∂L/∂h_t‖ for t = 1 … T. */
    readonly gradNorm: readonly number[];
    /** log10(‖∂L/∂h_T‖ / ‖∂L/∂h_1‖): how many orders of magnitude the gradient falls from the last step to the first. */
    readonly ordersOfMagnitude: number;
  }[];
}

export function measureVanishing(steps = 100, seed = 42, units = 32): VanishingResult {
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
  return {
    steps,
    models: makers.map(([layer, make]) => {
      const model = sequential([make({ units }), dense({ units: 1 })], {
        inputShape: [steps, 1],
        seed,
        dtype: 'float64',
      });
      const g = gradientFlow(model, x, y).layers[0].gradH;
      return { layer, gradNorm: g, ordersOfMagnitude: Math.log10(g[g.length - 1] / g[0]) };
    }),
  };
}
