import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EtsParams, EtsSpec } from '../src/baselines/ets.js';
import { etsAicc, etsFilter, etsForecast } from '../src/baselines/ets.js';
import { selectEts, etsCandidates, fitEts } from '../src/baselines/ets-fit.js';
import { autoETS } from '../src/baselines/auto-ets.js';
import { nelderMead } from '../src/baselines/nelder-mead.js';
import { readCsv } from '../src/series/csv.js';

interface Case {
  series: string;
  spec: string;
  m: number;
  train: number;
  params: Record<string, number>;
  llf: number;
  aicc: number;
  onestep: number[];
  paths: { origin: number; forecast: number[] }[];
}
interface Fixture {
  generator: string;
  cases: Case[];
  auto: { series: string; spec: string; aicc: number; llf: number; rmse: number }[];
}

const ROOT = join(import.meta.dirname, '..');
const fixture = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/ets/statsmodels.json'), 'utf8')) as Fixture;
const FILES: Record<string, string> = {
  'air-passengers': 'datasets/air_passengers_monthly.csv',
  sunspots: 'datasets/sunspots_monthly.csv',
};
const values = (name: string): Float64Array => {
  const s = readCsv(readFileSync(join(ROOT, FILES[name]), 'utf8'));
  return s.column(s.names[0]);
};

/** 'MAdM' → the spec. */
function specOf(code: string, m: number): EtsSpec {
  const error = code[0] === 'A' ? 'add' : 'mul';
  const rest = code.slice(1);
  const trend = rest.startsWith('Ad') ? 'damped' : rest[0] === 'A' ? 'add' : 'none';
  const s = rest[rest.length - 1];
  const season = s === 'N' ? 'none' : s === 'A' ? 'add' : 'mul';
  return { error, trend, season, m: season === 'none' ? 1 : m };
}

/** statsmodels' parameter names → EtsParams. */
function paramsOf(c: Case, spec: EtsSpec): EtsParams {
  const p = c.params;
  return {
    alpha: p['smoothing_level'],
    beta: p['smoothing_trend'] ?? 0,
    gamma: p['smoothing_seasonal'] ?? 0,
    phi: p['damping_trend'] ?? 1,
    level: p['initial_level'],
    trend: p['initial_trend'] ?? 0,
    season:
      spec.season === 'none' ? [] : Array.from({ length: spec.m }, (_, j) => p[`initial_seasonal.${j}`]),
  };
}

const close = (actual: ArrayLike<number>, expected: ArrayLike<number>, relative: number): void => {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i])).toBeLessThanOrEqual(
      relative * Math.max(1, Math.abs(expected[i])),
    );
  }
};

describe(`ETS filter with statsmodels' fitted parameters (${fixture.generator})`, () => {
  for (const c of fixture.cases) {
    it(`etsFilter(ETS ${c.spec}, ${c.series}): one-step forecasts through the test part, ℓ and AICc of the fit`, () => {
      const y = values(c.series);
      const spec = specOf(c.spec, c.m);
      const params = paramsOf(c, spec);
      close(etsFilter(spec, params, y).fitted, c.onestep, 1e-9);
      const train = etsFilter(spec, params, y.subarray(0, c.train));
      expect(train.loglik).toBeCloseTo(c.llf, 6);
      expect(etsAicc(spec, train.loglik, train.n)).toBeCloseTo(c.aicc, 6);
      for (const p of c.paths) {
        close(etsForecast(spec, params, y, [p.origin], p.forecast.length), p.forecast, 1e-9);
      }
    });
  }
});

describe('ETS fitting by Nelder–Mead', () => {
  for (const c of fixture.cases) {
    it(`fitEts(ETS ${c.spec}, ${c.series}'s training part) reaches statsmodels' log-likelihood ${c.llf.toFixed(2)}`, () => {
      const y = values(c.series).subarray(0, c.train);
      const fit = fitEts(specOf(c.spec, c.m), y);
      // at least as likely as statsmodels' L-BFGS-B optimum, up to a small slack for a flat optimum
      expect(fit.loglik).toBeGreaterThan(c.llf - 0.05 * Math.max(1, Math.abs(c.llf) / 100));
    });
  }

  it('nelderMead(f, x0) finds the minimum of the Rosenbrock function', () => {
    const r = nelderMead((x) => 100 * (x[1] - x[0] ** 2) ** 2 + (1 - x[0]) ** 2, [-1.2, 1], {
      step: [0.5, 0.5],
      maxEvaluations: 2000,
      tolerance: 1e-14,
    });
    expect(r.x[0]).toBeCloseTo(1, 4);
    expect(r.x[1]).toBeCloseTo(1, 4);
  });
});

