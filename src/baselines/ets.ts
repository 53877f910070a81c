/**
 * Exponential smoothing state-space models, ETS(error, trend, season) after Hyndman et al., "Forecasting
 * with Exponential Smoothing" (2008), as statsmodels' ETSModel writes them: error additive (A) or
 * multiplicative (M); trend none (N), additive (A) or additive damped (Ad); season none, additive or
 * multiplicative, of length m. With the state (l, b, s) after y_{t−1}:
 *
 *     B = φ b (damped) | b (A) | 0 (N)        L = l + B        S = s_{t−m} (1 for M season, 0 for A / N)
 *     ŷ_t = L ∘ S   (∘ = + for an additive season, · for a multiplicative one)
 *     e_t = y_t − ŷ_t (A error)   |   (y_t − ŷ_t) / ŷ_t (M error)
 *     A error: l = L + α κ e,  b = B + β κ e,  s_t = S + γ e             κ = 1 / S for an M season, else 1
 *     M error: l = L + α (L + κ) e,  b = B + β (B + κ + l_{t−1}) e,  s_t = S + γ (S + L) e
 *              κ = S for an additive season, else 0 (then l = L (1 + α e))
 *     M season, either error: s_t = γ* y_t / l_t + (1 − γ*) S,  γ* = γ / (1 − α)
 *
 * The last line is statsmodels' smoothing form (Holt–Winters'), which it uses for every model; for the
 * other components it equals the state-space form above exactly, for a multiplicative season to first
 * order in e (Hyndman et al. write S (1 + γ e) there). seqcast follows statsmodels, so the two agree.
 *
 * A missing y_t (NaN, a masked gap) has no error: the states move on by the forecast (e = 0).
 *
 * Log-likelihood (statsmodels' concentrated form), over the n known values:
 *     ℓ = −n/2 · (ln(2π · mean(e²)) + 1) − [M error] Σ ln ŷ_t
 * (mean(e²) is floored at 1e−300, so an exact fit has a finite, very high ℓ.)
 * AICc = −2ℓ + 2k + 2k(k + 1)/(n − k − 1), k = the smoothing parameters + the initial states (m of them for
 * the season) + 1 for the variance, as statsmodels counts them.
 *
 * The oldest initial seasonal s_{−m} is held at 0 (A) or 1 (M), as statsmodels does, which makes the model
 * identifiable (ets-fit.ts fits the rest). Forecasts h steps after the state at t (history y_0 … y_{t−1}):
 *     ŷ_{t−1+h} = (l + φ_h b) ∘ s_{t−m+((h−1) mod m)},  φ_h = φ + φ² + … + φ^h (damped), h (A), 0 (N)
 */

export type EtsComponent = 'none' | 'add' | 'mul';

export interface EtsSpec {
  readonly error: 'add' | 'mul';
  readonly trend: 'none' | 'add' | 'damped';
  readonly season: EtsComponent;
  /** Season length (1 when there is no season). */
  readonly m: number;
}

export interface EtsParams {
  readonly alpha: number;
  readonly beta: number;
  readonly gamma: number;
  readonly phi: number;
  /** l_{−1}, b_{−1} and the seasonal states s_{−1}, s_{−2}, …, s_{−m} (statsmodels' initial_seasonal.0 …). */
  readonly level: number;
  readonly trend: number;
  readonly season: readonly number[];
}

export interface EtsFit {
  readonly spec: EtsSpec;
  readonly params: EtsParams;
  readonly loglik: number;
  readonly aicc: number;
  /** Known values fitted on. */
  readonly n: number;
}

/** 'ETS(M,Ad,M)'. */
export function etsName(spec: EtsSpec): string {
  const t = { none: 'N', add: 'A', damped: 'Ad' }[spec.trend];
  const s = { none: 'N', add: 'A', mul: 'M' }[spec.season];
  return `ETS(${spec.error === 'add' ? 'A' : 'M'},${t},${s})`;
}

/** The state after some observations: level, trend, and the last m seasonal states, oldest first. */
interface State {
  level: number;
  trend: number;
  /** ring[pos] = s_{t−m}, the seasonal state the next step uses; ring[(pos + j) mod m] = s_{t−m+j}. */
  ring: Float64Array;
  pos: number;
}

function initialState(spec: EtsSpec, p: EtsParams): State {
  const m = spec.season === 'none' ? 1 : spec.m;
  const ring = new Float64Array(m);
  // season = [s_{−1}, …, s_{−m}]: ring[0] = s_{−m} (used first), ring[m−1] = s_{−1}
  if (spec.season === 'none') ring[0] = 0;
  else for (let k = 0; k < m; k++) ring[k] = p.season[m - 1 - k];
  return { level: p.level, trend: spec.trend === 'none' ? 0 : p.trend, ring, pos: 0 };
}

/**
 * Runs the model with fixed parameters through y (NaN = missing), calling `onStep(t, state)` BEFORE y_t is
 * seen (so the state holds y_0 … y_{t−1}), for t = 0 … y.length (the last call after every value). Returns
 * the log-likelihood over the known values, and their count.
 */
