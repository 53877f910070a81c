export type {
  CaseLayer,
  CaseTensor,
  CaseWeight,
  ConformanceCase,
  LayerGradCase,
  LossGradCase,
  LossSpec,
  LossType,
  StatefulCall,
  StatefulSequenceCase,
  TrainStepCase,
} from './case.js';
export type { WorkflowCase } from './workflow.js';
export { parseCase } from './case.js';
export type { Comparison } from './compare.js';
export { compareShapes, compareValues } from './compare.js';
export type { CaseResult, CaseStatus, RunOptions } from './run.js';
export { runCase } from './run.js';
