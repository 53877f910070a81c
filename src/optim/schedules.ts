/**
 * Learning-rate schedules: a function of the optimiser's step count (the number of updates already made,
 * 0 for the first update), as in Keras.
 *
 *     exponentialDecay   lr(step) = initialLearningRate · decayRate ^ (step / decaySteps)
 *                        (with staircase, the exponent is floor(step / decaySteps))
 */
import { SeqcastError } from '../errors.js';
import { checkOptions } from '../options.js';

export interface ExponentialDecayOptions {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  /** Default false. */
  readonly staircase?: boolean;
}

export interface LearningRateSchedule {
  readonly kind: 'exponentialDecay';
  readonly config: Required<ExponentialDecayOptions>;
  at(step: number): number;
}

export function exponentialDecay(options: ExponentialDecayOptions): LearningRateSchedule {
  checkOptions('exponentialDecay()', options, [
    'initialLearningRate',
    'decaySteps',
    'decayRate',
    'staircase',
  ]);
  const { initialLearningRate, decaySteps, decayRate } = options;
  const staircase = options.staircase ?? false;
  if (!(initialLearningRate > 0)) {
    throw new SeqcastError(
      'config',
      `exponentialDecay(): initialLearningRate must be > 0 (got ${initialLearningRate})`,
    );
  }
  if (!(decaySteps > 0))
    throw new SeqcastError('config', `exponentialDecay(): decaySteps must be > 0 (got ${decaySteps})`);
  if (!(decayRate > 0))
    throw new SeqcastError('config', `exponentialDecay(): decayRate must be > 0 (got ${decayRate})`);
  return {
    kind: 'exponentialDecay',
    config: { initialLearningRate, decaySteps, decayRate, staircase },
    at(step) {
      const p = step / decaySteps;
      return initialLearningRate * Math.pow(decayRate, staircase ? Math.floor(p) : p);
    },
  };
}
