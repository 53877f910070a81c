/** Forecasters in folders (Node only): the model folder of saveModel with the forecaster's state inside. */
import type { LoadLimits } from '../model/artifacts.js';
import { readMetadata } from '../model/artifacts.js';
import { readArtifacts, saveModel } from '../model/io-node.js';
import type { SavedIntervals } from './saved-intervals.js';
import { checkSavedIntervals } from './saved-intervals.js';
import { forecasterFromArtifacts } from './artifacts.js';
import type { Forecaster } from './forecaster.js';

export async function saveForecaster(
  f: Forecaster,
  dir: string,
  options: { readonly overwrite?: boolean; readonly intervals?: SavedIntervals } = {},
): Promise<void> {
  await saveModel(f.model, dir, {
    overwrite: options.overwrite ?? false,
    metadata: {
      forecaster: f.state() as unknown as Record<string, unknown>,
      ...(options.intervals !== undefined ? { intervals: options.intervals } : {}),
    },
  });
}

/** The conformal intervals saved beside a forecaster (by `seqcast train`), or null when none were. */
export async function loadForecastIntervals(dir: string): Promise<SavedIntervals | null> {
  const saved = readMetadata((await readArtifacts(dir)).modelJson)?.intervals;
  return saved === undefined ? null : checkSavedIntervals(saved);
}

export async function loadForecaster(dir: string, limits: LoadLimits = {}): Promise<Forecaster> {
  return forecasterFromArtifacts(await readArtifacts(dir), limits);
}
