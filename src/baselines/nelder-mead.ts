/**
 * Nelder–Mead minimisation (Nelder & Mead 1965, with the standard coefficients of Lagarias et al. 1998:
 * reflection 1, expansion 2, contraction ½, shrink ½), for the few smooth, unconstrained parameters of a
 * baseline's likelihood. Derivative-free, deterministic (no random restarts).
 */

export interface NelderMeadOptions {
  /** Initial simplex: x0 plus `step[i]` along each axis i. */
  readonly step: readonly number[];
  /** Stop after this many evaluations of f. */
  readonly maxEvaluations: number;
  /** Stop when the simplex's values differ by less than this (absolute). */
  readonly tolerance: number;
}

export interface NelderMeadResult {
  readonly x: Float64Array;
  readonly value: number;
  readonly evaluations: number;
}

/** Minimises f from x0. A non-finite f(x) counts as +Infinity, so the simplex moves away from it. */
export function nelderMead(
  f: (x: Float64Array) => number,
  x0: ArrayLike<number>,
  options: NelderMeadOptions,
): NelderMeadResult {
  const n = x0.length;
  let evaluations = 0;
  const value = (x: Float64Array): number => {
    evaluations += 1;
    const v = f(x);
    return Number.isFinite(v) ? v : Infinity;
  };
  const points: Float64Array[] = [Float64Array.from(x0)];
  for (let i = 0; i < n; i++) {
    const p = Float64Array.from(x0);
    p[i] += options.step[i];
    points.push(p);
  }
  const values = points.map(value);
  const centroid = new Float64Array(n);
  // trial points live in their own buffers; an accepted one swaps places with the worst point's buffer
  let reflected: Float64Array = new Float64Array(n);
  let expanded: Float64Array = new Float64Array(n);
  let contracted: Float64Array = new Float64Array(n);
  const along = (t: number, out: Float64Array): Float64Array => {
    const worst = points[n];
    for (let j = 0; j < n; j++) out[j] = centroid[j] + t * (worst[j] - centroid[j]);
    return out;
  };
  const replaceWorst = (p: Float64Array, v: number): Float64Array => {
    const old = points[n];
    points[n] = p;
    values[n] = v;
    return old;
  };
  while (evaluations < options.maxEvaluations) {
    // order best → worst (insertion sort: the simplex changes by one point at a time)
    for (let i = 1; i <= n; i++) {
      const p = points[i];
      const v = values[i];
      let j = i - 1;
      while (j >= 0 && values[j] > v) {
        points[j + 1] = points[j];
        values[j + 1] = values[j];
        j--;
      }
      points[j + 1] = p;
      values[j + 1] = v;
    }
    if (values[n] - values[0] <= options.tolerance && Number.isFinite(values[n])) break;
    centroid.fill(0);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) centroid[j] += points[i][j] / n;
    const fr = value(along(-1, reflected));
    if (fr < values[0]) {
      const fe = value(along(-2, expanded));
      if (fe < fr) expanded = replaceWorst(expanded, fe);
      else reflected = replaceWorst(reflected, fr);
      continue;
    }
    if (fr < values[n - 1]) {
      reflected = replaceWorst(reflected, fr);
      continue;
    }
    // contract: outside when the reflection beat the worst point, inside otherwise
    const outside = fr < values[n];
    const fc = value(along(outside ? -0.5 : 0.5, contracted));
    if (fc < (outside ? fr : values[n])) {
      contracted = replaceWorst(contracted, fc);
      continue;
    }
    for (let i = 1; i <= n; i++) {
      for (let j = 0; j < n; j++) points[i][j] = points[0][j] + 0.5 * (points[i][j] - points[0][j]);
      values[i] = value(points[i]);
    }
  }
  let best = 0;
  for (let i = 1; i <= n; i++) if (values[i] < values[best]) best = i;
  return { x: points[best], value: values[best], evaluations };
}
