export type { Scaler, ScalerKind, ScalerOptions, ScalerState } from './scalers.js';
export { fitScaler, scalerFromState } from './scalers.js';
export type { Split, SplitOptions } from './split.js';
export { chronologicalSplit, splitIndexAtLabel } from './split.js';
export type { Alignment, WindowOptions, Windows } from './windows.js';
export { alignment, formatAlignment, makeWindows } from './windows.js';
export type { PadDType, PadSequencesOptions } from './pad-sequences.js';
export { padSequences } from './pad-sequences.js';
