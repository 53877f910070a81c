/**
 * Reading conformance cases (format: test/fixtures/conformance/FORMAT.md). Reading is strict: a missing field, an
 * unknown field, a tensor whose data does not fill its shape or a non-number is an unreadable case, never
 * a silently different test.
 */
import { SeqcastError } from '../errors.js';
import type { WorkflowCase } from './workflow.js';
import { EXPECTED_KEYS } from './workflow.js';

export interface CaseTensor {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

export interface CaseWeight extends CaseTensor {
  readonly name: string;
}

export interface CaseLayer {
  readonly type: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly weights: readonly CaseWeight[];
}

export interface LayerGradCase {
  readonly name: string;
  readonly kind: 'layerGrad';
  readonly description: string;
  readonly layers: readonly CaseLayer[];
  readonly input: CaseTensor;
  readonly output: CaseTensor;
  readonly layerOutputs: readonly CaseTensor[];
  readonly lossWeights: CaseTensor;
  readonly loss: number;
  readonly grads: { readonly input: CaseTensor; readonly weights: readonly (readonly CaseWeight[])[] };
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
  readonly target: CaseTensor;
  readonly loss: string;
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

export type ConformanceCase = LayerGradCase | TrainStepCase | WorkflowCase;

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
      optional: [],
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
      optional: [],
    },
    workflow: {
      required: ['name', 'kind', 'description', 'params', 'series', 'expected', 'tolerance'],
      optional: ['seriesSource'],
    },
  };

/** Parses one case from its JSON value; throws a SeqcastError ('case') naming the field that is wrong. */
export function parseCase(json: unknown): ConformanceCase {
  const c = asObject(json, 'the case');
  const kind = c.kind;
  if (kind !== 'layerGrad' && kind !== 'trainStep' && kind !== 'workflow') {
    throw caseError(`"kind" must be "layerGrad", "trainStep" or "workflow" (got ${JSON.stringify(kind)})`);
  }
  checkFields(c, FIELDS[kind].required, FIELDS[kind].optional, 'the case');
  const name = asString(c.name, '"name"');
  const description = asString(c.description, '"description"');
  if (kind === 'trainStep') return parseTrainStep(c, name, description);
  if (kind === 'workflow') return parseWorkflow(c, name, description);

  const layers = asArray(c.layers, '"layers"').map((l, i) => parseLayer(l, `layers[${i}]`));
  const tol = asObject(c.tolerance, '"tolerance"');
  checkFields(tol, ['forward', 'backward'], [], '"tolerance"');
  const grads = asObject(c.grads, '"grads"');
  checkFields(grads, ['input', 'weights'], [], '"grads"');
  return {
    name,
    kind,
    description,
    layers,
    input: parseTensor(c.input, '"input"'),
    output: parseTensor(c.output, '"output"'),
    layerOutputs: asArray(c.layerOutputs, '"layerOutputs"').map((t, i) =>
      parseTensor(t, `layerOutputs[${i}]`),
    ),
    lossWeights: parseTensor(c.lossWeights, '"lossWeights"'),
    loss: asNumber(c.loss, '"loss"'),
    grads: {
      input: parseTensor(grads.input, 'grads.input'),
      weights: asArray(grads.weights, 'grads.weights').map((ws, i) =>
        asArray(ws, `grads.weights[${i}]`).map((w, j) => parseWeight(w, `grads.weights[${i}][${j}]`)),
      ),
    },
    tolerance: {
      forward: asNumber(tol.forward, 'tolerance.forward'),
      backward: asNumber(tol.backward, 'tolerance.backward'),
    },
  };
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
  const namedLists = (v: unknown, where: string): CaseWeight[][] =>
    asArray(v, where).map((ws, i) =>
      asArray(ws, `${where}[${i}]`).map((w, j) => parseWeight(w, `${where}[${i}][${j}]`)),
    );
  const steps = asArray(c.steps, '"steps"').map((sv, k) => {
    const where = `steps[${k}]`;
    const s = asObject(sv, where);
    checkFields(s, ['step', 'loss', 'grads', 'weightsAfter'], ['clippedGrads'], where);
    return {
      step: asNumber(s.step, `${where}.step`),
      loss: asNumber(s.loss, `${where}.loss`),
      grads: namedLists(s.grads, `${where}.grads`),
      clippedGrads: s.clippedGrads === undefined ? null : namedLists(s.clippedGrads, `${where}.clippedGrads`),
      weightsAfter: namedLists(s.weightsAfter, `${where}.weightsAfter`),
    };
  });
  return {
    name,
    kind: 'trainStep',
    description,
    layers: asArray(c.layers, '"layers"').map((l, i) => parseLayer(l, `layers[${i}]`)),
    input: parseTensor(c.input, '"input"'),
    target: parseTensor(c.target, '"target"'),
    loss: asString(c.loss, '"loss"'),
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

function parseLayer(json: unknown, where: string): CaseLayer {
  const l = asObject(json, where);
  checkFields(l, ['type', 'config', 'weights'], [], where);
  return {
    type: asString(l.type, `${where}.type`),
    config: asObject(l.config, `${where}.config`),
    weights: asArray(l.weights, `${where}.weights`).map((w, j) => parseWeight(w, `${where}.weights[${j}]`)),
  };
}

function parseWeight(json: unknown, where: string): CaseWeight {
  const w = asObject(json, where);
  checkFields(w, ['name', 'shape', 'data'], [], where);
  return { name: asString(w.name, `${where}.name`), ...parseTensor({ shape: w.shape, data: w.data }, where) };
}

function parseTensor(json: unknown, where: string): CaseTensor {
  const t = asObject(json, where);
  checkFields(t, ['shape', 'data'], [], where);
  const shape = asArray(t.shape, `${where}.shape`).map((d, i) => {
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw caseError(`${where}.shape[${i}] must be an integer ≥ 0 (got ${JSON.stringify(d)})`);
    }
    return d;
  });
  const data = asArray(t.data, `${where}.data`).map((v, i) => asNumber(v, `${where}.data[${i}]`));
  const n = shape.reduce((a, b) => a * b, 1);
  if (data.length !== n) {
    throw caseError(`${where}: shape [${shape.join(', ')}] holds ${n} values but data has ${data.length}`);
  }
  return { shape, data };
}

function checkFields(
  obj: Record<string, unknown>,
  required: readonly string[],
  optional: readonly string[],
  where: string,
): void {
  for (const key of Object.keys(obj)) {
    if (!required.includes(key) && !optional.includes(key))
      throw caseError(`${where} has an unknown field "${key}"`);
  }
  for (const key of required) {
    if (!(key in obj)) throw caseError(`${where} lacks the field "${key}"`);
  }
}

function asObject(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw caseError(`${where} must be an object`);
  return v as Record<string, unknown>;
}

function asArray(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw caseError(`${where} must be an array`);
  return v;
}

function asString(v: unknown, where: string): string {
  if (typeof v !== 'string') throw caseError(`${where} must be a string`);
  return v;
}

function asNumber(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw caseError(`${where} must be a finite number (got ${JSON.stringify(v)})`);
  return v;
}

function caseError(message: string): SeqcastError {
  return new SeqcastError('case', message);
}
