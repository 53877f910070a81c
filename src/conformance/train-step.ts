/**
 * `trainStep` cases: N optimiser steps on one batch. Each step: forward → loss (compared: it is the loss
 * BEFORE the update, as Keras's train_on_batch reports it) → gradients (compared) → clipping (clipped
 * gradients compared where the case lists them) → update (weights compared). Then the final loss. The loss is
 * the case's loss spec (loss-spec.ts); over a masked sequence output it is the mean over the real steps.
 */
import { SeqcastError } from '../errors.js';
import type { Optimizer } from '../optim/optimizers.js';
import { Adam, RMSprop, SGD } from '../optim/optimizers.js';
import type { BackendChoice } from '../kernels/select.js';
import type { DType } from '../tensor.js';
import { allocate, tensor } from '../tensor.js';
import type { CaseOptimizer, TrainStepCase } from './case.js';
import type { Comparison } from './compare.js';
import { compareValues } from './compare.js';
import { makeLoss } from './loss-spec.js';
import { maskedRowWeights } from '../model/weights.js';
import { buildCaseModel, compareNamed } from './model.js';

export function runTrainStep(c: TrainStepCase, dtype: DType, backend?: BackendChoice): Comparison[] {
  const cm = buildCaseModel(c.layers, c.input.shape, c.inputMask, dtype, backend);
  const model = cm.model;
  const loss = makeLoss(c.loss);
  const optimizer = makeOptimizer(c.optimizer);
  const x = tensor(c.input.data, c.input.shape, dtype);
  const n = c.target.data.length;
  let dOut = allocate(dtype, n);
  const segments = model.segments();
  const tol = c.tolerance;
  const checks: Comparison[] = [];

  const forwardLoss = (): { value: number; shape: readonly number[] } => {
    const out = model.forward(x);
    const width = out.shape[out.shape.length - 1];
    // a sparse loss takes one class label per output row
    const expected = loss.sparse === true ? out.data.length / width : out.data.length;
    if (expected !== n) {
      throw new SeqcastError(
        'case',
        `the model outputs ${out.data.length} values per batch, for which target must hold ${expected}, but it holds ${n}`,
      );
    }
    if (dOut.length !== out.data.length) dOut = allocate(dtype, out.data.length);
    const weights = maskedRowWeights(model.outputMask, null, out.data.length / width, `case ${c.name}`); // a masked sequence output: the mean over real steps
    return {
      value: loss.compute(out.data, c.target.data, out.data.length, dOut, width, weights),
      shape: out.shape,
    };
  };

  c.steps.forEach((step, k) => {
    const { value, shape } = forwardLoss();
    checks.push(compareValues(`steps[${k}].loss`, [value], [step.loss], tol.forward));
    model.zeroGrad();
    model.backward({ shape, data: dOut });
    checks.push(...compareNamed(`steps[${k}].grads`, cm, model.gradients(), step.grads, tol.backward));
    optimizer.clipGradients(model.grads, segments);
    if (step.clippedGrads !== null) {
      checks.push(
        ...compareNamed(`steps[${k}].clippedGrads`, cm, model.gradients(), step.clippedGrads, tol.backward),
      );
    }
    optimizer.applyUpdate(model.params, model.grads);
    checks.push(
      ...compareNamed(`steps[${k}].weightsAfter`, cm, model.weights(), step.weightsAfter, tol.weights),
    );
  });
  checks.push(compareValues('finalLoss', [forwardLoss().value], [c.finalLoss], tol.forward));
  return checks;
}

/** The case's optimizer; its keys are the options of seqcast's adam() / sgd() / rmsprop() (null = unset). */
function makeOptimizer(spec: CaseOptimizer): Optimizer {
  const options = Object.fromEntries(Object.entries(spec.options).filter(([, v]) => v !== null));
  switch (spec.type) {
    case 'adam':
      return new Adam(options);
    case 'sgd':
      return new SGD(options);
    case 'rmsprop':
      return new RMSprop(options);
  }
}
