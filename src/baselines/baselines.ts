/**
 * Baseline forecasters with the fit/predict shape of the neural models, working on the series' ORIGINAL
 * levels (not scaled, not differenced), so a report compares like with like.
 *
 * An origin t is an index into `series`: the history is y_0 .. y_{t−1} = series[0 .. t−1] and the forecasts
 * are for y_t .. y_{t+H−1}, steps h = 1..H. `predict` returns them row-major, [origins.length, H].
 *
 *     naive              ŷ_{t−1+h} = y_{t−1}                                   needs t ≥ 1
 *     seasonalNaive(m)   ŷ_{t−1+h} = y_{t−m+((h−1) mod m)}                      needs t ≥ m
 *     drift              ŷ_{t−1+h} = y_{t−1} + h · (y_{t−1} − y_0) / (t − 1)    needs t ≥ 2
 *     mean               ŷ_{t−1+h} = mean of the training series given to fit   needs fit first
 *     movingAverage(k)   ŷ_{t−1+h} = (y_{t−k} + … + y_{t−1}) / k                needs t ≥ k
 *
 * Only `mean` learns anything in `fit`; the others check the training series and keep nothing, because
 * their forecasts come from the history before each origin.
 *
 * NaN in a series is a missing value (a gap left by `fillGaps('mask')`): a forecast that reads one is NaN,
 * so the scoring leaves that origin out, and `mean` averages the known values. ±Infinity is an error.
 */
import { SeqcastError } from '../errors.js';

export interface Baseline {
  /** 'naive', 'seasonalNaive(12)', 'drift', 'mean', 'movingAverage(3)'. */
  readonly name: string;
  /** Fits on the training part of the series (original levels). */
  fit(train: ArrayLike<number>): this;
  /**
   * For each origin t (an index into `series`; the history is series[0 .. t−1]), the next `horizon` values:
   * row-major [origins.length, horizon].
   */
  predict(series: ArrayLike<number>, origins: ArrayLike<number>, horizon: number): Float64Array;
  /** What the fitted baseline is, when its name does not say it all ('ETS(A,Ad,M), α = 0.52, …'). */
  describe?(): string;
}

function checkValues(fn: string, arg: string, values: ArrayLike<number>, count: number): void {
  let known = 0;
  for (let i = 0; i < count; i++) {
    if (Number.isNaN(values[i])) continue; // missing: the forecasts that read it are NaN
    known += 1;
    if (!Number.isFinite(values[i])) {
      throw new SeqcastError(
        'non-finite',
        `${fn}: ${arg}[${i}] is ${values[i]}; baselines need finite values, or NaN for a missing one`,
      );
    }
  }
  if (count > 0 && known === 0) {
    throw new SeqcastError(
      'non-finite',
      `${fn}: every value of ${arg} is missing (NaN); fill the gaps (series.fillGaps('interpolate')) first`,
    );
  }
}

function checkPeriod(fn: string, arg: string, value: number, meaning: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new SeqcastError('config', `${fn}: ${arg} must be an integer ≥ 1, ${meaning} (got ${value})`);
  }
}

/** The shared checks and loop; a subclass gives the forecasts from one origin. */
abstract class HistoryBaseline implements Baseline {
  /**
   * @param name the baseline's name in reports
   * @param minOrigin the smallest origin t with enough history
   * @param historyNeed why, for the error message
   */
  constructor(
    readonly name: string,
    private readonly minOrigin: number,
    private readonly historyNeed: string,
  ) {}

  fit(train: ArrayLike<number>): this {
    const fn = `${this.name}.fit()`;
    if (train.length === 0) {
      throw new SeqcastError('shape', `${fn}: train is empty; pass the training part of the series`);
    }
    checkValues(fn, 'train', train, train.length);
    return this;
  }

  predict(series: ArrayLike<number>, origins: ArrayLike<number>, horizon: number): Float64Array {
    const fn = `${this.name}.predict()`;
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new SeqcastError(
        'config',
        `${fn}: horizon must be an integer ≥ 1, the number of steps to forecast from each origin (got ${horizon})`,
      );
    }
    let maxOrigin = 0;
    for (let o = 0; o < origins.length; o++) {
      const t = origins[o];
      if (!Number.isInteger(t) || t < 1 || t > series.length) {
        throw new SeqcastError(
          'config',
          `${fn}: origins[${o}] must be an integer in 1..${series.length} (the series length) (got ${t}); ` +
            `an origin t forecasts from the history series[0 .. t−1]`,
        );
      }
      if (t < this.minOrigin) {
        throw new SeqcastError(
          'config',
          `${fn}: origins[${o}] = ${t} leaves ${t} past value${t === 1 ? '' : 's'}, but ${this.name} needs ` +
            `t ≥ ${this.minOrigin} (${this.historyNeed}); start the origins at ${this.minOrigin} or later`,
        );
      }
      if (t > maxOrigin) maxOrigin = t;
    }
    checkValues(fn, 'series', series, maxOrigin);
    const out = new Float64Array(origins.length * horizon);
    for (let o = 0; o < origins.length; o++) {
      this.forecastFrom(series, origins[o], horizon, out, o * horizon);
    }
    return out;
  }

  /** Writes the forecasts for steps h = 1..horizon from origin t into out[offset .. offset + horizon − 1]. */
  protected abstract forecastFrom(
    series: ArrayLike<number>,
    t: number,
    horizon: number,
    out: Float64Array,
    offset: number,
  ): void;
}

