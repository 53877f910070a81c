/**
 * Reading conformance cases (format: test/fixtures/conformance/FORMAT.md). Reading is strict: a missing field, an
 * unknown field, a tensor whose data does not fill its shape or a non-number is an unreadable case, never
 * a silently different test.
 */
import type { CaseLayer } from './layers.js';
import { parseLayer } from './layers.js';
import type { LossSpec } from './loss-spec.js';
import { parseLossSpec } from './loss-spec.js';
import type { CaseTensor, CaseWeight } from './parse.js';
import {
  asArray,
  asNumber,
  asObject,
  asString,
  caseError,
  checkFields,
  parseMask,
  parseNamedLists,
  parseTensor,
} from './parse.js';
import type { StatefulSequenceCase } from './stateful-case.js';
import { parseStatefulSequence, STATEFUL_FIELDS } from './stateful-case.js';
import type { WorkflowCase } from './workflow.js';
import { EXPECTED_KEYS } from './workflow.js';

export type { CaseLayer } from './layers.js';
export type { LossSpec, LossType } from './loss-spec.js';
export type { CaseTensor, CaseWeight } from './parse.js';
export type { StatefulCall, StatefulSequenceCase } from './stateful-case.js';

export interface LayerGradCase {
  readonly name: string;
  readonly kind: 'layerGrad';
  readonly description: string;
  readonly layers: readonly CaseLayer[];
  readonly input: CaseTensor;
  /** [B, T], 1 = a real step: the mask handed to the first layer; null when the case has none. */
  readonly inputMask: CaseTensor | null;
  /** The mask the output carries (null: none); undefined when the case does not state it. */
  readonly outputMask: CaseTensor | null | undefined;
  readonly output: CaseTensor;
  readonly layerOutputs: readonly CaseTensor[];
  readonly lossWeights: CaseTensor;
  readonly loss: number;
  /** `input` is null when the first layer is an Embedding (integer indices have no gradient). */
  readonly grads: { readonly input: CaseTensor | null; readonly weights: readonly (readonly CaseWeight[])[] };
  readonly tolerance: { readonly forward: number; readonly backward: number };
}

export interface LossGradCase {
  readonly name: string;
  readonly kind: 'lossGrad';
  readonly description: string;
  readonly layers: readonly CaseLayer[];
  readonly input: CaseTensor;
  readonly inputMask: CaseTensor | null;
  readonly target: CaseTensor;
  readonly loss: LossSpec;
  readonly output: CaseTensor;
  readonly outputMask: CaseTensor | null;
  readonly layerOutputs: readonly CaseTensor[];
  readonly lossValue: number;
  readonly grads: {
    readonly output: CaseTensor;
    readonly input: CaseTensor | null;
    readonly weights: readonly (readonly CaseWeight[])[];
  };
  readonly tolerance: { readonly forward: number; readonly backward: number };
}

export interface CaseOptimizer {
  readonly type: 'adam' | 'sgd' | 'rmsprop';
  /** Every key of the case's optimizer object but `type`, camelCase (learningRate, beta1, clipnorm, …). */
  readonly options: Readonly<Record<string, number | boolean | null>>;
}

export interface TrainStepCase {
  readonly name: string;
  readonly kind: 'trainStep';
  readonly description: string;
  readonly layers: readonly CaseLayer[];
  readonly input: CaseTensor;
  readonly inputMask: CaseTensor | null;
  readonly target: CaseTensor;
  readonly loss: LossSpec;
  readonly optimizer: CaseOptimizer;
  readonly steps: readonly {
    readonly step: number;
    readonly loss: number;
    readonly grads: readonly (readonly CaseWeight[])[];
    readonly clippedGrads: readonly (readonly CaseWeight[])[] | null;
    readonly weightsAfter: readonly (readonly CaseWeight[])[];
  }[];
  readonly finalLoss: number;
  readonly tolerance: { readonly forward: number; readonly backward: number; readonly weights: number };
}

