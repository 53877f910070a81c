/**
 * The per-horizon table of the Results panel (horizon > 1): the RMSE of the model and of every baseline at
 * each horizon 1 … H, and overall (every horizon pooled, the scores of the metrics table), from the
 * Evaluation's `horizons` and `metrics`. The lowest RMSE of a row is in bold; ✗ marks a horizon at which the
 * model loses to the best baseline there (`losses`). With a recommended pipeline (recommend()), its column
 * comes first: its `test.horizons` and `test.metrics`, scored on the same origins.
 */
import type { Evaluation, ScoreSet } from 'seqcast';
import { formatNumber } from 'seqcast';
import { h } from './dom';

export function horizonTable(
  e: Evaluation,
  recommended: {
    readonly metrics: ScoreSet;
    readonly horizons: readonly ScoreSet[];
  } | null = null,
): HTMLTableElement {
  const names = Object.keys(e.metrics.baselines);
  const lost = new Set(e.losses.map((l) => l.horizon));
  const row = (
    label: string,
    points: number | null,
    model: ScoreSet,
    baselines: Readonly<Record<string, ScoreSet>>,
    loses: boolean,
    rec: ScoreSet | null,
  ): HTMLTableRowElement => {
    const all = [
      ...(rec === null ? [] : [rec.rmse]),
      model.rmse,
      ...names.map((n) => baselines[n]?.rmse ?? Number.NaN),
    ];
    const best = Math.min(...all.filter((v) => Number.isFinite(v)));
    const cell = (v: number, mark = ''): HTMLTableCellElement =>
      h('td', v === best ? { class: 'best' } : {}, Number.isFinite(v) ? `${formatNumber(v)}${mark}` : 'n/a');
    return h(
      'tr',
      { 'data-horizon': label },
      h('th', { scope: 'row' }, label),
      h('td', {}, points === null ? '' : String(points)),
      ...(rec === null ? [] : [cell(rec.rmse)]),
      cell(model.rmse, loses ? ' ✗' : ''),
      ...names.map((n) => cell(baselines[n]?.rmse ?? Number.NaN)),
    );
  };
  return h(
    'table',
    { class: 'metrics', 'data-testid': 'horizon-table' },
    h(
      'caption',
      {},
      'RMSE at each horizon (h steps ahead) and overall, all horizons pooled; lowest in bold; ✗: the model loses to the best baseline there',
    ),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...['horizon', 'points', ...(recommended === null ? [] : ['recommended']), 'model', ...names].map(
          (t) => h('th', { scope: 'col' }, t),
        ),
      ),
    ),
    h(
      'tbody',
      {},
      ...e.horizons.map((s, i) =>
        row(
          String(s.horizon),
          s.points,
          s.model,
          s.baselines,
          lost.has(s.horizon),
          recommended?.horizons[i] ?? null,
        ),
      ),
      row('overall', null, e.metrics.model, e.metrics.baselines, false, recommended?.metrics ?? null),
    ),
  );
}
