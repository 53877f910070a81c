/**
 * The messages between the page's classify mode and its worker (classify-worker.ts). Structured-cloneable:
 * plain objects, arrays and typed arrays.
 */
import type { ClassifierEvaluation, ClassifyConfig, History, ResolvedClassifyConfig, Trace } from 'seqcast';

/** The labelled texts as the page read them; the worker reads the text again with the same columns. */
export interface TextSpec {
  readonly text: string;
  /** The file name, for messages (as the CLI names it). */
  readonly source: string;
  /** The dataset name or the file name, for the results line. */
  readonly name: string;
  readonly textColumn: string;
  readonly labelColumn: string;
}

export type ToClassifyWorker =
  | { readonly type: 'train'; readonly data: TextSpec; readonly config: ClassifyConfig }
  | { readonly type: 'stop' }
  | { readonly type: 'words'; readonly text: string };

/** What training produced, for the Results and Word by word panels. */
export interface ClassifyResult {
  readonly name: string;
  readonly config: ResolvedClassifyConfig;
  readonly summary: string;
  readonly classes: readonly string[];
  /** train / validation / test sample counts, the input length and the vocabulary size. */
  readonly split: {
    readonly train: number;
    readonly validation: number;
    readonly test: number;
    readonly inputLength: number;
    readonly vocabularySize: number;
  };
  readonly evaluation: ClassifierEvaluation;
  readonly history: History | null;
  readonly seconds: number;
}

/** wordTrace of one text: per word the class probabilities if the text ended there, and the hidden states. */
export interface WordsPayload {
  readonly text: string;
  readonly words: readonly string[];
  readonly known: readonly boolean[];
  readonly classes: readonly string[];
  /** [word][class] */
  readonly probabilities: readonly (readonly number[])[];
  readonly trace: Trace;
  /** The model's input length: steps of the trace (the words, then padding). */
  readonly inputLength: number;
}

export type FromClassifyWorker =
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
  | { readonly type: 'stopping' }
  | { readonly type: 'result'; readonly result: ClassifyResult }
  | { readonly type: 'words'; readonly words: WordsPayload }
  | { readonly type: 'error'; readonly during: 'train' | 'words'; readonly message: string };