describe('AutoETS: the lowest AICc among the candidates', () => {
  it('etsCandidates has every error, trend and season, and no multiplicative model for data with zeros', () => {
    const names = (y: number[], m: number) =>
      etsCandidates(y, m).map((s) => `${s.error[0]}${s.trend[0]}${s.season[0]}`);
    const positive = Array.from({ length: 24 }, (_, i) => 10 + i);
    expect(names(positive, 12)).toHaveLength(18);
    expect(names(positive, 12)).toContain('anm');
    expect(names([0, ...positive], 12)).toEqual(['ann', 'ana', 'aan', 'aaa', 'adn', 'ada']);
    expect(names(positive.slice(0, 20), 12)).toEqual(['ann', 'aan', 'adn', 'mnn', 'man', 'mdn']);
  });

  for (const a of fixture.auto) {
    it(`selectEts(${a.series}) chooses a model at least as good by AICc as statsmodels' choice, ETS(${a.spec})`, () => {
      const c = fixture.cases.find((k) => k.series === a.series)!;
      const y = values(a.series);
      const fit = selectEts(y.subarray(0, c.train), 12);
      expect(fit.aicc).toBeLessThanOrEqual(a.aicc + 0.1);
    });
  }

  it('a missing value (NaN) moves the states on by the forecast and is left out of the likelihood', () => {
    const spec: EtsSpec = { error: 'add', trend: 'none', season: 'none', m: 1 };
    const p: EtsParams = { alpha: 0.5, beta: 0, gamma: 0, phi: 1, level: 10, trend: 0, season: [] };
    // l: 10 → (12: e = 2) 11 → (NaN: e = 0) 11 → (15: e = 4) 13
    const r = etsFilter(spec, p, [12, NaN, 15]);
    expect(Array.from(r.fitted)).toEqual([10, 11, 11]);
    expect(r.n).toBe(2);
    expect(r.loglik).toBeCloseTo(-(2 / 2) * (Math.log(2 * Math.PI * ((4 + 16) / 2)) + 1), 12);
    expect(Array.from(etsForecast(spec, p, [12, NaN, 15], [3], 2))).toEqual([13, 13]);
  });
});

describe('autoETS(m) as a baseline: fitted on the training part, held fixed through the test part', () => {
  const y = values('air-passengers');
  const n = 115;
  const chosen = selectEts(y.subarray(0, n), 12);
  const b = autoETS(12).fit(y.subarray(0, n));

  it('predict(series, origins, h) forecasts h steps from the state filtered through every value before each origin', () => {
    const origins = [n, n + 1, n + 10];
    expect(Array.from(b.predict(y, origins, 3))).toEqual(
      Array.from(etsForecast(chosen.spec, chosen.params, y, origins, 3)),
    );
    expect(b.describe!()).toMatch(
      /^ETS\(A,A,M\) \(α [\d.]+, β [\d.]+, γ [\d.]+; AICc 825\.9\), chosen on the training part/,
    );
  });

  it('the test part moves the states, never the parameters: a changed test value changes only later forecasts', () => {
    const changed = Float64Array.from(y);
    changed[n + 3] *= 1.5;
    const before = b.predict(y, [n + 3, n + 4], 1);
    const after = b.predict(changed, [n + 3, n + 4], 1);
    expect(after[0]).toBe(before[0]); // the forecast of row n + 3 reads rows before it
    expect(after[1]).not.toBe(before[1]); // row n + 4's reads the changed value through the filter
    // refitting on the same training part (the test part changed) gives the same model
    expect(autoETS(12).fit(changed.subarray(0, n)).describe!()).toBe(b.describe!());
  });

  it('predict before fit, and a training part that is too short, are errors that say so', () => {
    expect(() => autoETS(12).predict(y, [3], 1)).toThrow(/autoETS\.predict\(\): call fit\(train\) first/);
    expect(() => autoETS(1).fit([1, 2, 3])).toThrow(/train has 3 known values; ETS needs at least 6/);
    expect(() => autoETS(0)).toThrow(/m must be an integer ≥ 1/);
  });
});
