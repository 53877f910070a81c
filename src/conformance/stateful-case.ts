/**
 * Reading `statefulSequence` cases (FORMAT.md "kind statefulSequence"): a stack with stateful recurrent layers
 * and a fixed batch size, then an ordered list of calls — forward passes that carry the states, resets of
 * every layer or of one layer (to zeros or to given values), and single streaming steps. As strict as the
 * other kinds: every call has exactly the fields of its form, and every state tensor is checked against the
 * layer it belongs to.
 */
import type { CaseLayer } from './layers.js';
import { parseLayer } from './layers.js';
import type { CaseTensor } from './parse.js';
import { asArray, asNumber, asObject, caseError, checkFields, parseMask, parseTensor } from './parse.js';

/** A forward pass over [B, T, F] from the carried states (Keras `model(x)` / `predict` on a stateful model). */
export interface ForwardCall {
  readonly call: 'forward';
  readonly input: CaseTensor;
  readonly inputMask: CaseTensor | null;
  /** null when the case does not compare this call's output (Keras's tests run some calls unchecked). */
  readonly output: CaseTensor | null;
  /** Per case layer, its states after the call (null for a layer that keeps none); null when not stated. */
  readonly states: readonly (readonly CaseTensor[] | null)[] | null;
}

/** One streaming step [B, F] (`model.predictStep`). */
export interface PredictStepCall {
  readonly call: 'predictStep';
  readonly input: CaseTensor;
  readonly output: CaseTensor;
  readonly states: readonly (readonly CaseTensor[] | null)[] | null;
}

/** `model.resetStates()`: every stateful layer's states to zeros. */
export interface ResetAllCall {
  readonly call: 'resetAll';
}

/** `layers[layer].resetStates(states)`: that layer only, to `states` (null: zeros). */
export interface ResetLayerCall {
  readonly call: 'resetLayer';
  readonly layer: number;
  readonly states: readonly CaseTensor[] | null;
}

export type StatefulCall = ForwardCall | PredictStepCall | ResetAllCall | ResetLayerCall;

export interface StatefulSequenceCase {
  readonly name: string;
  readonly kind: 'statefulSequence';
  readonly description: string;
  readonly layers: readonly CaseLayer[];
  readonly batchSize: number;
  readonly calls: readonly StatefulCall[];
  readonly tolerance: { readonly forward: number };
}

export const STATEFUL_FIELDS = {
  required: ['name', 'kind', 'description', 'layers', 'batchSize', 'calls', 'tolerance'],
  optional: [] as string[],
};

const RECURRENT = ['SimpleRNN', 'LSTM', 'GRU'];

/** The recurrent config of a layer (a Bidirectional's wrapped one), or null for a layer without states. */
function recurrentConfig(layer: CaseLayer): { type: string; config: Record<string, unknown> } | null {
  if (RECURRENT.includes(layer.type)) return { type: layer.type, config: layer.config };
  if (layer.type === 'Bidirectional')
    return layer.config.layer as { type: string; config: Record<string, unknown> };
  return null;
}

/** The [B, U] state tensors a stateful layer keeps (LSTM h, c; Bidirectional: forward's then backward's). */
function stateCount(layer: CaseLayer): number {
  const r = recurrentConfig(layer)!;
  const one = r.type === 'LSTM' ? 2 : 1;
  return layer.type === 'Bidirectional' ? 2 * one : one;
}

function isStateful(layer: CaseLayer): boolean {
  return recurrentConfig(layer)?.config.stateful === true;
}

export function parseStatefulSequence(
  c: Record<string, unknown>,
  name: string,
  description: string,
): StatefulSequenceCase {
  const layers = asArray(c.layers, '"layers"').map((l, i) => parseLayer(l, `layers[${i}]`, true));
  if (layers.length === 0) throw caseError('"layers" must hold at least one layer');
  layers.forEach((l, i) => {
    const r = recurrentConfig(l);
    if (r !== null && typeof r.config.stateful !== 'boolean') {
      const at = l.type === 'Bidirectional' ? `layers[${i}].config.layer.config` : `layers[${i}].config`;
      throw caseError(`${at}.stateful must be true or false (got ${JSON.stringify(r.config.stateful)})`);
    }
  });
  if (!layers.some(isStateful)) {
    throw caseError('a statefulSequence case needs at least one recurrent layer with "stateful": true');
  }
  if (layers[0].type === 'Embedding') {
    throw caseError(
      'a statefulSequence case reads feature vectors; an Embedding first layer is not in the format',
    );
  }
  const B = asNumber(c.batchSize, '"batchSize"');
  if (!Number.isInteger(B) || B < 1) throw caseError(`"batchSize" must be an integer ≥ 1 (got ${B})`);
  const tol = asObject(c.tolerance, '"tolerance"');
  checkFields(tol, ['forward'], [], '"tolerance"');

  const calls = asArray(c.calls, '"calls"').map((v, k) => parseCall(v, `calls[${k}]`, layers, B));
  if (
    !calls.some((call) => (call.call === 'forward' && call.output !== null) || call.call === 'predictStep')
  ) {
    throw caseError('"calls" must hold at least one call with an expected "output"');
  }
  const steps = calls.findIndex((call) => call.call === 'predictStep');
  if (steps >= 0) {
    const masked = calls.findIndex((call) => call.call === 'forward' && call.inputMask !== null);
    if (masked >= 0) {
      throw caseError(
        `calls[${masked}] has an "inputMask" and calls[${steps}] is a "predictStep": a case that streams takes its masks from a Masking layer`,
      );
    }
    const plain = layers.findIndex((l) => recurrentConfig(l) !== null && !isStateful(l));
    if (plain >= 0) {
      throw caseError(
        `calls[${steps}] is a "predictStep", so every recurrent layer must be stateful, and layers[${plain}] is not`,
      );
    }
  }
  const F = calls.find((call): call is ForwardCall | PredictStepCall => 'input' in call)!.input.shape.at(-1);
  calls.forEach((call, k) => {
    if ('input' in call && call.input.shape.at(-1) !== F) {
      throw caseError(`calls[${k}] has ${call.input.shape.at(-1)} features, an earlier call ${F}`);
    }
  });
  return {
    name,
    kind: 'statefulSequence',
    description,
    layers,
    batchSize: B,
    calls,
    tolerance: { forward: asNumber(tol.forward, 'tolerance.forward') },
  };
}

