/**
 * The fields of the report document (src/report/document.ts), in order: the CLI's --json, report.json and
 * the playground's report.json are all checked against this one list, so they come from one builder.
 */
export const REPORT_FIELDS = [
  'title',
  'data',
  'config',
  'split',
  'metrics',
  'losesAtHorizons',
  'origins',
  'baselineModels',
  'verdict',
  'comparison',
  'forecastAhead',
  'warnings',
  'timings',
  'training',
  'plots',
  'outDir',
];
