export type { GradientFlow, LayerGradientFlow } from './gradient-flow.js';
export { gradientFlow } from './gradient-flow.js';
export type { DenseTrace, RecurrentTrace, StepTrace, Trace } from './trace.js';
export { trace } from './trace.js';
export type { VanishingResult } from './vanishing.js';
export { measureVanishing } from './vanishing.js';
