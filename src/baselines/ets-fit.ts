/**
 * Fitting ETS models (ets.ts) by maximum likelihood, and AutoETS: the candidate with the lowest AICc.
 *
 * The parameters are searched as statsmodels bounds them: α ∈ (0, 1), β = β*·α, γ = γ*·(1 − α) with
 * β*, γ* ∈ (0, 1), φ ∈ [0.8, 0.98], each through a logistic map, and the initial states unbounded (s_{−m}
 * held). Without a multiplicative season the initial states are solved exactly for each candidate of the
 * smoothing parameters (bestStates), so Nelder–Mead searches only those (at most 4), from the best points of
 * a coarse grid; an M error then polishes every parameter together. A multiplicative season starts from
 * the additive season's fit (its seasonal states as ratios) and every parameter is searched.
 */
import { SeqcastError } from '../errors.js';
import type { EtsComponent, EtsFit, EtsParams, EtsSpec } from './ets.js';
import { etsAicc, etsLoglik, etsName, parameterCount } from './ets.js';
import { nelderMead } from './nelder-mead.js';

const LO = 1e-4;
const HI = 1 - 1e-4;
const logistic = (u: number, lo: number, hi: number): number => lo + (hi - lo) / (1 + Math.exp(-u));
const logit = (v: number, lo: number, hi: number): number =>
  Math.log(
    (Math.min(Math.max(v, lo + 1e-9), hi - 1e-9) - lo) / (hi - Math.min(Math.max(v, lo + 1e-9), hi - 1e-9)),
  );

interface Smoothing {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
}

/** The smoothing parameters of u (α, β*, γ*, φ through their logistic maps); the rest of u is left. */
function smoothingOf(spec: EtsSpec, u: ArrayLike<number>): { smoothing: Smoothing; used: number } {
  let i = 0;
  const alpha = logistic(u[i++], LO, HI);
  const beta = spec.trend !== 'none' ? logistic(u[i++], LO, HI) * alpha : 0;
  const gamma = spec.season !== 'none' ? logistic(u[i++], LO, HI) * (1 - alpha) : 0;
  const phi = spec.trend === 'damped' ? logistic(u[i++], 0.8, 0.98) : 1;
  return { smoothing: { alpha, beta, gamma, phi }, used: i };
}

/** u of given smoothing parameters (the inverse of smoothingOf). */
function smoothingU(spec: EtsSpec, s: Smoothing): number[] {
  const u = [logit(s.alpha, LO, HI)];
  if (spec.trend !== 'none') u.push(logit(s.beta / s.alpha, LO, HI));
  if (spec.season !== 'none') u.push(logit(s.gamma / (1 - s.alpha), LO, HI));
  if (spec.trend === 'damped') u.push(logit(s.phi, 0.8, 0.98));
  return u;
}

/** The free initial states in order: l, b (with a trend), s_{−1} … s_{−(m−1)} (s_{−m} is held). */
function statesOf(spec: EtsSpec, x: ArrayLike<number>, offset: number): Omit<EtsParams, keyof Smoothing> {
  let i = offset;
  const level = x[i++];
  const trend = spec.trend !== 'none' ? x[i++] : 0;
  const season: number[] = [];
  if (spec.season !== 'none') {
    for (let j = 0; j < spec.m - 1; j++) season.push(x[i++]);
    season.push(spec.season === 'mul' ? 1 : 0);
  }
  return { level, trend, season };
}

function stateCount(spec: EtsSpec): number {
  return 1 + (spec.trend !== 'none' ? 1 : 0) + (spec.season !== 'none' ? spec.m - 1 : 0);
}

/**
 * The initial states that fit best for given smoothing parameters, for a model whose season is not
 * multiplicative, and the log-likelihood there. Such a model's states move by the same rule for either
 * error — l = L + α (y − ŷ), b = B + β (y − ŷ), s = S + γ (y − ŷ) (an A error's e is y − ŷ; an M error's
 * (L + κ) e is too) — so the forecasts are affine in the initial states x₀: ŷ = ŷ⁰ + Z x₀, ŷ⁰ the forecasts
 * from x₀ = 0 and column j of Z those from unit state j with no data. One pass computes them all; x₀ then
 * solves least squares: Σ (y − ŷ)² (A error: the maximum of ℓ for these smoothing parameters exactly) or,
 * for an M error, Σ ((y − ŷ)/ŷ)² by one reweighted pass (close to it; a polish follows). With `rows`, the
 * least squares reads only the first rows (the initial states' influence fades with time): the cheap
 * version the search uses before the final solve over every row.
 */
