/**
 * Runs conformance cases. `layerGrad`: build the stack from the case's layers and weights, forward the
 * input, compare every layer's output and the loss Σ output ⊙ lossWeights, backpropagate lossWeights and
 * compare the input gradient and every weight gradient. `trainStep` (train-step.ts) and `workflow`
 * (workflow.ts) cases have their own runners.
 */
import { SeqcastError } from '../errors.js';
import { layerFromConfig } from '../layers/from-config.js';
import type { NamedTensor } from '../model/sequential.js';
import { Sequential } from '../model/sequential.js';
import type { BackendChoice } from '../kernels/select.js';
import type { DType } from '../tensor.js';
import { tensor } from '../tensor.js';
import type { CaseLayer, CaseWeight, LayerGradCase } from './case.js';
import { parseCase } from './case.js';
import type { Comparison } from './compare.js';
import { compareShapes, compareValues } from './compare.js';
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
        : parsed.kind === 'trainStep'
          ? runTrainStep(parsed, dtype, options.backend)
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
  const model = buildCaseModel(c.layers, c.input.shape, dtype, backend);
  const layers = model.layers;
  const checks: Comparison[] = [];
  const tol = c.tolerance;

  const out = model.forward(tensor(c.input.data, c.input.shape, dtype));
  if (c.layerOutputs.length !== layers.length) {
    throw new SeqcastError(
      'case',
      `layerOutputs has ${c.layerOutputs.length} entries for ${layers.length} layers`,
    );
  }
  model.layerOutputs.forEach((o, i) => {
    checks.push(compareShapes(`layerOutputs[${i}] shape`, o.shape, c.layerOutputs[i].shape));
    checks.push(compareValues(`layerOutputs[${i}]`, o.data, c.layerOutputs[i].data, tol.forward));
  });
  checks.push(compareShapes('output shape', out.shape, c.output.shape));
  checks.push(compareValues('output', out.data, c.output.data, tol.forward));
  let loss = 0;
  for (let i = 0; i < out.data.length; i++) loss += out.data[i] * (c.lossWeights.data[i] ?? NaN);
  checks.push(compareValues('loss', [loss], [c.loss], tol.forward));
  if (!checks.every((ch) => ch.ok)) return checks; // gradients of a wrong forward say nothing more

  model.zeroGrad();
  const dx = model.backward(tensor(c.lossWeights.data, c.lossWeights.shape, dtype));
  checks.push(compareShapes('grads.input shape', dx.shape, c.grads.input.shape));
  checks.push(compareValues('grads.input', dx.data, c.grads.input.data, tol.backward));
  checks.push(...compareNamed('grads', model, model.gradients(), c.grads.weights, tol.backward));
  return checks;
}

/** The case's stack with its weights set (names `layer/weight`), or a SeqcastError saying what does not fit. */
export function buildCaseModel(
  caseLayers: readonly CaseLayer[],
  inputShape: readonly number[],
  dtype: DType,
  backend?: BackendChoice,
): Sequential {
  const layers = caseLayers.map((l) => layerFromConfig(l.type, l.config));
  const model = new Sequential(layers, { inputShape: inputShape.slice(1), dtype, seed: 0, backend });
  model.setWeights(
    caseLayers.flatMap((l, i) =>
      l.weights.map((w) => ({ name: `${layers[i].name}/${w.name}`, shape: w.shape, data: w.data })),
    ),
  );
  return model;
}

/** Compares per-layer lists of named tensors (gradients or weights) with the model's, by name. */
export function compareNamed(
  label: string,
  model: Sequential,
  actual: readonly NamedTensor[],
  expected: readonly (readonly CaseWeight[])[],
  tol: number,
): Comparison[] {
  const checks: Comparison[] = [];
  expected.forEach((layerList, i) => {
    const layer = model.layers[i];
    if (layer === undefined)
      throw new SeqcastError(
        'case',
        `${label} lists ${expected.length} layers, the model has ${model.layers.length}`,
      );
    for (const g of layerList) {
      const full = `${layer.name}/${g.name}`;
      const a = actual.find((w) => w.name === full);
      if (a === undefined)
        throw new SeqcastError('case', `${label}[${i}] names '${g.name}', which layer ${i} does not have`);
      checks.push(compareShapes(`${label} ${full} shape`, a.shape, g.shape));
      checks.push(compareValues(`${label} ${full}`, a.data, g.data, tol));
    }
  });
  const count = expected.reduce((n, l) => n + l.length, 0);
  if (count !== actual.length) {
    throw new SeqcastError(
      'case',
      `${label} lists ${count} tensors but the model has ${actual.length} weights`,
    );
  }
  return checks;
}

function kindOf(json: unknown): string {
  const k = (json as { kind?: unknown } | null)?.kind;
  return typeof k === 'string' ? k : '?';
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
