export type { CaseLayer, CaseTensor, CaseWeight, ConformanceCase, LayerGradCase, OtherCase } from './case.js';
export { parseCase } from './case.js';
export type { Comparison } from './compare.js';
export { compareShapes, compareValues } from './compare.js';
export type { CaseResult, CaseStatus, RunOptions } from './run.js';
export { runCase } from './run.js';
