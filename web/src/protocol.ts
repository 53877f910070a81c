/**
 * The messages between the page and the training worker. Everything here is structured-cloneable: plain
 * objects, arrays, typed arrays and ArrayBuffers (the weights are transferred, not copied).
 */
import type {
  Band,
  Evaluation,
  FitInfo,
  ForecastConfig,
  GradientFlow,
  History,
  LayerGradientFlow,
  ResolvedConfig,
  RecommendedSummary,
  Trace,
} from 'seqcast';

export type MissingChoice = 'error' | 'drop' | 'ffill' | 'interpolate';

/** The data as the page read it; the worker reads it again with the same options. */
export interface DataSpec {
  readonly text: string;
  /** The file name, for messages (as the CLI names it). */
  readonly source: string;
  /** The dataset name or the file name, for reports. */
  readonly name: string;
  readonly dateColumn: string;
  readonly valueColumn: string;
  readonly missing: MissingChoice;
  readonly from: string | null;
  readonly to: string | null;
}

export type ToWorker =
  | {
      readonly type: 'train';
      readonly data: DataSpec;
      readonly config: ForecastConfig;
      /** Search over the network choices left open (recommend()'s `search`); the baselines compete either way. */
      readonly search: boolean;
      readonly futureSteps: number;
    }
  | { readonly type: 'stop' }
  | {
      readonly type: 'load';
      readonly modelJson: unknown;
      readonly weightData: ArrayBuffer;
      readonly fileName: string;
      readonly data: DataSpec;
      readonly futureSteps: number;
    }
  | { readonly type: 'inspect'; readonly window: number }
  | { readonly type: 'forecast'; readonly steps: number };

export interface FutureResult {
  readonly labels: readonly string[];
  readonly values: Float64Array;
  readonly method: 'direct' | 'recursive';
  /** The last rows of the series before the forecast, for context. */
  readonly historyLabels: readonly string[];
  readonly historyValues: Float64Array;
}

/**
 * The recommended pipeline (recommend()): the report document's `recommended` section, and the paths its
 * charts draw — the one-step (h = 1) test forecasts with their bands, and the forecast of the H rows after
 * the series with bands — taken from the Recommendation as they are.
 */
export interface RecommendedPayload {
  readonly summary: RecommendedSummary;
  readonly oneStep: {
    readonly labels: readonly string[];
    readonly actual: Float64Array;
    readonly forecast: Float64Array;
    readonly bands: readonly Band[];
  };
  readonly future: {
    readonly labels: readonly string[];
    readonly values: Float64Array;
    readonly bands: readonly Band[];
    /** The last rows of the series before it, for context (as the report's future plot). */
    readonly historyLabels: readonly string[];
    readonly historyValues: Float64Array;
  };
}

/** What training (or loading) produced, for the Results, Inside and Models panels. */
export interface ResultPayload {
  readonly origin: 'trained' | 'loaded';
  /** The data's name; for a loaded model, also the model file's name. */
  readonly name: string;
  readonly modelFile: string | null;
  readonly config: ResolvedConfig;
  readonly summary: string;
  readonly target: string;
  /** Null when the data does not reach past the loaded model's training period. */
  readonly evaluation: Evaluation | null;
  readonly evaluationNote: string | null;
  /** Null for a loaded model, and when the series is too short for a validation part (`recommendedNote`). */
  readonly recommended: RecommendedPayload | null;
  /** Why there is no validation search, or why only the 80 % intervals; null otherwise. */
  readonly recommendedNote: string | null;
  /** After a Stop with fits still to come: the epochs the stopped fit trained, as every later fit did; else null. */
  readonly stoppedAt: number | null;
  /** Training rows shown before the test part in the forecast chart. */
  readonly context: { readonly labels: readonly string[]; readonly values: Float64Array };
  readonly future: FutureResult | null;
  readonly futureError: string | null;
  readonly history: History | null;
  readonly fitInfo: FitInfo | null;
  /** Windows the Inside panel can show: 0 .. windowCount − 1; the last `horizon` have no known target. */
  readonly windowCount: number;
  readonly modelJson: unknown;
  readonly weightData: ArrayBuffer;
  readonly reportMarkdown: string;
  readonly reportJson: string;
  readonly seconds: number;
}

export interface InsidePayload {
  readonly window: number;
  /** The labels of the rows feeding the window. */
  readonly labels: readonly string[];
  /** The label the window's first target belongs to, or null for the last windows (no target yet). */
  readonly targetLabel: string | null;
  readonly trace: Trace;
  /** ‖∂L/∂h_t‖ on this window; null when the window has no known target. */
  readonly gradient: GradientFlow | null;
  /** After epoch 1 and at the end of training, on the last training windows (null for a loaded model). */
  readonly trainingFlow:
    readonly { readonly label: string; readonly layers: readonly LayerGradientFlow[] }[] | null;
}

/** Which fit of a training run is starting: fit `index` (1-based) of `count`, and what it is. */
export interface StageMessage {
  readonly type: 'stage';
  readonly index: number;
  readonly count: number;
  readonly text: string;
}

export type FromWorker =
  | {
      readonly type: 'begin';
      readonly epochs: number;
      readonly stepsPerEpoch: number;
      readonly samples: number;
      readonly validationSamples: number;
    }
  | { readonly type: 'batch'; readonly epoch: number; readonly batch: number; readonly loss: number }
  | {
      readonly type: 'epoch';
      readonly epoch: number;
      readonly loss: number;
      readonly valLoss: number | null;
      readonly seconds: number;
    }
  | StageMessage
  | { readonly type: 'stopping' }
  | { readonly type: 'result'; readonly result: ResultPayload }
  | { readonly type: 'inside'; readonly inside: InsidePayload }
  | { readonly type: 'future'; readonly future: FutureResult }
  | {
      readonly type: 'error';
      readonly during: 'train' | 'load' | 'inspect' | 'forecast';
      readonly message: string;
    };