class Naive extends HistoryBaseline {
  constructor() {
    super('naive', 1, 'at least one past value');
  }

  protected forecastFrom(
    series: ArrayLike<number>,
    t: number,
    horizon: number,
    out: Float64Array,
    offset: number,
  ) {
    out.fill(series[t - 1], offset, offset + horizon);
  }
}

class SeasonalNaive extends HistoryBaseline {
  constructor(private readonly m: number) {
    super(`seasonalNaive(${m})`, m, 'one full season of history');
  }

  protected forecastFrom(
    series: ArrayLike<number>,
    t: number,
    horizon: number,
    out: Float64Array,
    offset: number,
  ) {
    const m = this.m;
    for (let h = 1; h <= horizon; h++) out[offset + h - 1] = series[t - m + ((h - 1) % m)];
  }
}

class Drift extends HistoryBaseline {
  constructor() {
    super('drift', 2, 'two past values to draw the line from y_0 to y_{t−1}');
  }

  protected forecastFrom(
    series: ArrayLike<number>,
    t: number,
    horizon: number,
    out: Float64Array,
    offset: number,
  ) {
    const last = series[t - 1];
    const slope = (last - series[0]) / (t - 1);
    for (let h = 1; h <= horizon; h++) out[offset + h - 1] = last + h * slope;
  }
}

class Mean extends HistoryBaseline {
  private level: number | null = null;

  constructor() {
    super('mean', 1, 'an origin inside the series');
  }

  override fit(train: ArrayLike<number>): this {
    super.fit(train);
    let sum = 0;
    let known = 0;
    for (let i = 0; i < train.length; i++) {
      if (Number.isNaN(train[i])) continue;
      sum += train[i];
      known += 1;
    }
    this.level = sum / known;
    return this;
  }

  override predict(series: ArrayLike<number>, origins: ArrayLike<number>, horizon: number): Float64Array {
    if (this.level === null) {
      throw new SeqcastError(
        'state',
        `mean.predict(): call fit(train) first; mean forecasts the training series' mean`,
      );
    }
    return super.predict(series, origins, horizon);
  }

  protected forecastFrom(
    series: ArrayLike<number>,
    t: number,
    horizon: number,
    out: Float64Array,
    offset: number,
  ) {
    out.fill(this.level!, offset, offset + horizon);
  }
}

class MovingAverage extends HistoryBaseline {
  constructor(private readonly k: number) {
    super(`movingAverage(${k})`, k, `${k} past values to average`);
  }

  protected forecastFrom(
    series: ArrayLike<number>,
    t: number,
    horizon: number,
    out: Float64Array,
    offset: number,
  ) {
    let sum = 0;
    for (let i = t - this.k; i < t; i++) sum += series[i];
    out.fill(sum / this.k, offset, offset + horizon);
  }
}

/** Persistence: every step repeats the last observed value y_{t−1}. */
export function naive(): Baseline {
  return new Naive();
}

/** Repeats the last full season: step h gets y_{t−m+((h−1) mod m)}. Needs origins t ≥ m. */
export function seasonalNaive(m: number): Baseline {
  checkPeriod('seasonalNaive()', 'm', m, 'the season length (e.g. 12 for monthly data)');
  return new SeasonalNaive(m);
}

/** Extends the line from the first value y_0 through the last one y_{t−1}. Needs origins t ≥ 2. */
export function drift(): Baseline {
  return new Drift();
}

/** The mean of the training series, for every origin and step. Needs fit(train) before predict. */
export function mean(): Baseline {
  return new Mean();
}

/** The mean of the last k values y_{t−k} .. y_{t−1}, for every step. Needs origins t ≥ k. */
export function movingAverage(k: number): Baseline {
  checkPeriod('movingAverage()', 'k', k, 'the number of past values to average');
  return new MovingAverage(k);
}

/**
 * The baselines a forecast report compares against: naive, seasonalNaive(m) when m ≥ 2, drift and mean.
 * m is the season length (e.g. 12 for monthly data); leave it out, or pass 1, for non-seasonal data.
 */
export function defaultBaselines(m?: number): Baseline[] {
  if (m !== undefined)
    checkPeriod('defaultBaselines()', 'm', m, 'the season length (1 for non-seasonal data)');
  const list: Baseline[] = [naive()];
  if (m !== undefined && m >= 2) list.push(seasonalNaive(m));
  list.push(drift(), mean());
  return list;
}
