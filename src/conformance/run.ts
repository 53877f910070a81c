/**
 * Runs conformance cases. `layerGrad`: build the stack from the case's layers and weights (model.ts, with
 * the case's input mask when it has one), forward the input, compare every layer's output, the output's
 * mask and the loss Σ output ⊙ lossWeights, backpropagate lossWeights and compare the input gradient and
 * every weight gradient. `lossGrad` (loss-grad.ts), `trainStep` (train-step.ts), `statefulSequence`
 * (stateful.ts) and `workflow` (workflow.ts) cases have their own runners.
 */
import { SeqcastError } from '../errors.js';
import type { BackendChoice } from '../kernels/select.js';
import type { DType } from '../tensor.js';
import { tensor } from '../tensor.js';
import type { LayerGradCase } from './case.js';
import { parseCase } from './case.js';
import type { Comparison } from './compare.js';
import { compareShapes, compareValues } from './compare.js';
import { runLossGrad } from './loss-grad.js';
import { buildCaseModel, compareForward, compareNamed, compareOutputMask } from './model.js';
import { runStatefulSequence } from './stateful.js';
import { runTrainStep } from './train-step.js';
import { runWorkflow } from './workflow.js';

export type CaseStatus = 'passed' | 'failed' | 'unreadable';

export interface CaseResult {
  readonly name: string;
  readonly kind: string;
  readonly status: CaseStatus;
  readonly checks: readonly Comparison[];
  /** Why a case failed or could not be read. */
  readonly message?: string;
}

export interface RunOptions {
  /** Compute in float32 (default, what models use) or float64 (agrees with the references to ~1e-12). */
  readonly dtype?: DType;
  /** The backend to compute with (default: what models pick, `'auto'`). */
  readonly backend?: BackendChoice;
}

/** Runs one case given its parsed JSON. Never throws: every problem becomes a result. */
export function runCase(json: unknown, fallbackName: string, options: RunOptions = {}): CaseResult {
  let parsed;
  try {
    parsed = parseCase(json);
  } catch (e) {
    return {
      name: fallbackName,
      kind: kindOf(json),
      status: 'unreadable',
      checks: [],
      message: messageOf(e),
    };
  }
  try {
    const dtype = options.dtype ?? 'float32';
    const checks =
      parsed.kind === 'layerGrad'
        ? runLayerGrad(parsed, dtype, options.backend)
        : parsed.kind === 'lossGrad'
          ? runLossGrad(parsed, dtype, options.backend)
          : parsed.kind === 'trainStep'
            ? runTrainStep(parsed, dtype, options.backend)
            : parsed.kind === 'statefulSequence'
              ? runStatefulSequence(parsed, dtype, options.backend)
              : runWorkflow(parsed);
    const failed = checks.filter((c) => !c.ok);
    return {
      name: parsed.name,
      kind: parsed.kind,
      status: failed.length === 0 ? 'passed' : 'failed',
      checks,
      ...(failed.length > 0 ? { message: failed.map((c) => c.message).join('; ') } : {}),
    };
  } catch (e) {
    if (!(e instanceof SeqcastError)) throw e; // a bug in seqcast, not in the case: let it surface
    return { name: parsed.name, kind: parsed.kind, status: 'failed', checks: [], message: e.message };
  }
}

function runLayerGrad(c: LayerGradCase, dtype: DType, backend: BackendChoice | undefined): Comparison[] {
  const cm = buildCaseModel(c.layers, c.input.shape, c.inputMask, dtype, backend);
  const tol = c.tolerance;
  const out = cm.model.forward(tensor(c.input.data, c.input.shape, dtype));
  const checks = compareForward(cm, out, c.output, c.layerOutputs, tol.forward);
  if (c.outputMask !== undefined) checks.push(compareOutputMask(cm, c.outputMask));
  let loss = 0;
  for (let i = 0; i < out.data.length; i++) loss += out.data[i] * (c.lossWeights.data[i] ?? NaN);
  checks.push(compareValues('loss', [loss], [c.loss], tol.forward));
  if (!checks.every((ch) => ch.ok)) return checks; // gradients of a wrong forward say nothing more

  cm.model.zeroGrad();
  const dx = cm.model.backward(tensor(c.lossWeights.data, c.lossWeights.shape, dtype));
  if (c.grads.input !== null) {
    checks.push(compareShapes('grads.input shape', dx.shape, c.grads.input.shape));
    checks.push(compareValues('grads.input', dx.data, c.grads.input.data, tol.backward));
  }
  checks.push(...compareNamed('grads', cm, cm.model.gradients(), c.grads.weights, tol.backward));
  return checks;
}

function kindOf(json: unknown): string {
  const k = (json as { kind?: unknown } | null)?.kind;
  return typeof k === 'string' ? k : '?';
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
