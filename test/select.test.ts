import { describe, expect, it } from 'vitest';
import { combinePaths, pathScores } from '../src/forecast/combination.js';
import { Forecaster } from '../src/forecast/forecaster.js';
import type { Candidate } from '../src/forecast/select.js';
import { chooseWinner, noRoomForValidation, recommend } from '../src/forecast/select.js';
import { Series } from '../src/series/series.js';

/** A monthly series with trend, season and seeded noise, `n` rows from 2000-01. */
function monthly(n: number, seed = 3, noise = 4): Series {
  let a = seed;
  const u = (): number => {
    a = (a * 1103515245 + 12345) % 2147483648;
    return a / 2147483648;
  };
  const dates: string[] = [];
  const v: number[] = [];
  for (let t = 0; t < n; t++) {
    dates.push(`${2000 + Math.floor(t / 12)}-${String((t % 12) + 1).padStart(2, '0')}-01`);
    v.push(100 + 0.8 * t + 15 * Math.sin((2 * Math.PI * t) / 12) + noise * (u() - 0.5));
  }
  return Series.fromColumns({ index: dates, columns: { y: v } });
}

const quick = { training: { epochs: 3, seed: 7 } };

describe('recommend(): the choice is made on validation, never on the test part', () => {
  it('rewriting the test part leaves the choice, the weights and the validation scores unchanged', async () => {
    const s = monthly(130);
    const labels = s.labels();
    const split = Math.floor(0.8 * s.length);
    const v = s.column('y');
    const changed = Series.fromColumns({
      index: labels,
      columns: { y: Array.from(v, (x, i) => (i >= split ? x * 3 + 1000 : x)) },
    });
    const a = await recommend(s, quick);
    const b = await recommend(changed, quick);
    expect(b.selection.candidates.map((c) => [c.name, c.validation])).toEqual(
      a.selection.candidates.map((c) => [c.name, c.validation]),
    );
    expect(b.selection.winner.name).toBe(a.selection.winner.name);
    expect(b.intervals.halfWidths).toEqual(a.intervals.halfWidths);
    expect(Array.from(b.forecaster.model.getWeights()[0].data)).toEqual(
      Array.from(a.forecaster.model.getWeights()[0].data),
    );
    expect(b.selection.validation.to).toBe(labels[split - 1]);
    // the test scores do change: they are the test part's
    expect(b.test.metrics.rmse).not.toBe(a.test.metrics.rmse);
  });

  it('the refitted network trains bit-identically to Forecaster.fit with the same configuration', async () => {
    const s = monthly(130);
    const r = await recommend(s, {
      ...quick,
      window: 12,
      transform: 'diff',
      model: { kind: 'gru', units: 8 },
    });
    const f = await Forecaster.fit(s, {
      ...quick,
      window: 12,
      transform: 'diff',
      model: { kind: 'gru', units: 8 },
    });
    expect(r.forecaster.model.getWeights().map((w) => Array.from(w.data))).toEqual(
      f.model.getWeights().map((w) => Array.from(w.data)),
    );
    expect(r.evaluation.metrics).toEqual(f.evaluate(s).metrics);
  });
});

