export type { BacktestFoldSummary, BacktestReportDocument, BacktestReportInput } from './backtest.js';
export { backtestJson, backtestMarkdown, backtestPlotSpec, buildBacktestReport } from './backtest.js';
export type { DataSummary, ReportDocument, ReportInput, TrainingSummary } from './document.js';
export { buildReport } from './document.js';
export { formatNumber } from './format.js';
export type { FuturePlotInput } from './interval-plots.js';
export { futurePlotSpec } from './interval-plots.js';
export { reportJson, reportMarkdown } from './markdown.js';
export type { ForecastPlotInput, PlotBand, SeriesPlotInput, VegaLiteSpec } from './plots.js';
export type { RecommendedSummary } from './recommendation.js';
export {
  forecastPlotSpec,
  gradientFlowPlotSpec,
  lossPlotSpec,
  residualPlotSpec,
  seriesPlotSpec,
  spansOrdersOfMagnitude,
} from './plots.js';
export { metricsTable } from './terminal.js';