export type ConformanceCase =
  LayerGradCase | LossGradCase | TrainStepCase | StatefulSequenceCase | WorkflowCase;

const KINDS = ['layerGrad', 'lossGrad', 'trainStep', 'statefulSequence', 'workflow'] as const;

const FIELDS: Record<ConformanceCase['kind'], { required: readonly string[]; optional: readonly string[] }> =
  {
    layerGrad: {
      required: [
        'name',
        'kind',
        'description',
        'layers',
        'input',
        'output',
        'layerOutputs',
        'lossWeights',
        'loss',
        'grads',
        'tolerance',
      ],
      optional: ['inputMask', 'outputMask'],
    },
    lossGrad: {
      required: [
        'name',
        'kind',
        'description',
        'layers',
        'input',
        'target',
        'loss',
        'output',
        'outputMask',
        'layerOutputs',
        'lossValue',
        'grads',
        'tolerance',
      ],
      optional: ['inputMask'],
    },
    trainStep: {
      required: [
        'name',
        'kind',
        'description',
        'layers',
        'input',
        'target',
        'loss',
        'optimizer',
        'steps',
        'finalLoss',
        'tolerance',
      ],
      optional: ['inputMask'],
    },
    statefulSequence: STATEFUL_FIELDS,
    workflow: {
      required: ['name', 'kind', 'description', 'params', 'series', 'expected', 'tolerance'],
      optional: ['seriesSource'],
    },
  };

/** Parses one case from its JSON value; throws a SeqcastError ('case') naming the field that is wrong. */
export function parseCase(json: unknown): ConformanceCase {
  const c = asObject(json, 'the case');
  const kind = c.kind as ConformanceCase['kind'];
  if (!KINDS.includes(kind)) {
    throw caseError(
      `"kind" must be ${KINDS.map((k) => `"${k}"`).join(', ')} (got ${JSON.stringify(c.kind)})`,
    );
  }
  checkFields(c, FIELDS[kind].required, FIELDS[kind].optional, 'the case');
  const name = asString(c.name, '"name"');
  const description = asString(c.description, '"description"');
  switch (kind) {
    case 'layerGrad':
      return parseLayerGrad(c, name, description);
    case 'lossGrad':
      return parseLossGrad(c, name, description);
    case 'trainStep':
      return parseTrainStep(c, name, description);
    case 'statefulSequence':
      return parseStatefulSequence(c, name, description);
    case 'workflow':
      return parseWorkflow(c, name, description);
  }
}

/** What layerGrad, lossGrad and trainStep cases share: the layers, the input and its mask. */
function parseModelPart(c: Record<string, unknown>): {
  layers: CaseLayer[];
  input: CaseTensor;
  inputMask: CaseTensor | null;
  ids: boolean;
} {
  const layers = asArray(c.layers, '"layers"').map((l, i) => parseLayer(l, `layers[${i}]`));
  if (layers.length === 0) throw caseError('"layers" must hold at least one layer');
  const input = parseTensor(c.input, '"input"');
  // an Embedding reads integer indices [B, T]; a gradient with respect to them does not exist
  const ids = layers[0].type === 'Embedding';
  if (ids) {
    const inputDim = layers[0].config.inputDim;
    if (input.shape.length !== 2) {
      throw caseError(
        `"input" has shape [${input.shape.join(', ')}]; an Embedding first layer reads indices [batch, timesteps]`,
      );
    }
    input.data.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || (typeof inputDim === 'number' && v >= inputDim)) {
        throw caseError(
          `input.data[${i}] is ${v}; an Embedding's indices are integers in [0, inputDim = ${String(inputDim)})`,
        );
      }
    });
  }
  const inputMask = c.inputMask === undefined ? null : parseMask(c.inputMask, '"inputMask"', input.shape);
  if (inputMask !== null && !ids && input.shape.length !== 3) {
    throw caseError(
      `"inputMask" needs a sequence input [batch, timesteps, features]; "input" is [${input.shape.join(', ')}]`,
    );
  }
  return { layers, input, inputMask, ids };
}