function run(
  spec: EtsSpec,
  p: EtsParams,
  y: ArrayLike<number>,
  fitted: Float64Array | null,
  onStep: ((t: number, state: State) => void) | null,
): { loglik: number; n: number } {
  const st = initialState(spec, p);
  const { alpha, beta, gamma } = p;
  const phi = spec.trend === 'damped' ? p.phi : 1;
  const hasTrend = spec.trend !== 'none';
  const hasSeason = spec.season !== 'none';
  const addSeason = spec.season === 'add';
  const mulSeason = spec.season === 'mul';
  const mulError = spec.error === 'mul';
  const gammaStar = gamma / (1 - alpha);
  const ring = st.ring;
  const m = ring.length;
  let level = st.level;
  let trend = st.trend;
  let pos = 0;
  let sse = 0;
  let logs = 0;
  let n = 0;
  for (let t = 0; t < y.length; t++) {
    if (onStep !== null) {
      st.level = level;
      st.trend = trend;
      st.pos = pos;
      onStep(t, st);
    }
    const B = hasTrend ? phi * trend : 0;
    const L = level + B;
    const S = hasSeason ? ring[pos] : 0;
    const yhat = mulSeason ? L * S : L + S;
    if (fitted !== null) fitted[t] = yhat;
    const v = y[t];
    let e = 0;
    if (v === v) {
      // known (NaN !== NaN)
      e = mulError ? (v - yhat) / yhat : v - yhat;
      sse += e * e;
      if (mulError) logs += Math.log(yhat > 0 ? yhat : 1 / (1e-8 * (1 + Math.abs(yhat))));
      n += 1;
    }
    let season: number;
    const previous = level;
    if (mulError) {
      const kappa = addSeason ? S : 0;
      level = L + alpha * (L + kappa) * e;
      trend = B + beta * (B + kappa + previous) * e;
      season = S + gamma * (S + (addSeason ? L : 0)) * e;
    } else {
      const kappa = mulSeason ? 1 / S : 1;
      level = L + alpha * kappa * e;
      trend = B + beta * kappa * e;
      season = S + gamma * e;
    }
    if (mulSeason) {
      // statsmodels' (Holt–Winters') update: the value over the NEW level, γ* = γ / (1 − α)
      season = gammaStar * ((v === v ? v : yhat) / level) + (1 - gammaStar) * S;
    }
    if (hasSeason) {
      ring[pos] = season;
      pos = pos + 1 === m ? 0 : pos + 1;
    }
  }
  if (onStep !== null) {
    st.level = level;
    st.trend = trend;
    st.pos = pos;
    onStep(y.length, st);
  }
  const loglik =
    n === 0 ? Number.NaN : (-n / 2) * (Math.log(2 * Math.PI * Math.max(sse / n, 1e-300)) + 1) - logs;
  return { loglik, n };
}

/** The log-likelihood of y (NaN = missing) with fixed parameters. */
export function etsLoglik(
  spec: EtsSpec,
  params: EtsParams,
  y: ArrayLike<number>,
): { loglik: number; n: number } {
  return run(spec, params, y, null, null);
}

/** The one-step forecasts ŷ_t of every t (parameters fixed) and the log-likelihood. */
export function etsFilter(
  spec: EtsSpec,
  params: EtsParams,
  y: ArrayLike<number>,
): { fitted: Float64Array; loglik: number; n: number } {
  const fitted = new Float64Array(y.length);
  return { fitted, ...run(spec, params, y, fitted, null) };
}

/**
 * For each origin t (history y_0 … y_{t−1}, parameters fixed), the forecasts of steps 1 … horizon:
 * row-major [origins.length, horizon].
 */
export function etsForecast(
  spec: EtsSpec,
  params: EtsParams,
  y: ArrayLike<number>,
  origins: ArrayLike<number>,
  horizon: number,
): Float64Array {
  const out = new Float64Array(origins.length * horizon);
  let last = 0;
  const at = new Map<number, number[]>();
  for (let o = 0; o < origins.length; o++) {
    const t = origins[o];
    at.set(t, [...(at.get(t) ?? []), o]);
    if (t > last) last = t;
  }
  const phi = spec.trend === 'damped' ? params.phi : 1;
  run(spec, params, Array.prototype.slice.call(y, 0, last) as number[], null, (t, st) => {
    const rows = at.get(t);
    if (rows === undefined) return;
    const m = st.ring.length;
    let damp = 0;
    let power = 1;
    for (let h = 1; h <= horizon; h++) {
      power *= phi;
      damp += spec.trend === 'damped' ? power : 1;
      const L = st.level + (spec.trend === 'none' ? 0 : damp * st.trend);
      const S = spec.season === 'none' ? 0 : st.ring[(st.pos + ((h - 1) % m)) % m];
      const v = spec.season === 'mul' ? L * S : L + S;
      for (const o of rows) out[o * horizon + h - 1] = v;
    }
  });
  return out;
}

export function parameterCount(spec: EtsSpec): number {
  const smoothing = 1 + (spec.trend !== 'none' ? 1 : 0) + (spec.season !== 'none' ? 1 : 0);
  const damping = spec.trend === 'damped' ? 1 : 0;
  const states = 1 + (spec.trend !== 'none' ? 1 : 0) + (spec.season !== 'none' ? spec.m : 0);
  return smoothing + damping + states + 1;
}

/** AICc of a log-likelihood ℓ over n values for `spec`'s parameter count (statsmodels' count). */
export function etsAicc(spec: EtsSpec, loglik: number, n: number): number {
  const k = parameterCount(spec);
  return -2 * loglik + 2 * k + (2 * k * (k + 1)) / (n - k - 1);
}
