/**
 * The layers of a case (FORMAT.md "Layer configs"): each layer type has a fixed set of config keys, every
 * one of which a case states; a few keys added after the first cases were written are optional, with the
 * default FORMAT.md gives (the value that switches the feature off, so a missing key cannot mean anything
 * else). An unknown type or key is an unreadable case, never an option silently taken at seqcast's default.
 * Values are checked by the layer itself when the runner builds it.
 */
import type { CaseWeight } from './parse.js';
import { asObject, asString, caseError, checkFields, parseWeight, asArray } from './parse.js';

export interface CaseLayer {
  readonly type: string;
  /** The case's config with the optional keys it left out filled in with their defaults. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly weights: readonly CaseWeight[];
}

interface ConfigTable {
  readonly required: readonly string[];
  /** Optional keys and their defaults. */
  readonly optional: Readonly<Record<string, unknown>>;
}

/** Input and recurrent dropout are identity at inference; absent means 0, Keras's default. */
const DROPOUT_DEFAULTS = { dropout: 0, recurrentDropout: 0 };
const RECURRENT = ['units', 'activation', 'useBias', 'returnSequences'];

const TABLES: Readonly<Record<string, ConfigTable>> = {
  Dense: { required: ['units', 'activation', 'useBias'], optional: {} },
  SimpleRNN: { required: RECURRENT, optional: DROPOUT_DEFAULTS },
  LSTM: { required: [...RECURRENT, 'recurrentActivation'], optional: DROPOUT_DEFAULTS },
  GRU: { required: [...RECURRENT, 'recurrentActivation', 'resetAfter'], optional: DROPOUT_DEFAULTS },
  Bidirectional: { required: ['mergeMode', 'layer'], optional: {} },
  Masking: { required: ['maskValue'], optional: {} },
  Embedding: { required: ['inputDim', 'outputDim', 'maskZero'], optional: {} },
  Dropout: { required: ['rate', 'noiseShape', 'seed'], optional: {} },
};

const TYPES = Object.keys(TABLES);
const WRAPPABLE = ['SimpleRNN', 'LSTM', 'GRU'];

const listed = (names: readonly string[]): string => names.map((n) => `"${n}"`).join(', ');

/** One layer of a case; with `stateful` (statefulSequence cases) recurrent configs must state `stateful`. */
export function parseLayer(json: unknown, where: string, stateful = false): CaseLayer {
  const l = asObject(json, where);
  checkFields(l, ['type', 'config', 'weights'], [], where);
  const type = asString(l.type, `${where}.type`);
  return {
    type,
    config: parseConfig(type, l.config, where, TYPES, stateful),
    weights: asArray(l.weights, `${where}.weights`).map((w, j) => parseWeight(w, `${where}.weights[${j}]`)),
  };
}

function parseConfig(
  type: string,
  json: unknown,
  where: string,
  allowed: readonly string[],
  stateful: boolean,
): Record<string, unknown> {
  if (!allowed.includes(type)) {
    throw caseError(`${where}.type must be one of ${listed(allowed)} (got ${JSON.stringify(type)})`);
  }
  const at = `${where}.config`;
  const config = asObject(json, at);
  const table = TABLES[type];
  // `stateful` is a required key of recurrent configs in statefulSequence cases and unknown elsewhere
  const required = stateful && WRAPPABLE.includes(type) ? [...table.required, 'stateful'] : table.required;
  checkFields(config, required, Object.keys(table.optional), at);
  const filled: Record<string, unknown> = { ...table.optional, ...config };
  if (type === 'Bidirectional') {
    const inner = asObject(config.layer, `${at}.layer`);
    checkFields(inner, ['type', 'config'], [], `${at}.layer`);
    const innerType = asString(inner.type, `${at}.layer.type`);
    filled.layer = {
      type: innerType,
      config: parseConfig(innerType, inner.config, `${at}.layer`, WRAPPABLE, stateful),
    };
  }
  return filled;
}
