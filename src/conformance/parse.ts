/**
 * The strict readers every part of a conformance case goes through (format: test/fixtures/conformance/
 * FORMAT.md). Each takes the JSON value and `where` (the field's path in the case, e.g. `layers[0].config`)
 * and either returns the typed value or throws a SeqcastError ('case') whose message names that field.
 */
import { SeqcastError } from '../errors.js';

export interface CaseTensor {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

export interface CaseWeight extends CaseTensor {
  readonly name: string;
}

export function caseError(message: string): SeqcastError {
  return new SeqcastError('case', message);
}

/** Rejects a key of `obj` that is neither required nor optional, then a required key that is missing. */
export function checkFields(
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

export function asObject(v: unknown, where: string): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw caseError(`${where} must be an object`);
  return v as Record<string, unknown>;
}

export function asArray(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw caseError(`${where} must be an array`);
  return v;
}

export function asString(v: unknown, where: string): string {
  if (typeof v !== 'string') throw caseError(`${where} must be a string`);
  return v;
}

export function asNumber(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw caseError(`${where} must be a finite number (got ${JSON.stringify(v)})`);
  return v;
}

export function asBoolean(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw caseError(`${where} must be true or false (got ${JSON.stringify(v)})`);
  return v;
}

export function parseTensor(json: unknown, where: string): CaseTensor {
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

export function parseWeight(json: unknown, where: string): CaseWeight {
  const w = asObject(json, where);
  checkFields(w, ['name', 'shape', 'data'], [], where);
  return { name: asString(w.name, `${where}.name`), ...parseTensor({ shape: w.shape, data: w.data }, where) };
}

/** A list of per-layer lists of named tensors (`grads.weights`, `steps[k].weightsAfter`, …). */
export function parseNamedLists(v: unknown, where: string): CaseWeight[][] {
  return asArray(v, where).map((ws, i) =>
    asArray(ws, `${where}[${i}]`).map((w, j) => parseWeight(w, `${where}[${i}][${j}]`)),
  );
}

/**
 * A step mask `{"shape": [B, T], "data": [0/1 …]}` for a sequence of `seqShape` ([B, T, …]): 1 marks a real
 * step, 0 a masked one.
 */
export function parseMask(json: unknown, where: string, seqShape: readonly number[]): CaseTensor {
  const m = parseTensor(json, where);
  if (seqShape.length < 2) {
    throw caseError(
      `${where} marks steps of a sequence, but the input has shape [${seqShape.join(', ')}] (no time axis)`,
    );
  }
  if (m.shape.length !== 2 || m.shape[0] !== seqShape[0] || m.shape[1] !== seqShape[1]) {
    throw caseError(
      `${where} has shape [${m.shape.join(', ')}]; it must be [batch, timesteps] = [${seqShape[0]}, ${seqShape[1]}]`,
    );
  }
  m.data.forEach((v, i) => {
    if (v !== 0 && v !== 1) throw caseError(`${where}.data[${i}] must be 0 or 1 (got ${v})`);
  });
  return m;
}
