/** Forecasters in folders (Node only): the model folder of saveModel with the forecaster's state inside. */
import type { LoadLimits } from '../model/artifacts.js';
import { readArtifacts, saveModel } from '../model/io-node.js';
import { forecasterFromArtifacts } from './artifacts.js';
import type { Forecaster } from './forecaster.js';

export async function saveForecaster(
  f: Forecaster,
  dir: string,
  options: { readonly overwrite?: boolean } = {},
): Promise<void> {
  await saveModel(f.model, dir, {
    overwrite: options.overwrite ?? false,
    metadata: { forecaster: f.state() as unknown as Record<string, unknown> },
  });
}

export async function loadForecaster(dir: string, limits: LoadLimits = {}): Promise<Forecaster> {
  return forecasterFromArtifacts(await readArtifacts(dir), limits);
}