function bestStates(
  spec: EtsSpec,
  s: Smoothing,
  y: ArrayLike<number>,
  reweight: boolean,
  rows: number = y.length,
): { states: number[]; loglik: number } {
  const k = stateCount(spec);
  const n = y.length;
  const q = k + 1; // system 0: the data from x₀ = 0; system j: unit state j − 1, no data
  const hasTrend = spec.trend !== 'none';
  const hasSeason = spec.season !== 'none';
  const m = hasSeason ? spec.m : 1;
  const phi = spec.trend === 'damped' ? s.phi : 1;
  const level = scratch('level', q);
  const trend = scratch('trend', q);
  const ring = scratch('ring', q * m); // ring[r·m + i]; s_{−1−j} starts at i = m − 1 − j
  for (let j = 1; j < q; j++) {
    const state = j - 1;
    if (state === 0) level[j] = 1;
    else if (hasTrend && state === 1) trend[j] = 1;
    else ring[j * m + (m - 1 - (state - (hasTrend ? 2 : 1)))] = 1;
  }
  const Z = scratch('Z', n * q); // Z[t·q + j]: ŷ_t of system j
  // system by system, branch-free: without a trend β = 0 keeps b at 0; without a season m = 1, γ = 0 keep s at 0
  const { alpha, beta, gamma } = s;
  for (let j = 0; j < q; j++) {
    let l = level[j];
    let b = trend[j];
    const base = j * m;
    const data = j === 0;
    let pos = 0;
    for (let t = 0; t < n; t++) {
      const B = phi * b;
      const L = l + B;
      const S = ring[base + pos];
      const f = L + S;
      Z[t * q + j] = f;
      const v = y[t];
      const r = v === v ? (data ? v : 0) - f : 0; // v !== v: missing, no correction
      l = L + alpha * r;
      b = B + beta * r;
      ring[base + pos] = S + gamma * r;
      pos = pos + 1 === m ? 0 : pos + 1;
    }
  }
  const forecast = (t: number, x: readonly number[]): number => {
    let f = Z[t * q];
    for (let j = 0; j < k; j++) f += Z[t * q + j + 1] * x[j];
    return f;
  };
  let x = new Array<number>(k).fill(0);
  const passes = spec.error === 'mul' && reweight ? 2 : 1;
  const A = scratch('A', k * k);
  const rhs = scratch('rhs', k);
  for (let pass = 0; pass < passes; pass++) {
    A.fill(0);
    rhs.fill(0);
    for (let t = 0; t < rows; t++) {
      if (Number.isNaN(y[t])) continue;
      let w = 1;
      if (pass > 0) {
        const f = forecast(t, x);
        w = f !== 0 ? 1 / (f * f) : 0;
      }
      const row = t * q + 1;
      const d = (y[t] - Z[t * q]) * w;
      for (let i = 0; i < k; i++) {
        const zi = Z[row + i];
        rhs[i] += zi * d;
        const zw = zi * w;
        for (let j = i; j < k; j++) A[i * k + j] += zw * Z[row + j];
      }
    }
    for (let i = 0; i < k; i++) for (let j = 0; j < i; j++) A[i * k + j] = A[j * k + i];
    const solved = solve(A, rhs, k);
    if (solved === null) break;
    x = solved;
  }
  // the log-likelihood at x, from the same forecasts (see run)
  let sse = 0;
  let logs = 0;
  let count = 0;
  for (let t = 0; t < n; t++) {
    if (Number.isNaN(y[t])) continue;
    const f = forecast(t, x);
    const e = spec.error === 'mul' ? (y[t] - f) / f : y[t] - f;
    sse += e * e;
    if (spec.error === 'mul') logs += Math.log(f > 0 ? f : 1 / (1e-8 * (1 + Math.abs(f))));
    count += 1;
  }
  const loglik =
    count === 0
      ? Number.NaN
      : (-count / 2) * (Math.log(2 * Math.PI * Math.max(sse / count, 1e-300)) + 1) - logs;
  return { states: x, loglik };
}

