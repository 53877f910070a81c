/**
 * PyTorch's two trained biases on a recurrent layer (`recurrentBias`, recurrent.ts): the layer owns `bias` and
 * `recurrent_bias`; the cell is attached to a third buffer that holds their sum before every forward pass, and
 * the gradient the cell accumulates for that sum is added to both afterwards (the sum's gradient is each
 * term's). So the cells and the backends' kernels never see the second bias.
 */
import type { DType, FloatArray } from '../tensor.js';
import { allocate } from '../tensor.js';
import type { RecurrentCell } from './cell.js';
import type { WeightSpec } from './layer.js';

/** `specs` with `recurrent_bias` (zeros, the shape of `bias`) right after `bias`: PyTorch's order. */
export function withRecurrentBias(specs: readonly WeightSpec[]): WeightSpec[] {
  const at = specs.findIndex((s) => s.name === 'bias');
  const recurrentBias: WeightSpec = {
    name: 'recurrent_bias',
    shape: specs[at].shape,
    init: { kind: 'zeros' },
  };
  return [...specs.slice(0, at + 1), recurrentBias, ...specs.slice(at + 1)];
}

export class SplitBias {
  private constructor(
    private readonly bias: FloatArray,
    private readonly recurrentBias: FloatArray,
    private readonly dBias: FloatArray,
    private readonly dRecurrentBias: FloatArray,
    private readonly sum: FloatArray,
    private readonly dSum: FloatArray,
  ) {}

  /** Attaches `cell` to the layer's weights (as withRecurrentBias() lists them), the two biases as one. */
  static attach(
    cell: RecurrentCell,
    weights: readonly FloatArray[],
    grads: readonly FloatArray[],
    dtype: DType,
  ): SplitBias {
    const at = cell.weightSpecs().findIndex((s) => s.name === 'bias');
    const n = weights[at].length;
    const split = new SplitBias(
      weights[at],
      weights[at + 1],
      grads[at],
      grads[at + 1],
      allocate(dtype, n),
      allocate(dtype, n),
    );
    const without = <T>(list: readonly T[], summed: T): T[] => [
      ...list.slice(0, at),
      summed,
      ...list.slice(at + 2),
    ];
    cell.attach(without(weights, split.sum), without(grads, split.dSum));
    return split;
  }

  /** Before the cell's forward pass: the bias it reads is bias + recurrent_bias. */
  beforeForward(): void {
    const { bias, recurrentBias, sum } = this;
    for (let i = 0; i < sum.length; i++) sum[i] = bias[i] + recurrentBias[i];
  }

  /** Before the cell's backward pass: the sum's gradient starts from zero. */
  beforeBackward(): void {
    this.dSum.fill(0);
  }

  /** After it: the sum's gradient is added to both biases' (which accumulate, as every gradient does). */
  afterBackward(): void {
    const { dBias, dRecurrentBias, dSum } = this;
    for (let i = 0; i < dSum.length; i++) {
      dBias[i] += dSum[i];
      dRecurrentBias[i] += dSum[i];
    }
  }
}
