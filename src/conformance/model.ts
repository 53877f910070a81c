/**
 * The model a case describes: its layers in a Sequential stack with its weights set, and, when the case has
 * an `inputMask`, that mask handed to the first layer as a masking layer would hand it (Keras's
 * `layer(x, mask=inputMask)`): the values pass unchanged, only the mask is added. Seqcast's public API makes
 * masks with `masking` or `embedding({ maskZero })`; a case's mask is given directly, so any pattern
 * can be tested (masked steps in the middle, values at masked steps that are not a padding value).
 */
import { SeqcastError } from '../errors.js';
import { layerFromConfig } from '../layers/from-config.js';
import type { Layer, WeightSpec } from '../layers/layer.js';
import type { StepMask } from '../layers/mask.js';
import type { BackendChoice } from '../kernels/select.js';
import type { NamedTensor } from '../model/sequential.js';
import { Sequential } from '../model/sequential.js';
import type { DType, Shape, Tensor } from '../tensor.js';
import type { Comparison } from './compare.js';
import { compareShapes, compareValues } from './compare.js';
import type { CaseLayer } from './layers.js';
import type { CaseTensor, CaseWeight } from './parse.js';

/** The case's model; `layers` are the case's layers (without the mask-giving one). */
export interface CaseModel {
  readonly model: Sequential;
  readonly layers: readonly Layer[];
  /** The output of each of the case's layers after the last forward. */
  layerOutputs(): readonly Tensor[];
  /**
   * The mask the next forward pass hands to the first layer (null: none); only for a model built with an
   * input mask (statefulSequence calls each give their own).
   */
  setInputMask(mask: CaseTensor | null): void;
}

/** The identity, whose output carries the case's mask: the first of the model's layers when a case has one. */
class GivenMask implements Layer {
  name = 'conformance_input_mask';
  readonly className = 'Masking' as const;
  private mask: StepMask | null = null;

  constructor(mask: CaseTensor) {
    this.set(mask);
  }

  set(mask: CaseTensor | null): void {
    this.mask =
      mask === null ? null : { batch: mask.shape[0], steps: mask.shape[1], data: Uint8Array.from(mask.data) };
  }

  build(inputShape: Shape): Shape {
    return inputShape;
  }

  weightSpecs(): readonly WeightSpec[] {
    return [];
  }

  attach(): void {}

  forward(x: Tensor): Tensor {
    if (this.mask !== null && (x.shape[0] !== this.mask.batch || x.shape[1] !== this.mask.steps)) {
      throw new SeqcastError(
        'case',
        `inputMask is [${this.mask.batch}, ${this.mask.steps}] but the input is [${x.shape.join(', ')}]`,
      );
    }
    return x;
  }

  backward(dy: Tensor): Tensor {
    return dy;
  }

  outputMask(): StepMask | null {
    return this.mask;
  }

  getConfig(): Readonly<Record<string, unknown>> {
    return { name: this.name };
  }
}

/**
 * The case's stack with its weights set (names `layer/weight`), or a SeqcastError saying what does not fit.
 * `batchSize` fixes the model's batch size (Keras `batch_size`), which stateful layers need.
 */
export function buildCaseModel(
  caseLayers: readonly CaseLayer[],
  inputShape: Shape,
  inputMask: CaseTensor | null,
  dtype: DType,
  backend?: BackendChoice,
  batchSize?: number,
): CaseModel {
  const layers = caseLayers.map((l) => layerFromConfig(l.type, l.config));
  const given = inputMask === null ? null : new GivenMask(inputMask);
  const all = given === null ? layers : [given, ...layers];
  const model = new Sequential(all, {
    inputShape: inputShape.slice(1),
    dtype,
    seed: 0,
    backend,
    ...(batchSize === undefined ? {} : { batchSize }),
  });
  model.setWeights(
    caseLayers.flatMap((l, i) =>
      l.weights.map((w) => ({ name: `${layers[i].name}/${w.name}`, shape: w.shape, data: w.data })),
    ),
  );
  const first = all.length - layers.length;
  return {
    model,
    layers,
    layerOutputs: () => model.layerOutputs.slice(first),
    setInputMask(mask: CaseTensor | null): void {
      if (given === null)
        throw new SeqcastError('case', 'setInputMask(): the model was built without a mask');
      given.set(mask);
    },
  };
}

/** Compares per-layer lists of named tensors (gradients or weights) with the model's, by name. */
export function compareNamed(
  label: string,
  cm: CaseModel,
  actual: readonly NamedTensor[],
  expected: readonly (readonly CaseWeight[])[],
  tol: number,
): Comparison[] {
  const checks: Comparison[] = [];
  expected.forEach((layerList, i) => {
    const layer = cm.layers[i];
    if (layer === undefined)
      throw new SeqcastError(
        'case',
        `${label} lists ${expected.length} layers, the model has ${cm.layers.length}`,
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

/** Compares the mask the model's output carries with a case's `outputMask` (null: the output has none). */
export function compareOutputMask(cm: CaseModel, expected: CaseTensor | null): Comparison {
  const actual = cm.model.outputMask;
  if (expected === null || actual === null) {
    const ok = expected === actual;
    return {
      what: 'outputMask',
      ok,
      maxError: ok ? 0 : Infinity,
      bound: 0,
      relError: ok ? 0 : Infinity,
      ...(ok
        ? {}
        : {
            message:
              expected === null
                ? 'outputMask: the output carries a mask, expected none'
                : 'outputMask: the output carries no mask, expected one',
          }),
    };
  }
  const shape = compareShapes('outputMask shape', [actual.batch, actual.steps], expected.shape);
  if (!shape.ok) return shape;
  return compareValues('outputMask', actual.data, expected.data, 0);
}

/** Every layer's output and the last one, against the case's `layerOutputs` and `output`. */
export function compareForward(
  cm: CaseModel,
  out: Tensor,
  output: CaseTensor,
  layerOutputs: readonly CaseTensor[],
  tol: number,
): Comparison[] {
  if (layerOutputs.length !== cm.layers.length) {
    throw new SeqcastError(
      'case',
      `layerOutputs has ${layerOutputs.length} entries for ${cm.layers.length} layers`,
    );
  }
  const checks: Comparison[] = [];
  cm.layerOutputs().forEach((o, i) => {
    checks.push(compareShapes(`layerOutputs[${i}] shape`, o.shape, layerOutputs[i].shape));
    checks.push(compareValues(`layerOutputs[${i}]`, o.data, layerOutputs[i].data, tol));
  });
  checks.push(compareShapes('output shape', out.shape, output.shape));
  checks.push(compareValues('output', out.data, output.data, tol));
  return checks;
}