function parseCall(v: unknown, where: string, layers: readonly CaseLayer[], B: number): StatefulCall {
  const o = asObject(v, where);
  if ('resetStates' in o) {
    checkFields(o, ['resetStates'], [], where);
    const r = o.resetStates;
    if (r === true) return { call: 'resetAll' };
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      throw caseError(
        `${where}.resetStates must be true (every layer) or {"layer", "states"} (one layer) (got ${JSON.stringify(r)})`,
      );
    }
    const at = `${where}.resetStates`;
    const one = r as Record<string, unknown>;
    checkFields(one, ['layer', 'states'], [], at);
    const i = asNumber(one.layer, `${at}.layer`);
    if (!Number.isInteger(i) || i < 0 || i >= layers.length) {
      throw caseError(`${at}.layer must be an index in [0, ${layers.length}) (got ${i})`);
    }
    if (!isStateful(layers[i])) {
      throw caseError(
        `${at}.layer is ${i}, and layers[${i}] (${layers[i].type}) is not a stateful recurrent layer`,
      );
    }
    const states = one.states === null ? null : parseStates(one.states, `${at}.states`, layers[i], B);
    return { call: 'resetLayer', layer: i, states };
  }
  if ('predictStep' in o) {
    checkFields(o, ['predictStep', 'output'], ['states'], where);
    const input = parseTensor(o.predictStep, `${where}.predictStep`);
    if (input.shape.length !== 2 || input.shape[0] !== B) {
      throw caseError(
        `${where}.predictStep has shape [${input.shape.join(', ')}]; one step is [batchSize, features] = [${B}, F]`,
      );
    }
    return {
      call: 'predictStep',
      input,
      output: parseOutput(o.output, `${where}.output`, B),
      states: parseAllStates(o.states, `${where}.states`, layers, B),
    };
  }
  if ('input' in o) {
    checkFields(o, ['input'], ['output', 'inputMask', 'states'], where);
    const input = parseTensor(o.input, `${where}.input`);
    if (input.shape.length !== 3 || input.shape[0] !== B) {
      throw caseError(
        `${where}.input has shape [${input.shape.join(', ')}]; it must be [batchSize, timesteps, features] with batchSize ${B}`,
      );
    }
    return {
      call: 'forward',
      input,
      inputMask: o.inputMask === undefined ? null : parseMask(o.inputMask, `${where}.inputMask`, input.shape),
      output: o.output === undefined ? null : parseOutput(o.output, `${where}.output`, B),
      states: parseAllStates(o.states, `${where}.states`, layers, B),
    };
  }
  throw caseError(`${where} must have "input" (a forward pass), "predictStep" (one step) or "resetStates"`);
}

function parseOutput(v: unknown, where: string, B: number): CaseTensor {
  const out = parseTensor(v, where);
  if (out.shape[0] !== B) {
    throw caseError(`${where} has shape [${out.shape.join(', ')}]; its first axis must be batchSize ${B}`);
  }
  return out;
}

/** A call's expected `states`: one entry per case layer, null exactly for the layers that keep no states. */
function parseAllStates(
  v: unknown,
  where: string,
  layers: readonly CaseLayer[],
  B: number,
): (CaseTensor[] | null)[] | null {
  if (v === undefined) return null;
  const list = asArray(v, where);
  if (list.length !== layers.length) {
    throw caseError(`${where} has ${list.length} entries; it must have one per layer (${layers.length})`);
  }
  return list.map((s, i) => {
    const at = `${where}[${i}]`;
    if (!isStateful(layers[i])) {
      if (s !== null) throw caseError(`${at} must be null: layers[${i}] (${layers[i].type}) keeps no states`);
      return null;
    }
    return parseStates(s, at, layers[i], B);
  });
}

/** The states of one stateful layer: its count of [B, units] tensors. */
function parseStates(v: unknown, where: string, layer: CaseLayer, B: number): CaseTensor[] {
  const list = asArray(v, where);
  const n = stateCount(layer);
  const U = recurrentConfig(layer)!.config.units;
  const kind = layer.type === 'Bidirectional' ? `Bidirectional(${recurrentConfig(layer)!.type})` : layer.type;
  if (list.length !== n) {
    throw caseError(`${where} has ${list.length} tensors; a stateful ${kind} keeps ${n}`);
  }
  return list.map((t, k) => {
    const s = parseTensor(t, `${where}[${k}]`);
    if (s.shape.length !== 2 || s.shape[0] !== B || s.shape[1] !== U) {
      throw caseError(
        `${where}[${k}] has shape [${s.shape.join(', ')}]; a state is [batchSize, units] = [${B}, ${String(U)}]`,
      );
    }
    return s;
  });
}
