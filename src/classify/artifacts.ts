/**
 * A classifier saved with its model: the TF.js Layers model plus, under `userDefinedMetadata.seqcast.classifier`,
 * the vectorizer (its whole vocabulary) or the scaler, the classes and the baselines, so that a reloaded
 * classifier reads raw text. Browser-safe (in memory); the folder form is in io-node.ts.
 */
import { SeqcastError } from '../errors.js';
import type { ArtifactsInput, LoadLimits, ModelArtifacts } from '../model/artifacts.js';
import { fromArtifacts, readMetadata, toArtifacts } from '../model/artifacts.js';
import { SequenceClassifier } from './classifier.js';

export function classifierToArtifacts(c: SequenceClassifier): ModelArtifacts {
  return toArtifacts(c.model, { classifier: c.state() as unknown as Record<string, unknown> });
}

export function classifierFromArtifacts(
  artifacts: ArtifactsInput,
  limits: LoadLimits = {},
): SequenceClassifier {
  const model = fromArtifacts(artifacts, limits);
  const state = readMetadata(artifacts.modelJson)?.classifier;
  if (state === undefined) {
    throw new SeqcastError(
      'config',
      'this saved model holds no classifier (no userDefinedMetadata.seqcast.classifier); a forecaster loads with loadForecaster(), a bare model with loadModel()',
    );
  }
  return SequenceClassifier.fromState(model, state);
}