/** `grads.input`: a tensor, or null exactly when the first layer is an Embedding. */
function parseInputGrad(v: unknown, ids: boolean): CaseTensor | null {
  if (ids) {
    if (v !== null)
      throw caseError(
        'grads.input must be null: an Embedding first layer reads indices, which have no gradient',
      );
    return null;
  }
  return parseTensor(v, 'grads.input');
}

function parseLayerGrad(c: Record<string, unknown>, name: string, description: string): LayerGradCase {
  const { layers, input, inputMask, ids } = parseModelPart(c);
  const tol = asObject(c.tolerance, '"tolerance"');
  checkFields(tol, ['forward', 'backward'], [], '"tolerance"');
  const grads = asObject(c.grads, '"grads"');
  checkFields(grads, ['input', 'weights'], [], '"grads"');
  const output = parseTensor(c.output, '"output"');
  return {
    name,
    kind: 'layerGrad',
    description,
    layers,
    input,
    inputMask,
    outputMask: c.outputMask === undefined ? undefined : parseOutputMask(c.outputMask, output),
    output,
    layerOutputs: asArray(c.layerOutputs, '"layerOutputs"').map((t, i) =>
      parseTensor(t, `layerOutputs[${i}]`),
    ),
    lossWeights: parseTensor(c.lossWeights, '"lossWeights"'),
    loss: asNumber(c.loss, '"loss"'),
    grads: {
      input: parseInputGrad(grads.input, ids),
      weights: parseNamedLists(grads.weights, 'grads.weights'),
    },
    tolerance: {
      forward: asNumber(tol.forward, 'tolerance.forward'),
      backward: asNumber(tol.backward, 'tolerance.backward'),
    },
  };
}

/** `outputMask`: null, or the [B, T] mask of a sequence output [B, T, C]. */
function parseOutputMask(v: unknown, output: CaseTensor): CaseTensor | null {
  if (v === null) return null;
  if (output.shape.length !== 3) {
    throw caseError(
      `"outputMask" must be null: only a sequence output [batch, timesteps, features] carries a mask, and "output" is [${output.shape.join(', ')}]`,
    );
  }
  return parseMask(v, '"outputMask"', output.shape);
}

function parseLossGrad(c: Record<string, unknown>, name: string, description: string): LossGradCase {
  const { layers, input, inputMask, ids } = parseModelPart(c);
  const tol = asObject(c.tolerance, '"tolerance"');
  checkFields(tol, ['forward', 'backward'], [], '"tolerance"');
  const grads = asObject(c.grads, '"grads"');
  checkFields(grads, ['output', 'input', 'weights'], [], '"grads"');
  const loss = parseLossSpec(c.loss, '"loss"', false);
  const output = parseTensor(c.output, '"output"');
  const target = parseTensor(c.target, '"target"');
  checkTarget(target, output, loss);
  return {
    name,
    kind: 'lossGrad',
    description,
    layers,
    input,
    inputMask,
    target,
    loss,
    output,
    outputMask: parseOutputMask(c.outputMask, output),
    layerOutputs: asArray(c.layerOutputs, '"layerOutputs"').map((t, i) =>
      parseTensor(t, `layerOutputs[${i}]`),
    ),
    lossValue: asNumber(c.lossValue, '"lossValue"'),
    grads: {
      output: parseTensor(grads.output, 'grads.output'),
      input: parseInputGrad(grads.input, ids),
      weights: parseNamedLists(grads.weights, 'grads.weights'),
    },
    tolerance: {
      forward: asNumber(tol.forward, 'tolerance.forward'),
      backward: asNumber(tol.backward, 'tolerance.backward'),
    },
  };
}

