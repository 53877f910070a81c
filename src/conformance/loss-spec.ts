/**
 * The losses a case names (FORMAT.md "Loss specs"), as objects with every option stated:
 *
 *     {"type": "meanSquaredError"}
 *     {"type": "binaryCrossentropy",      "fromLogits": bool, "labelSmoothing": number}
 *     {"type": "categoricalCrossentropy", "fromLogits": bool, "labelSmoothing": number}
 *     {"type": "sparseCategoricalCrossentropy", "fromLogits": bool}
 *
 * and how a loss over masked sequence outputs weighs its rows (Keras's apply_mask, keras/src/losses/loss.py,
 * for the default sum_over_batch_size reduction).
 */
import type { Loss } from '../model/losses.js';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from '../model/losses.js';
import { asBoolean, asNumber, asObject, asString, caseError, checkFields } from './parse.js';

export type LossType =
  'meanSquaredError' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';

export interface LossSpec {
  readonly type: LossType;
  readonly fromLogits: boolean;
  readonly labelSmoothing: number;
}

const OPTIONS: Readonly<Record<LossType, readonly string[]>> = {
  meanSquaredError: [],
  binaryCrossentropy: ['fromLogits', 'labelSmoothing'],
  categoricalCrossentropy: ['fromLogits', 'labelSmoothing'],
  sparseCategoricalCrossentropy: ['fromLogits'],
};

const TYPES = Object.keys(OPTIONS) as LossType[];

/**
 * Reads a loss spec. `nameAllowed`: the field may also be the name of a loss without options (the trainStep
 * cases' `"loss": "meanSquaredError"`).
 */
export function parseLossSpec(json: unknown, where: string, nameAllowed: boolean): LossSpec {
  if (nameAllowed && typeof json === 'string') {
    if (json !== 'meanSquaredError') {
      throw caseError(
        `${where} must be "meanSquaredError" or a loss object such as {"type": "binaryCrossentropy", "fromLogits": false, "labelSmoothing": 0} (got ${JSON.stringify(json)})`,
      );
    }
    return { type: json, fromLogits: false, labelSmoothing: 0 };
  }
  const spec = asObject(json, where);
  const type = asString(spec.type, `${where}.type`);
  if (!(TYPES as readonly string[]).includes(type)) {
    throw caseError(
      `${where}.type must be one of ${TYPES.map((t) => `"${t}"`).join(', ')} (got ${JSON.stringify(type)})`,
    );
  }
  const options = OPTIONS[type as LossType];
  checkFields(spec, ['type', ...options], [], where);
  const labelSmoothing = options.includes('labelSmoothing')
    ? asNumber(spec.labelSmoothing, `${where}.labelSmoothing`)
    : 0;
  if (labelSmoothing < 0 || labelSmoothing > 1) {
    throw caseError(`${where}.labelSmoothing must be in [0, 1] (got ${labelSmoothing})`);
  }
  return {
    type: type as LossType,
    fromLogits: options.includes('fromLogits') ? asBoolean(spec.fromLogits, `${where}.fromLogits`) : false,
    labelSmoothing,
  };
}

/** seqcast's loss for a spec, made through the public factories. */
export function makeLoss(spec: LossSpec): Loss {
  switch (spec.type) {
    case 'meanSquaredError':
      return meanSquaredError();
    case 'binaryCrossentropy':
      return binaryCrossentropy({ fromLogits: spec.fromLogits, labelSmoothing: spec.labelSmoothing });
    case 'categoricalCrossentropy':
      return categoricalCrossentropy({ fromLogits: spec.fromLogits, labelSmoothing: spec.labelSmoothing });
    case 'sparseCategoricalCrossentropy':
      return sparseCategoricalCrossentropy({ fromLogits: spec.fromLogits });
  }
}
