/**
 * What recommend()'s search tries (select.ts): the network candidates — the configuration given and one
 * variation of each choice it leaves open — and how a candidate is named and made explicit for the refit.
 */
import { SeqcastError } from '../errors.js';
import type { ForecastConfig, ModelKind, ResolvedConfig } from './config.js';

/** A network's short name: 'simpleRNN(32), window 12, logDiff'. */
export function networkName(c: ResolvedConfig): string {
  const cell = `${c.model.bidirectional ? 'bidirectional ' : ''}${c.model.kind}(${c.model.units})${c.model.layers > 1 ? ` ×${c.model.layers}` : ''}`;
  return `${cell}, window ${c.window}, ${c.transform}`;
}

/** `c` with the searched choices made explicit (as resolved on the training part), for the final refit. */
export function explicitChoices(c: ForecastConfig, r: ResolvedConfig): ForecastConfig {
  return {
    ...c,
    transform: r.transform,
    window: r.window,
    model: { ...c.model, kind: r.model.kind, units: r.model.units },
  };
}

export const SEARCHED = ['transform', 'window', 'model kind', 'units'] as const;

/**
 * The network candidates: the configuration given, then one variation of each choice it leaves open —
 * transform (logDiff → diff, diff → none), window (2m, or twice the default when that is m), model kind
 * (simpleRNN → gru, otherwise simpleRNN), units (32 → 16, otherwise 32). A choice the caller set is fixed.
 */
export function searchGrid(
  config: ForecastConfig,
  resolved: ResolvedConfig,
  search: boolean,
  override?: readonly ForecastConfig[],
): { grid: ForecastConfig[]; searched: string[]; fixed: string[] } {
  const open = {
    transform: config.transform === undefined,
    window: config.window === undefined,
    'model kind': config.model?.kind === undefined,
    units: config.model?.units === undefined,
  };
  const fixed = SEARCHED.filter((k) => !open[k]);
  if (override !== undefined) {
    if (override.length === 0) throw new SeqcastError('config', 'recommend(): candidates must not be empty');
    return { grid: override.map((c) => ({ ...config, ...c })), searched: ['the candidates given'], fixed };
  }
  if (!search) return { grid: [config], searched: [], fixed: [...SEARCHED] };
  const grid: ForecastConfig[] = [config];
  const searched: string[] = [];
  if (open.transform && (resolved.transform === 'logDiff' || resolved.transform === 'diff')) {
    grid.push({ ...config, transform: resolved.transform === 'logDiff' ? 'diff' : 'none' });
    searched.push('transform');
  }
  if (open.window) {
    const m = resolved.seasonalPeriod;
    const w = m >= 2 && 2 * m !== resolved.window ? 2 * m : 2 * resolved.window;
    grid.push({ ...config, window: w });
    searched.push('window');
  }
  if (open['model kind']) {
    const kind: ModelKind = resolved.model.kind === 'simpleRNN' ? 'gru' : 'simpleRNN';
    grid.push({ ...config, model: { ...config.model, kind } });
    searched.push('model kind');
  }
  if (open.units) {
    grid.push({ ...config, model: { ...config.model, units: resolved.model.units === 32 ? 16 : 32 } });
    searched.push('units');
  }
  return { grid, searched, fixed };
}
