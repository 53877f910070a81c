/**
 * A forecaster saved with its model: the TF.js Layers model plus, under `userDefinedMetadata.seqcast.forecaster`,
 * the fitted transform, scaler, columns and configuration — so a later forecast needs only the saved model
 * and new data. Browser-safe (in memory); the folder form is in io-node.ts.
 */
import { SeqcastError } from '../errors.js';
import type { ArtifactsInput, LoadLimits, ModelArtifacts } from '../model/artifacts.js';
import { fromArtifacts, readMetadata, toArtifacts } from '../model/artifacts.js';
import type { ForecasterState } from './forecaster.js';
import { Forecaster } from './forecaster.js';

export function forecasterToArtifacts(f: Forecaster): ModelArtifacts {
  return toArtifacts(f.model, { forecaster: f.state() as unknown as Record<string, unknown> });
}

export function forecasterFromArtifacts(artifacts: ArtifactsInput, limits: LoadLimits = {}): Forecaster {
  const model = fromArtifacts(artifacts, limits);
  const state = readMetadata(artifacts.modelJson)?.forecaster;
  if (state === undefined) {
    throw new SeqcastError(
      'config',
      'this saved model holds no forecaster (no userDefinedMetadata.seqcast.forecaster); load it with loadModel() instead',
    );
  }
  return Forecaster.fromState(model, state as ForecasterState);
}
