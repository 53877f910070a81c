// Example 1: a first look at the monthly S&P 500, the series every later example forecasts.
// It prints the size, the dates and the price range, writes a log-scale plot, shows yearly means and the
// average monthly change, and builds the 12-month windows a recurrent layer reads.
//
//   npm run build && npm run --silent example -- 1
//
// Files go to $SEQCAST_EXAMPLE_OUT (default examples/output). Nothing here trains, so SEQCAST_QUICK changes
// nothing. The S&P 500 file is not bundled: without it (SEQCAST_DATA_DIR) the example says so and stops.
import { mkdirSync, readFileSync } from 'node:fs';
import {
  alignment,
  formatAlignment,
  formatShape,
  makeWindows,
  pctChange,
  readCsv,
  seriesPlotSpec,
} from 'seqcast';
import { datasetAvailable, datasetPath, writePlot } from 'seqcast/node';

const outDir = process.env.SEQCAST_EXAMPLE_OUT ?? 'examples/output';
mkdirSync(outDir, { recursive: true });

if (!datasetAvailable('sp500')) {
  console.log(
    'This example needs the S&P 500 file sp500_monthly.csv, which is not bundled with seqcast: set ' +
      'SEQCAST_DATA_DIR to a folder holding it (datasets/README.md says where it comes from). Skipped.',
  );
  process.exit(0);
}

// ── 1. Load the data ───────────────────────────────────────────────────────────────────────────────────
// The file (not bundled: datasetPath finds it in SEQCAST_DATA_DIR or the shared data folder) starts in 1871 and runs a month past the tutorial's data; slicing to 1950-01 .. 2026-05
// gives exactly the tutorial's 917 rows.
const all = readCsv(readFileSync(datasetPath('sp500'), 'utf8'), { source: 'sp500_monthly.csv' });
const sp500 = all.slice({ from: '1950-01-01', to: '2026-05-01' });
const prices = sp500.column('price');
const labels = sp500.labels();

console.log(`The bundled file has ${all.length} rows (${all.label(0)} .. ${all.label(all.length - 1)}).`);
console.log(
  `Sliced to the tutorial's period: ${sp500.length} rows × 2 columns (date, ${sp500.names.join(', ')})`,
);
console.log('The first five rows:');
console.log('  date        price');
for (let i = 0; i < 5; i++) console.log(`  ${labels[i]}  ${prices[i].toFixed(2)}`);
// Each value is the MEAN of the month's daily closes (Shiller's data; see datasets/README.md). The first rows
// the tutorial prints (16.92, 16.99, 17.30, 17.96, 18.78) do not match this file; its row count, date span
// and price range do.
console.log('  (The tutorial prints 16.92, 16.99, 17.30, 17.96, 18.78 here, which this file does not hold;');
console.log('  the row count, the dates and the price range below agree with the tutorial.)');

// ── 2. Span and range ──────────────────────────────────────────────────────────────────────────────────
const lo = Math.min(...prices);
const hi = Math.max(...prices);
console.log();
console.log(`From ${labels[0]} to ${labels.at(-1)}`);
console.log(`Price range: ${lo.toFixed(1)} to ${hi.toFixed(1)} (a ${Math.round(hi / lo)}-fold rise)`);

// ── 3. A log-scale plot ────────────────────────────────────────────────────────────────────────────────
// On a linear axis the first decades are a flat line near zero. On a log axis equal percentage moves take
// equal height, so the long-run growth is close to a straight line and the crashes show as dips.
const spec = seriesPlotSpec({
  labels,
  values: prices,
  title: 'S&P 500 monthly index, 1950-01 .. 2026-05 (log scale)',
  log: true,
});
await writePlot(spec, outDir, 'sp500-log');
console.log();
console.log(`Wrote ${outDir}/sp500-log.svg and ${outDir}/sp500-log.png`);

// ── 4. Exercise: yearly means ──────────────────────────────────────────────────────────────────────────
// resample() labels each year by its first day and averages the months in it.
const yearly = sp500.resample('year', 'mean');
const yearlyPrice = yearly.column('price');
console.log();
console.log('Yearly mean price, the first five years:');
for (let i = 0; i < 5; i++) console.log(`  ${yearly.label(i).slice(0, 4)}  ${yearlyPrice[i].toFixed(2)}`);
const first5 = Array.from(yearlyPrice.subarray(0, 5));
console.log(
  `  Tutorial's hint: "the high teens to low twenties". Measured: ${Math.min(...first5).toFixed(1)} to ` +
    `${Math.max(...first5).toFixed(1)}; only the first two years fit the hint.`,
);

// ── 5. Exercise: the average monthly change ────────────────────────────────────────────────────────────
// pctChange() gives y_t / y_{t-1} - 1 and leaves out the first month (it has no month before it), which is
// what pandas' pct_change().mean() does by skipping the NaN.
const changes = pctChange(sp500, 'price').column('price');
const meanChange = changes.reduce((s, v) => s + v, 0) / changes.length;
console.log();
console.log(
  `Mean monthly change over ${changes.length} months: ${meanChange.toFixed(6)} (${(100 * meanChange).toFixed(2)} % a month)`,
);

// ── 6. What a recurrent layer reads ────────────────────────────────────────────────────────────────────
// makeWindows() turns the series into overlapping 12-month windows; each window is one example of shape
// (timesteps, features) = (12, 1), and the whole stack is [windows, 12, 1].
const windows = makeWindows(prices, 1, { window: 12 });
const [count, timesteps, features] = windows.x.shape;
console.log();
console.log(`Total months: ${prices.length}`);
console.log(`Windows of 12 months with the next month as target: x ${formatShape(windows.x.shape)}`);
console.log(`Per-example input shape a recurrent layer expects: (${timesteps}, ${features})`);
console.log(`  ${formatAlignment(alignment(windows, labels, 0))}`);
console.log(`  ${formatAlignment(alignment(windows, labels, count - 1))}`);