/** The target is shaped like the output; for sparseCategoricalCrossentropy, like it without the class axis. */
function checkTarget(target: CaseTensor, output: CaseTensor, loss: LossSpec): void {
  const sparse = loss.type === 'sparseCategoricalCrossentropy';
  const want = sparse ? output.shape.slice(0, -1) : output.shape;
  if (target.shape.length !== want.length || target.shape.some((d, a) => d !== want[a])) {
    throw caseError(
      `"target" has shape [${target.shape.join(', ')}]; ${loss.type} needs [${want.join(', ')}] for the output [${output.shape.join(', ')}]`,
    );
  }
  if (sparse) {
    const C = output.shape[output.shape.length - 1];
    target.data.forEach((v, i) => {
      if (!Number.isInteger(v) || v < 0 || v >= C)
        throw caseError(`target.data[${i}] is ${v}; a class label is an integer in [0, ${C})`);
    });
  }
}

function parseWorkflow(c: Record<string, unknown>, name: string, description: string): WorkflowCase {
  const params = asObject(c.params, '"params"');
  checkFields(params, ['window', 'trainFraction'], [], '"params"');
  const tol = asObject(c.tolerance, '"tolerance"');
  checkFields(tol, ['relative'], [], '"tolerance"');
  if (c.seriesSource !== undefined) {
    checkFields(
      asObject(c.seriesSource, '"seriesSource"'),
      ['file', 'column', 'from', 'to'],
      [],
      '"seriesSource"',
    );
  }
  return {
    name,
    kind: 'workflow',
    description,
    window: asNumber(params.window, 'params.window'),
    trainFraction: asNumber(params.trainFraction, 'params.trainFraction'),
    series: asArray(c.series, '"series"').map((v, i) => asNumber(v, `series[${i}]`)),
    expected: checkExpected(asObject(c.expected, '"expected"')),
    tolerance: asNumber(tol.relative, 'tolerance.relative'),
  };
}

function checkExpected(expected: Record<string, unknown>): Record<string, unknown> {
  checkFields(expected, [], EXPECTED_KEYS, '"expected"');
  return expected;
}

function parseTrainStep(c: Record<string, unknown>, name: string, description: string): TrainStepCase {
  const { layers, input, inputMask } = parseModelPart(c);
  const tol = asObject(c.tolerance, '"tolerance"');
  checkFields(tol, ['forward', 'backward', 'weights'], [], '"tolerance"');
  const opt = asObject(c.optimizer, '"optimizer"');
  const type = opt.type;
  if (type !== 'adam' && type !== 'sgd' && type !== 'rmsprop') {
    throw caseError(`optimizer.type must be "adam", "sgd" or "rmsprop" (got ${JSON.stringify(type)})`);
  }
  const options: Record<string, number | boolean | null> = {};
  for (const [k, v] of Object.entries(opt)) {
    if (k === 'type') continue;
    if (v !== null && typeof v !== 'number' && typeof v !== 'boolean')
      throw caseError(`optimizer.${k} must be a number, boolean or null`);
    options[k] = v;
  }
  const steps = asArray(c.steps, '"steps"').map((sv, k) => {
    const where = `steps[${k}]`;
    const s = asObject(sv, where);
    checkFields(s, ['step', 'loss', 'grads', 'weightsAfter'], ['clippedGrads'], where);
    return {
      step: asNumber(s.step, `${where}.step`),
      loss: asNumber(s.loss, `${where}.loss`),
      grads: parseNamedLists(s.grads, `${where}.grads`),
      clippedGrads:
        s.clippedGrads === undefined ? null : parseNamedLists(s.clippedGrads, `${where}.clippedGrads`),
      weightsAfter: parseNamedLists(s.weightsAfter, `${where}.weightsAfter`),
    };
  });
  return {
    name,
    kind: 'trainStep',
    description,
    layers,
    input,
    inputMask,
    target: parseTensor(c.target, '"target"'),
    loss: parseLossSpec(c.loss, '"loss"', true),
    optimizer: { type, options },
    steps,
    finalLoss: asNumber(c.finalLoss, '"finalLoss"'),
    tolerance: {
      forward: asNumber(tol.forward, 'tolerance.forward'),
      backward: asNumber(tol.backward, 'tolerance.backward'),
      weights: asNumber(tol.weights, 'tolerance.weights'),
    },
  };
}
