/**
 * seqcast for Node (`seqcast/node`): everything of the main entry, plus saving and loading models in
 * folders. The main entry stays free of Node imports so that it bundles for the browser.
 */
export * from './index.js';
export type { FolderArtifacts, SaveModelOptions } from './model/io-node.js';
export { loadModel, readArtifacts, saveModel } from './model/io-node.js';
export type { SaveKerasOptions } from './model/keras/io-node.js';
export { loadKerasModel, saveKerasModel } from './model/keras/io-node.js';
export { loadPyTorchWeights, loadSafetensors } from './model/pytorch/io-node.js';
export { loadForecastIntervals, loadForecaster, saveForecaster } from './forecast/io-node.js';
export { renderSvg, svgToPng, writePlot } from './report/render.js';
// seqcast/node's loadDataset (synchronous; also reads the datasets that are not bundled, in place) takes the
// place of the main entry's (asynchronous, bundled datasets only, every platform): `await` works with both
export type { DataFolder, LoadDatasetOptions } from './series/dataset-files.js';
export {
  dataFolders,
  datasetAvailable,
  datasetPath,
  labelledDatasetPath,
  loadDataset,
} from './series/dataset-files.js';
export { loadClassifier, saveClassifier } from './classify/io-node.js';
