/**
 * Runs `statefulSequence` cases through the public API: the stack is built with the case's batch size
 * (`sequential(layers, { inputShape: [null, F], batchSize })`), then each call in order — `predict` for a
 * forward pass (the stateful layers start from the states the previous calls left), `model.resetStates()`,
 * `layer.resetStates(states?)` on one layer, `model.predictStep` for one streaming step — and every output
 * (and, where a call states them, every stateful layer's states) is compared with the case's.
 */
import { Bidirectional } from '../layers/bidirectional.js';
import type { Layer } from '../layers/layer.js';
import { Recurrent } from '../layers/recurrent.js';
import type { BackendChoice } from '../kernels/select.js';
import type { DType, Tensor } from '../tensor.js';
import { tensor } from '../tensor.js';
import type { Comparison } from './compare.js';
import { compareShapes, compareValues } from './compare.js';
import type { CaseModel } from './model.js';
import { buildCaseModel } from './model.js';
import type { CaseTensor } from './parse.js';
import type { StatefulSequenceCase } from './stateful-case.js';

export function runStatefulSequence(
  c: StatefulSequenceCase,
  dtype: DType,
  backend?: BackendChoice,
): Comparison[] {
  const first = c.calls.find((call) => call.call === 'forward' || call.call === 'predictStep')!;
  const F = first.input.shape[first.input.shape.length - 1];
  const firstMask = c.calls.find((call) => call.call === 'forward' && call.inputMask !== null);
  const mask = firstMask?.call === 'forward' ? firstMask.inputMask : null;
  const cm = buildCaseModel(c.layers, [c.batchSize, null, F], mask, dtype, backend, c.batchSize);
  const tol = c.tolerance.forward;
  const checks: Comparison[] = [];
  c.calls.forEach((call, k) => {
    const at = `calls[${k}]`;
    switch (call.call) {
      case 'resetAll':
        cm.model.resetStates();
        return;
      case 'resetLayer': {
        const states = call.states?.map((s) => tensor(s.data, s.shape, dtype));
        resettable(cm.layers[call.layer]).resetStates(states);
        return;
      }
      case 'forward': {
        if (mask !== null) cm.setInputMask(call.inputMask);
        const out = cm.model.predict(tensor(call.input.data, call.input.shape, dtype), {
          batchSize: c.batchSize,
        });
        checks.push(...compareCall(at, cm, out, call.output, call.states, tol));
        return;
      }
      case 'predictStep': {
        const out = cm.model.predictStep(tensor(call.input.data, call.input.shape, dtype));
        checks.push(...compareCall(at, cm, out, call.output, call.states, tol));
        return;
      }
    }
  });
  return checks;
}

function resettable(layer: Layer): Recurrent | Bidirectional {
  // the loader has checked that the layer is a stateful recurrent layer or a Bidirectional wrapping one
  return layer as Recurrent | Bidirectional;
}

function compareCall(
  at: string,
  cm: CaseModel,
  out: Tensor,
  output: CaseTensor | null,
  states: readonly (readonly CaseTensor[] | null)[] | null,
  tol: number,
): Comparison[] {
  const checks =
    output === null
      ? []
      : [
          compareShapes(`${at}.output shape`, out.shape, output.shape),
          compareValues(`${at}.output`, out.data, output.data, tol),
        ];
  states?.forEach((expected, i) => {
    if (expected === null) return;
    const actual = layerStates(cm.layers[i]);
    expected.forEach((e, j) => {
      const a = actual[j];
      const what = `${at}.states[${i}][${j}]`;
      checks.push(compareShapes(`${what} shape`, a === undefined ? [] : a.shape, e.shape));
      checks.push(compareValues(what, a === undefined ? [] : a.data, e.data, tol));
    });
  });
  return checks;
}

/** A stateful layer's current states: [h] or [h, c]; a Bidirectional's forward half's, then its backward's. */
function layerStates(layer: Layer): readonly Tensor[] {
  if (layer instanceof Bidirectional)
    return [...(layer.forwardLayer.states ?? []), ...(layer.backwardLayer.states ?? [])];
  if (layer instanceof Recurrent) return layer.states ?? [];
  return [];
}
