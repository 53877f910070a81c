/**
 * The conformance tolerance rule, for arrays e (expected) and a (actual):
 *
 *     max_i |a_i − e_i|  ≤  tol · max_i |e_i|  +  1e-12
 */
export interface Comparison {
  readonly what: string;
  readonly ok: boolean;
  /** max_i |a_i − e_i| */
  readonly maxError: number;
  /** tol · max_i |e_i| + 1e-12 */
  readonly bound: number;
  /** maxError / max_i |e_i| (0 when the expected values are all zero) */
  readonly relError: number;
  readonly message?: string;
}

export function compareValues(
  what: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: number,
): Comparison {
  if (actual.length !== expected.length) {
    return {
      what,
      ok: false,
      maxError: Infinity,
      bound: 0,
      relError: Infinity,
      message: `${what}: ${actual.length} values, expected ${expected.length}`,
    };
  }
  let maxErr = 0;
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    if (!(d <= maxErr)) maxErr = d; // NaN lands here too and stays
    maxAbs = Math.max(maxAbs, Math.abs(expected[i]));
  }
  const bound = tol * maxAbs + 1e-12;
  const ok = maxErr <= bound;
  return {
    what,
    ok,
    maxError: maxErr,
    bound,
    relError: maxAbs > 0 ? maxErr / maxAbs : maxErr,
    ...(ok ? {} : { message: `${what}: max error ${fmt(maxErr)} > bound ${fmt(bound)} (tolerance ${tol})` }),
  };
}

export function compareShapes(
  what: string,
  actual: readonly number[],
  expected: readonly number[],
): Comparison {
  const ok = actual.length === expected.length && actual.every((d, i) => d === expected[i]);
  return {
    what,
    ok,
    maxError: ok ? 0 : Infinity,
    bound: 0,
    relError: ok ? 0 : Infinity,
    ...(ok ? {} : { message: `${what}: shape [${actual.join(', ')}], expected [${expected.join(', ')}]` }),
  };
}

function fmt(x: number): string {
  return x.toExponential(2);
}
