/**
 * `lossGrad` cases: a model and a real loss. Forward → every layer's output and the output's mask → the loss
 * of the output against the target, reduced as Keras reduces it (a loss over masked sequence outputs weighs
 * its rows as loss-spec.ts says) → dL/d(output) → backward → the input and weight gradients. The loss value
 * is also taken through compile() and evaluate(), the path fit and evaluate use.
 */
import type { BackendChoice } from '../kernels/select.js';
import type { DType } from '../tensor.js';
import { allocate, tensor } from '../tensor.js';
import type { LossGradCase } from './case.js';
import type { Comparison } from './compare.js';
import { compareShapes, compareValues } from './compare.js';
import { makeLoss } from './loss-spec.js';
import { maskedRowWeights } from '../model/weights.js';
import { buildCaseModel, compareForward, compareNamed, compareOutputMask } from './model.js';

export function runLossGrad(c: LossGradCase, dtype: DType, backend?: BackendChoice): Comparison[] {
  const cm = buildCaseModel(c.layers, c.input.shape, c.inputMask, dtype, backend);
  const model = cm.model;
  const tol = c.tolerance;
  const x = tensor(c.input.data, c.input.shape, dtype);
  const out = model.forward(x);
  const checks = compareForward(cm, out, c.output, c.layerOutputs, tol.forward);
  checks.push(compareOutputMask(cm, c.outputMask));
  if (!checks.every((ch) => ch.ok)) return checks; // a loss of a wrong forward says nothing more

  const loss = makeLoss(c.loss);
  const n = out.data.length;
  const width = out.shape[out.shape.length - 1];
  const dOut = allocate(dtype, n);
  const value = loss.compute(
    out.data,
    c.target.data,
    n,
    dOut,
    width,
    maskedRowWeights(model.outputMask, null, n / width, `case ${c.name}`),
  );
  checks.push(compareValues('lossValue', [value], [c.lossValue], tol.forward));
  checks.push(compareShapes('grads.output shape', out.shape, c.grads.output.shape));
  checks.push(compareValues('grads.output', dOut, c.grads.output.data, tol.backward));

  model.zeroGrad();
  const dx = model.backward({ shape: out.shape, data: dOut });
  if (c.grads.input !== null) {
    checks.push(compareShapes('grads.input shape', dx.shape, c.grads.input.shape));
    checks.push(compareValues('grads.input', dx.data, c.grads.input.data, tol.backward));
  }
  checks.push(...compareNamed('grads', cm, model.gradients(), c.grads.weights, tol.backward));

  // the same loss as fit and evaluate compute it, masked rows weighed by them
  model.compile({ optimizer: 'sgd', loss });
  const evaluated = model.evaluate(x, tensor(c.target.data, c.target.shape, dtype), {
    batchSize: c.input.shape[0],
  });
  checks.push(compareValues('lossValue (evaluate)', [evaluated.loss], [c.lossValue], tol.forward));
  return checks;
}
