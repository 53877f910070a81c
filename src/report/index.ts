export { formatNumber } from './format.js';
export type { DataSummary, ReportData } from './markdown.js';
export { reportJson, reportMarkdown } from './markdown.js';
export type { ForecastPlotInput, SeriesPlotInput, VegaLiteSpec } from './plots.js';
export {
  forecastPlotSpec,
  gradientFlowPlotSpec,
  lossPlotSpec,
  residualPlotSpec,
  seriesPlotSpec,
  spansOrdersOfMagnitude,
} from './plots.js';
export { metricsTable, sparkline } from './terminal.js';