const buffers = new Map<string, Float64Array>();

/** A zeroed buffer of `size` for `name`, reused between calls (bestStates runs thousands of times a fit). */
function scratch(name: string, size: number): Float64Array {
  let b = buffers.get(name);
  if (b === undefined || b.length < size) {
    b = new Float64Array(Math.max(size, 2 * (b?.length ?? 0)));
    buffers.set(name, b);
  }
  const view = b.subarray(0, size);
  view.fill(0);
  return view;
}

/** Solves A x = b for A [k, k] row-major (Gaussian elimination, partial pivoting, a tiny ridge); null when singular. */
function solve(A: Float64Array, b: Float64Array, k: number): number[] | null {
  let trace = 0;
  for (let i = 0; i < k; i++) trace += A[i * k + i];
  const M = Array.from({ length: k }, (_, i) => {
    const r = Array.from(A.subarray(i * k, (i + 1) * k));
    r[i] += 1e-12 * (trace / k || 1);
    r.push(b[i]);
    return r;
  });
  for (let c = 0; c < k; c++) {
    let p = c;
    for (let i = c + 1; i < k; i++) if (Math.abs(M[i][c]) > Math.abs(M[p][c])) p = i;
    if (!(Math.abs(M[p][c]) > 0)) return null;
    [M[c], M[p]] = [M[p], M[c]];
    for (let i = c + 1; i < k; i++) {
      const f = M[i][c] / M[c][c];
      for (let j = c; j <= k; j++) M[i][j] -= f * M[c][j];
    }
  }
  const x = new Array<number>(k).fill(0);
  for (let i = k - 1; i >= 0; i--) {
    let v = M[i][k];
    for (let j = i + 1; j < k; j++) v -= M[i][j] * x[j];
    x[i] = v / M[i][i];
  }
  return x.every(Number.isFinite) ? x : null;
}

function meanAbs(y: ArrayLike<number>): number {
  let sum = 0;
  let count = 0;
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(y[i])) continue;
    sum += Math.abs(y[i]);
    count += 1;
  }
  return sum / count || 1;
}

/** Every parameter by Nelder–Mead, from `start`, with restarts while they still improve ℓ. */
function polish(
  spec: EtsSpec,
  y: ArrayLike<number>,
  start: EtsParams,
  evaluations: number,
  restarts = 1,
): EtsParams {
  const scale = meanAbs(y);
  const sScale = spec.season === 'mul' ? 1 : scale;
  const u0 = smoothingU(spec, start);
  const d = u0.length;
  const states = [start.level / scale];
  if (spec.trend !== 'none') states.push(start.trend / scale);
  for (let j = 0; j < spec.m - 1 && spec.season !== 'none'; j++) states.push(start.season[j] / sScale);
  const decode = (u: Float64Array): EtsParams => {
    const { smoothing } = smoothingOf(spec, u);
    const x = Array.from(u.subarray(d));
    x[0] *= scale;
    let i = 1;
    if (spec.trend !== 'none') x[i++] *= scale;
    for (; i < x.length; i++) x[i] *= sScale;
    return { ...smoothing, ...statesOf(spec, x, 0) };
  };
  const negative = (u: Float64Array): number => -etsLoglik(spec, decode(u), y).loglik;
  const step = [...new Array<number>(d).fill(0.5), ...states.map((_, i) => (i === 0 ? 0.02 : 0.01))];
  let best = nelderMead(negative, [...u0, ...states], {
    step,
    maxEvaluations: evaluations,
    tolerance: 1e-10,
  });
  for (let r = 0; r < restarts; r++) {
    const next = nelderMead(negative, best.x, {
      step: step.map((v) => v / (r + 2)),
      maxEvaluations: evaluations,
      tolerance: 1e-10,
    });
    const gain = best.value - next.value;
    if (next.value < best.value) best = next;
    if (!(gain > 1e-6)) break;
  }
  return decode(best.x);
}