describe('recommend(): what the search tries', () => {
  it('searches one variation of each open choice, beside every baseline and the combination', async () => {
    const r = await recommend(monthly(130), quick);
    const nets = r.selection.candidates.filter((c) => c.kind === 'network').map((c) => c.name);
    expect(nets).toEqual([
      'simpleRNN(32), window 12, logDiff',
      'simpleRNN(32), window 12, diff',
      'simpleRNN(32), window 24, logDiff',
      'gru(32), window 12, logDiff',
      'simpleRNN(16), window 12, logDiff',
    ]);
    expect(r.selection.searched).toEqual(['transform', 'window', 'model kind', 'units']);
    const baselines = r.selection.candidates.filter((c) => c.kind === 'baseline').map((c) => c.name);
    expect(baselines).toEqual(['naive', 'seasonalNaive(12)', 'drift', 'mean', 'autoETS']);
    expect(r.selection.candidates.filter((c) => c.kind === 'combination')).toHaveLength(1);
  });

  it('flags fix choices: --model lstm --window 24 leaves only transform and units searched', async () => {
    const r = await recommend(monthly(130), { ...quick, model: { kind: 'lstm' }, window: 24 });
    const nets = r.selection.candidates.filter((c) => c.kind === 'network').map((c) => c.name);
    expect(nets).toEqual([
      'lstm(32), window 24, logDiff',
      'lstm(32), window 24, diff',
      'lstm(16), window 24, logDiff',
    ]);
    expect(r.selection.fixed).toEqual(['window', 'model kind']);
    expect(r.forecaster.config.model.kind).toBe('lstm');
    expect(r.forecaster.config.window).toBe(24);
  });

  it('search: false tries the configuration alone (beside the baselines and the combination)', async () => {
    const r = await recommend(monthly(130), { ...quick }, { search: false });
    expect(r.selection.candidates.filter((c) => c.kind === 'network')).toHaveLength(1);
    expect(r.selection.searched).toEqual([]);
  });

  it("the combination's validation score is that of the mean path, computed by hand", async () => {
    const s = monthly(130);
    const r = await recommend(s, quick, { search: false });
    const labels = s.labels();
    const split = Math.floor(0.8 * s.length);
    const part = s.slice({ to: labels[split - 1] });
    const f = await Forecaster.fit(part, { ...quick, splitDate: r.selection.validation.from });
    const p = f.evaluate(part).paths;
    const mean = combinePaths(p.model, p.baselines[r.selection.bestBaseline.name], 0.5);
    const combo = r.selection.candidates.find((c) => c.kind === 'combination')!;
    expect(combo.validation.rmse).toBeCloseTo(pathScores(p.actual, mean, 1, p.scale).overall.rmse, 10);
    expect(combo.name).toBe(`mean of ${r.selection.bestNetwork.name} and ${r.selection.bestBaseline.name}`);
  });

  it('chooseWinner() takes the combination when it is best on validation, a baseline on a tie', () => {
    const c = (name: string, kind: Candidate['kind'], rmse: number): Candidate => ({
      name,
      kind,
      validation: { rmse, mae: rmse, mape: null, mapeSkipped: 0, smape: 0, mase: null },
    });
    expect(
      chooseWinner(c('net', 'network', 10), c('ets', 'baseline', 11), c('mix', 'combination', 9)).name,
    ).toBe('mix');
    expect(
      chooseWinner(c('net', 'network', 8), c('ets', 'baseline', 11), c('mix', 'combination', 9)).name,
    ).toBe('net');
    expect(
      chooseWinner(c('net', 'network', 9), c('ets', 'baseline', 9), c('mix', 'combination', 9)).name,
    ).toBe('ets');
  });

  it('when a baseline wins on validation it is the recommended pipeline, scored as that baseline on the test part', async () => {
    // a pure season with almost no noise: seasonal naive is nearly exact; a 1-epoch network is not
    const s = monthly(130, 5, 0.01);
    const r = await recommend(s, { training: { epochs: 1, seed: 1 }, transform: 'none' }, { search: false });
    expect(r.selection.winner.kind).toBe('baseline');
    expect(r.test.metrics.rmse).toBeCloseTo(r.evaluation.metrics.baselines[r.selection.winner.name].rmse, 10);
    expect(r.selection.reason).toMatch(
      /the baseline .* won on validation, so the recommended pipeline is that baseline/,
    );
  });

  it('intervals cover the future forecast and are calibrated per horizon', async () => {
    const r = await recommend(monthly(160), { ...quick, horizon: 3 }, { search: false });
    expect(r.intervals.halfWidths).toHaveLength(2);
    expect(r.intervals.halfWidths[0]).toHaveLength(3);
    expect(r.future.values).toHaveLength(3);
    for (const b of r.future.bands) {
      for (let h = 0; h < 3; h++) {
        expect(b.lower[h]).toBeLessThan(r.future.values[h]);
        expect(b.upper[h]).toBeGreaterThan(r.future.values[h]);
      }
    }
    // 95 % is wider than 80 % at every horizon
    for (let h = 0; h < 3; h++)
      expect(r.intervals.halfWidths[1][h]).toBeGreaterThan(r.intervals.halfWidths[0][h]);
    expect(r.test.intervals[0].horizons).toHaveLength(3);
  });

  it('refuses a training part too short to hold a validation part', async () => {
    await expect(recommend(monthly(50), quick)).rejects.toThrow(
      /too few for a window of 12; .*fit without the validation part \(Forecaster\.fit\)/,
    );
    // noRoomForValidation() says so before any training, and the 80 % level alone needs fewer rows
    expect(noRoomForValidation(monthly(50), quick)).toMatch(/^the training part has 40 rows; /);
    expect(noRoomForValidation(monthly(60), quick, { levels: [0.8] })).toBeNull();
    expect(noRoomForValidation(monthly(200), quick)).toBeNull();
  });
});
