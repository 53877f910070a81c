/** Classifiers in folders (Node only): the model folder of saveModel with the classifier's state inside. */
import type { LoadLimits } from '../model/artifacts.js';
import { readArtifacts, saveModel } from '../model/io-node.js';
import { classifierFromArtifacts } from './artifacts.js';
import type { SequenceClassifier } from './classifier.js';

export async function saveClassifier(
  c: SequenceClassifier,
  dir: string,
  options: { readonly overwrite?: boolean } = {},
): Promise<void> {
  await saveModel(c.model, dir, {
    overwrite: options.overwrite ?? false,
    metadata: { classifier: c.state() as unknown as Record<string, unknown> },
  });
}

export async function loadClassifier(dir: string, limits: LoadLimits = {}): Promise<SequenceClassifier> {
  return classifierFromArtifacts(await readArtifacts(dir), limits);
}