/**
 * Fits `spec` to y (NaN = missing) by maximum likelihood (see the file comment). Without a multiplicative
 * season the initial states are solved for each candidate of the smoothing parameters (bestStates), so
 * Nelder–Mead searches at most 4 of them, from a few starts; with an M error every parameter is then
 * polished together. A multiplicative season starts from `start` (the fit with an additive season, its
 * seasonal states turned into ratios) or from the first season's ratios, and every parameter is searched.
 */
export function fitEts(spec: EtsSpec, y: ArrayLike<number>, start?: EtsParams): EtsFit {
  let params: EtsParams;
  if (spec.season !== 'mul') {
    const prefix = Math.min(y.length, Math.max(240, 10 * spec.m));
    const profile = (
      u: ArrayLike<number>,
      reweight: boolean,
      rows: number,
    ): { params: EtsParams; loglik: number } => {
      const { smoothing } = smoothingOf(spec, u);
      const best = bestStates(spec, smoothing, y, reweight, rows);
      return { params: { ...smoothing, ...statesOf(spec, best.states, 0) }, loglik: best.loglik };
    };
    const negative = (u: Float64Array): number => -profile(u, false, prefix).loglik;
    // a coarse grid over the smoothing parameters, then Nelder–Mead from the best few points: the
    // likelihood has local optima (a damped trend at φ's bound, or a season that takes the trend's work)
    const d = u0Size(spec);
    const grid = smoothingGrid(d).map((u) => ({ u, value: negative(Float64Array.from(u)) }));
    grid.sort((a, b) => a.value - b.value);
    let best: { x: Float64Array; value: number } | null = null;
    for (const g of grid.slice(0, 2)) {
      const r = nelderMead(negative, g.u, {
        step: new Array<number>(d).fill(1),
        maxEvaluations: 60 * d,
        tolerance: 1e-8 * Math.abs(g.value),
      });
      if (best === null || r.value < best.value) best = r;
    }
    if (prefix < y.length) {
      // the search solved the states on the first rows; refine with every row
      best = nelderMead((u) => -profile(u, false, y.length).loglik, best!.x, {
        step: new Array<number>(d).fill(0.3),
        maxEvaluations: 40 * d,
        tolerance: 1e-9 * Math.abs(best!.value),
      });
    }
    params = profile(best!.x, true, y.length).params;
    if (spec.error === 'mul') params = polish(spec, y, params, 40 * (u0Size(spec) + stateCount(spec)));
  } else {
    // from the additive season's fit as ratios when there is one, else from the first season's ratios
    const budget = 60 * (u0Size(spec) + stateCount(spec));
    const starts = start === undefined ? [ratioStart(spec, y)] : [start];
    let bestLoglik = -Infinity;
    params = starts[0];
    for (const s0 of starts) {
      const p = polish(spec, y, bestSmoothingFor(spec, y, s0), budget, 2);
      const l = etsLoglik(spec, p, y).loglik;
      if (l > bestLoglik) [params, bestLoglik] = [p, l];
    }
  }
  const { loglik, n } = etsLoglik(spec, params, y);
  if (!Number.isFinite(loglik)) {
    throw new SeqcastError('non-finite', `${etsName(spec)}: the fit found no finite likelihood`);
  }
  return { spec, params, loglik, n, aicc: etsAicc(spec, loglik, n) };
}

/**
 * The coarse grid of the smoothing parameters' u (α, β*, γ*, φ as they come): each at logistic levels
 * 0.007, 0.18, 0.82 and 0.993 of its range, φ (the fourth) at 0.81 and 0.97.
 */
function smoothingGrid(d: number): number[][] {
  const levels = [-5, -1.5, 1.5, 5];
  const sizes = Array.from({ length: d }, (_, j) => (j === 3 ? 2 : levels.length));
  const total = sizes.reduce((a, b) => a * b, 1);
  const out: number[][] = [];
  for (let g = 0; g < total; g++) {
    const u: number[] = [];
    for (let j = 0, c = g; j < d; c = Math.floor(c / sizes[j]), j++) {
      u.push(j === 3 ? [-3, 3][c % 2] : levels[c % sizes[j]]);
    }
    out.push(u);
  }
  return out;
}

