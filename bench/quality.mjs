// Forecast quality on the bundled datasets: mean and spread over 5 seeds of the configurations stated in
// the forecasting-workflow issue, each beside its baselines. One JSON line per experiment on stdout; a
// readable table on stderr. Run after `npm run build`:
//   npm run --silent bench:quality [-- --seeds 5 --only sp500-recommended --epochs N]
// --epochs overrides every experiment's epochs (a quick check; the figures of bench/README.md use none).
// The S&P 500 file is not bundled: it is found by seqcast's dataset resolver (SEQCAST_DATA_DIR or the shared
// data folder beside the repository); without it the S&P experiments are skipped with a line on stderr.
import { Forecaster } from '../dist/index.js';
import { datasetAvailable, loadDataset } from '../dist/node.js';

const args = process.argv.slice(2);
const seedCount = Number(arg('--seeds') ?? 5);
const only = arg('--only');
const epochs = arg('--epochs') === undefined ? undefined : Number(arg('--epochs'));

function arg(name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function dataset(name, slice) {
  const series = loadDataset(name, { missing: 'error' });
  return slice ? series.slice(slice) : series;
}

const common = { trainFraction: 0.8, training: { epochs: 40, batchSize: 32, learningRate: 0.001 } };
const sp500 = () => dataset('sp500', { from: '1950-01-01', to: '2026-05-01' });
const EXPERIMENTS = [
  {
    id: 'sp500-tutorial',
    what: 'S&P 500 1950-01..2026-05, window 12, MinMax on levels, SimpleRNN(32) (the tutorial pipeline)',
    series: sp500,
    needs: 'sp500',
    config: {
      ...common,
      window: 12,
      transform: 'none',
      scaler: 'minMax',
      model: { kind: 'simpleRNN', units: 32 },
    },
    target: null,
  },
  {
    id: 'sp500-recommended',
    what: 'S&P 500 1950-01..2026-05, window 12, log-difference + standard scaling, SimpleRNN(32)',
    series: sp500,
    needs: 'sp500',
    config: {
      ...common,
      window: 12,
      transform: 'logDiff',
      scaler: 'standard',
      model: { kind: 'simpleRNN', units: 32 },
    },
    target: { rmse: 122, against: 'naive' },
  },
  {
    id: 'sunspots',
    what: 'monthly sunspots, window 24, MinMax on levels, LSTM(32)',
    series: () => dataset('sunspots'),
    config: {
      ...common,
      window: 24,
      transform: 'none',
      scaler: 'minMax',
      model: { kind: 'lstm', units: 32 },
    },
    target: { rmse: 19.2, against: 'naive' },
  },
  {
    id: 'air-passengers',
    what: 'air passengers, window 12, log-difference + standard scaling, LSTM(32), 200 epochs',
    series: () => dataset('air-passengers'),
    config: {
      ...common,
      window: 12,
      transform: 'logDiff',
      scaler: 'standard',
      model: { kind: 'lstm', units: 32 },
      training: { ...common.training, epochs: 200 },
    },
    target: { rmse: 21, against: 'seasonalNaive(12)' },
  },
];

const stats = (xs) => {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, xs.length - 1));
  return { mean: m, sd, min: Math.min(...xs), max: Math.max(...xs) };
};

for (const ex of EXPERIMENTS) {
  if (only !== undefined && ex.id !== only) continue;
  if (ex.needs !== undefined && !datasetAvailable(ex.needs)) {
    process.stderr.write(
      `${ex.id}: skipped, the dataset '${ex.needs}' is not available (set SEQCAST_DATA_DIR)\n`,
    );
    continue;
  }
  const series = ex.series();
  const runs = [];
  for (let s = 0; s < seedCount; s++) {
    const seed = 1 + s;
    const t0 = performance.now();
    const training = { ...ex.config.training, seed, ...(epochs !== undefined ? { epochs } : {}) };
    const f = await Forecaster.fit(series, { ...ex.config, training });
    const fitS = (performance.now() - t0) / 1000;
    const e = f.evaluate(series);
    runs.push({ seed, rmse: e.metrics.model.rmse, mae: e.metrics.model.mae, fitS, e });
    process.stderr.write(
      `${ex.id} seed ${seed}: RMSE ${e.metrics.model.rmse.toFixed(2)} MAE ${e.metrics.model.mae.toFixed(2)} (${fitS.toFixed(1)} s)\n`,
    );
  }
  const last = runs[runs.length - 1].e;
  const baselines = Object.fromEntries(
    Object.entries(last.metrics.baselines).map(([k, v]) => [k, { rmse: v.rmse, mae: v.mae }]),
  );
  const rmse = stats(runs.map((r) => r.rmse));
  const line = {
    format: 'seqcast-quality/1',
    experiment: ex.id,
    description: ex.what,
    seeds: runs.map((r) => r.seed),
    test_points: last.actual.length,
    rmse,
    mae: stats(runs.map((r) => r.mae)),
    baselines,
    verdict: last.verdict,
    warnings: last.warnings.map((w) => w.kind),
    target: ex.target,
    met: ex.target === null ? null : rmse.mean <= ex.target.rmse,
    fit_s: stats(runs.map((r) => r.fitS)),
  };
  process.stdout.write(`${JSON.stringify(line)}\n`);
  process.stderr.write(
    `${ex.id}: RMSE ${rmse.mean.toFixed(2)} ± ${rmse.sd.toFixed(2)} (min ${rmse.min.toFixed(2)}, max ${rmse.max.toFixed(2)}); ` +
      `naive ${baselines.naive.rmse.toFixed(2)}` +
      (baselines['seasonalNaive(12)']
        ? `, seasonal naive ${baselines['seasonalNaive(12)'].rmse.toFixed(2)}`
        : '') +
      (ex.target ? `; target ≤ ${ex.target.rmse}: ${line.met ? 'met' : 'MISSED'}` : '') +
      `\n\n`,
  );
}
