/** Plain-text pieces for the terminal summary: a metrics table and a one-line chart. */
import type { ScoreSet } from '../metrics/metrics.js';

const COLUMNS = ['rmse', 'mae', 'mape', 'smape', 'mase'] as const;
const HEAD = ['RMSE', 'MAE', 'MAPE %', 'sMAPE %', 'MASE'];

/** The model and each baseline, one row each; the best value of each column marked with *. */
export function metricsTable(metrics: {
  readonly model: ScoreSet;
  readonly baselines: Readonly<Record<string, ScoreSet>>;
}): string {
  const rows: [string, ScoreSet][] = [['model', metrics.model], ...Object.entries(metrics.baselines)];
  const best = COLUMNS.map((c) =>
    Math.min(...rows.map(([, s]) => (s[c] === null ? Infinity : (s[c] as number)))),
  );
  const cells = rows.map(([name, s]) => [
    name,
    ...COLUMNS.map((c, j) => {
      const v = s[c];
      if (v === null) return 'n/a';
      return `${fmt(v as number)}${v === best[j] ? '*' : ' '}`;
    }),
  ]);
  const head = ['', ...HEAD];
  const widths = head.map((h, j) => Math.max(h.length, ...cells.map((r) => r[j].length)));
  const line = (r: string[]): string =>
    r.map((v, j) => (j === 0 ? v.padEnd(widths[j]) : v.padStart(widths[j]))).join('  ');
  return [line(head), ...cells.map(line), '(* best in its column)'].join('\n');
}

/** RMSE at each horizon: the model and every baseline, the best of each row marked with *. */
export function horizonRmseTable(
  horizons: readonly {
    readonly horizon: number;
    readonly model: { readonly rmse: number };
    readonly baselines: Readonly<Record<string, { readonly rmse: number }>>;
  }[],
): string {
  const names = Object.keys(horizons[0].baselines);
  const head = ['RMSE at h', 'model', ...names];
  const cells = horizons.map((h) => {
    const values = [h.model.rmse, ...names.map((n) => h.baselines[n].rmse)];
    const best = Math.min(...values);
    return [String(h.horizon), ...values.map((v) => `${fmt(v)}${v === best ? '*' : ' '}`)];
  });
  const widths = head.map((x, j) => Math.max(x.length, ...cells.map((r) => r[j].length)));
  const line = (r: string[]): string =>
    r.map((v, j) => (j === 0 ? v.padEnd(widths[j]) : v.padStart(widths[j]))).join('  ');
  return [line(head), ...cells.map(line), '(* best at that horizon)'].join('\n');
}

const BARS = '▁▂▃▄▅▆▇█';

/** A one-line chart of `values`, averaged into `width` cells; a cell with a non-finite value is a space. */
export function sparkline(values: ArrayLike<number>, width: number): string {
  const n = values.length;
  if (n === 0 || width < 1) return '';
  const cells = Math.min(width, n);
  const means: number[] = [];
  for (let c = 0; c < cells; c++) {
    const from = Math.floor((c * n) / cells);
    const to = Math.max(from + 1, Math.floor(((c + 1) * n) / cells));
    let s = 0;
    for (let i = from; i < to; i++) s += values[i];
    means.push(s / (to - from));
  }
  const finite = means.filter(Number.isFinite);
  const lo = Math.min(...finite);
  const hi = Math.max(...finite);
  return means
    .map((m) =>
      !Number.isFinite(m)
        ? ' '
        : BARS[hi === lo ? 3 : Math.round(((m - lo) / (hi - lo)) * (BARS.length - 1))],
    )
    .join('');
}

function fmt(v: number): string {
  const a = Math.abs(v);
  if (a >= 1000) return v.toLocaleString('en-US', { maximumFractionDigits: 0 });
  if (a >= 10) return v.toFixed(1);
  return v.toPrecision(3);
}