/** The smoothing parameters of the grid point that fits best with `start`'s initial states held. */
function bestSmoothingFor(spec: EtsSpec, y: ArrayLike<number>, start: EtsParams): EtsParams {
  let best = start;
  let bestLoglik = etsLoglik(spec, start, y).loglik;
  for (const u of smoothingGrid(u0Size(spec))) {
    const p = { ...start, ...smoothingOf(spec, u).smoothing };
    const l = etsLoglik(spec, p, y).loglik;
    if (l > bestLoglik) [best, bestLoglik] = [p, l];
  }
  return best;
}

function u0Size(spec: EtsSpec): number {
  return (
    1 + (spec.trend !== 'none' ? 1 : 0) + (spec.season !== 'none' ? 1 : 0) + (spec.trend === 'damped' ? 1 : 0)
  );
}

/** A multiplicative season's start: the first season's mean as the level, its ratios as the season. */
function ratioStart(spec: EtsSpec, y: ArrayLike<number>): EtsParams {
  const known = Array.prototype.filter.call(y, (v: number) => !Number.isNaN(v)) as number[];
  const m = spec.m;
  const mean = (a: number[]): number => a.reduce((s, v) => s + v, 0) / a.length;
  const first = known.slice(0, m);
  const level = mean(first);
  const trend = spec.trend === 'none' ? 0 : (mean(known.slice(m, 2 * m)) - level) / m;
  // y_0 … y_{m−1} belong to s_{−m} … s_{−1}; s_{−m} is held at 1, so the level takes its ratio
  const ratios = first.map((v) => v / level);
  return {
    alpha: 0.2,
    beta: 0.02,
    gamma: 0.05,
    phi: 0.95,
    level: level * ratios[0],
    trend,
    season: ratios.map((r) => r / ratios[0]).reverse(),
  };
}

/** An additive season's fit as a start for the multiplicative one: s ↦ 1 + s / level, normalised to s_{−m} = 1. */
export function asRatios(p: EtsParams): EtsParams {
  return { ...p, season: p.season.map((s) => 1 + s / p.level) };
}

/**
 * The candidate models for a series: every error, trend (none, additive, damped) and season, multiplicative
 * components only for positive data, and a season only with two full seasons of data. Additive error with a
 * multiplicative season is among them, as statsmodels' ETSModel allows it (R's forecast::ets leaves it out
 * by default as numerically delicate); issue 18's reference figures were made with it.
 */
export function etsCandidates(y: ArrayLike<number>, m: number): EtsSpec[] {
  let positive = true;
  let known = 0;
  for (let i = 0; i < y.length; i++) {
    if (Number.isNaN(y[i])) continue;
    known += 1;
    if (!(y[i] > 0)) positive = false;
  }
  const seasons: EtsComponent[] = m >= 2 && known >= 2 * m ? ['none', 'add', 'mul'] : ['none'];
  const out: EtsSpec[] = [];
  for (const error of positive ? (['add', 'mul'] as const) : (['add'] as const)) {
    for (const trend of ['none', 'add', 'damped'] as const) {
      for (const season of seasons) {
        if (season === 'mul' && !positive) continue;
        out.push({ error, trend, season, m: season === 'none' ? 1 : m });
      }
    }
  }
  return out;
}

/** Fits every candidate and keeps the one with the lowest AICc (see etsCandidates). */
export function selectEts(y: ArrayLike<number>, m: number): EtsFit {
  let best: EtsFit | null = null;
  const additive = new Map<string, EtsParams>(); // the A-season fits, as starts for the M-season ones
  for (const spec of etsCandidates(y, m)) {
    const parameters = parameterCount(spec);
    let known = 0;
    for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i])) known += 1;
    if (known - parameters - 1 <= 0) continue; // AICc needs n > k + 1
    let fit: EtsFit;
    try {
      const start = additive.get(`${spec.error}${spec.trend}`);
      fit = fitEts(spec, y, spec.season === 'mul' && start !== undefined ? asRatios(start) : undefined);
      if (spec.season === 'add') additive.set(`${spec.error}${spec.trend}`, fit.params);
    } catch {
      continue; // a candidate without a finite likelihood is not a candidate
    }
    if (Number.isFinite(fit.aicc) && (best === null || fit.aicc < best.aicc)) best = fit;
  }
  if (best === null) {
    throw new SeqcastError(
      'shape',
      `autoETS: no model could be fitted to ${y.length} values; it needs at least 4 known values`,
    );
  }
  return best;
}
