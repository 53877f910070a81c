/**
 * AutoETS as a baseline: `fit(train)` chooses and fits an ETS model on the training part only (the lowest
 * AICc, ets-fit.ts); `predict(series, origins, h)` runs it through the series with those parameters held
 * fixed — the states filtered through every value before each origin, nothing re-estimated — and forecasts
 * h steps from the state at each origin. `series` must begin where `train` began (series[0] = train[0]),
 * as the evaluation and the backtest pass it.
 *
 * Fits are remembered (by season length and the training values' bytes), so scoring two pipelines on the
 * same training part, as the demo does, fits once.
 */
import { SeqcastError } from '../errors.js';
import type { Baseline } from './baselines.js';
import type { EtsFit, EtsSpec } from './ets.js';
import { etsForecast, etsName } from './ets.js';
import { fitEts, selectEts } from './ets-fit.js';

const remembered = new Map<string, EtsFit>();
const REMEMBERED = 16;

function key(train: ArrayLike<number>, m: number): string {
  const v = Float64Array.from(train);
  let h = 2166136261;
  const bytes = new Uint8Array(v.buffer);
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 16777619);
  return `${m}:${v.length}:${h >>> 0}:${v[0]}:${v[v.length - 1]}`;
}

/** AutoETS as a Baseline, with the model it fitted. */
export interface AutoEtsBaseline extends Baseline {
  /** The chosen model and its parameters; null before fit. */
  readonly fitted: EtsFit | null;
}

class AutoEts implements AutoEtsBaseline {
  readonly name = 'autoETS';
  fitted: EtsFit | null = null;

  constructor(
    private readonly m: number,
    private readonly spec: EtsSpec | null,
  ) {}

  fit(train: ArrayLike<number>): this {
    let known = 0;
    for (let i = 0; i < train.length; i++) {
      const v = train[i];
      if (Number.isNaN(v)) continue;
      if (!Number.isFinite(v)) {
        throw new SeqcastError(
          'non-finite',
          `autoETS.fit(): train[${i}] is ${v}; baselines need finite values, or NaN for a missing one`,
        );
      }
      known += 1;
    }
    if (known < MIN_TRAIN) {
      throw new SeqcastError(
        'shape',
        `autoETS.fit(): train has ${known} known values; ETS needs at least ${MIN_TRAIN}`,
      );
    }
    const k = `${key(train, this.m)}:${this.spec === null ? 'auto' : etsName(this.spec)}`;
    let fit = remembered.get(k);
    if (fit === undefined) {
      fit = this.spec === null ? selectEts(train, this.m) : fitEts(this.spec, train);
      if (remembered.size >= REMEMBERED) remembered.delete(remembered.keys().next().value!);
      remembered.set(k, fit);
    }
    this.fitted = fit;
    return this;
  }

  predict(series: ArrayLike<number>, origins: ArrayLike<number>, horizon: number): Float64Array {
    const f = this.fitted;
    if (f === null) {
      throw new SeqcastError('state', 'autoETS.predict(): call fit(train) first; it chooses the model');
    }
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new SeqcastError('config', `autoETS.predict(): horizon must be an integer ≥ 1 (got ${horizon})`);
    }
    for (let o = 0; o < origins.length; o++) {
      const t = origins[o];
      if (!Number.isInteger(t) || t < 1 || t > series.length) {
        throw new SeqcastError(
          'config',
          `autoETS.predict(): origins[${o}] must be an integer in 1..${series.length} (got ${t})`,
        );
      }
    }
    return etsForecast(f.spec, f.params, series, origins, horizon);
  }

  describe(): string {
    const f = this.fitted;
    if (f === null) return 'AutoETS (not fitted)';
    const p = f.params;
    const parts = [`α ${p.alpha.toFixed(3)}`];
    if (f.spec.trend !== 'none') parts.push(`β ${p.beta.toFixed(3)}`);
    if (f.spec.season !== 'none') parts.push(`γ ${p.gamma.toFixed(3)}`);
    if (f.spec.trend === 'damped') parts.push(`φ ${p.phi.toFixed(3)}`);
    return `${etsName(f.spec)} (${parts.join(', ')}; AICc ${f.aicc.toFixed(1)}), chosen on the training part, parameters held fixed through the test part`;
  }
}

/** The fewest known training values AutoETS fits on. */
export const MIN_TRAIN = 6;

/**
 * AutoETS with season length m (1: no season): the ETS model with the lowest AICc on the training part,
 * run through the rest with its parameters held fixed. With `options.spec`, that model only (its
 * parameters estimated on the training part): what a backtest refits after choosing once.
 */
export function autoETS(m = 1, options: { readonly spec?: EtsSpec } = {}): AutoEtsBaseline {
  if (!Number.isInteger(m) || m < 1) {
    throw new SeqcastError('config', `autoETS(): m must be an integer ≥ 1, the season length (got ${m})`);
  }
  return new AutoEts(m, options.spec ?? null);
}
