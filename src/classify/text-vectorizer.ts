/**
 * TextVectorizer: Keras's `TextVectorization` in `output_mode: 'int'` (keras/src/layers/preprocessing/
 * text_vectorization.py, with the vocabulary of string_lookup.py / index_lookup.py). A text becomes token
 * indices in four steps:
 *
 *   1. standardize  'lower_and_strip_punctuation' (default), 'lower', 'strip_punctuation' or null.
 *                   Lowering is ASCII only (Keras calls tf.strings.lower without an encoding, which lowers
 *                   A–Z and leaves 'É' as it is); stripping removes Keras's regex
 *                   [!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\'] — the 32 ASCII punctuation characters, no others
 *                   (a curly quote or an em dash stays part of its word).
 *   2. split        'whitespace' (default): runs of ASCII whitespace separate tokens, none empty, as
 *                   tf.strings.split does; 'character': one token per Unicode code point.
 *   3. index        index 0 is padding (''), 1 is '[UNK]' (every word not in the vocabulary), then the
 *                   vocabulary learned by `adapt`.
 *   4. pad          `outputSequenceLength` L: the indices are cut after L or filled with 0 at the END (Keras
 *                   pads and truncates at the end); null pads a batch to its longest text.
 *
 * `adapt(texts, rows?)` learns the vocabulary from the texts (only `rows` of them when given: the training
 * part — the same leak-proof rule as the scalers): tokens sorted by count, highest first, ties broken by the
 * token in DESCENDING order of its UTF-8 bytes (index_lookup.py `np.lexsort((tokens, counts))[::-1]`), the
 * special tokens '' and '[UNK]' removed from the counts, and cut to `maxTokens − 2` words: `maxTokens`
 * counts the padding and [UNK] indices, as Keras's `max_tokens` does in 'int' mode.
 */
import { SeqcastError, quoted } from '../errors.js';
import { checkOptions, listKeys } from '../options.js';
import type { Tensor } from '../tensor.js';

export type Standardize = 'lower_and_strip_punctuation' | 'lower' | 'strip_punctuation';
export const STANDARDIZE: readonly Standardize[] = [
  'lower_and_strip_punctuation',
  'lower',
  'strip_punctuation',
];
export type SplitMode = 'whitespace' | 'character';
export const SPLIT_MODES: readonly SplitMode[] = ['whitespace', 'character'];

export interface TextVectorizerOptions {
  /** The most indices, padding and [UNK] included (≥ 3); null (default): every token seen by adapt. */
  readonly maxTokens?: number | null;
  /** Steps of every output (pad or cut at the end); null (default): the longest text of the batch. */
  readonly outputSequenceLength?: number | null;
  /** Default 'lower_and_strip_punctuation'; null leaves the text as it is. */
  readonly standardize?: Standardize | null;
  /** Default 'whitespace'. */
  readonly split?: SplitMode;
}

/** What a saved vectorizer keeps: its options and the learned words (without '' and '[UNK]'), in index order. */
export interface TextVectorizerState {
  readonly maxTokens: number | null;
  readonly outputSequenceLength: number | null;
  readonly standardize: Standardize | null;
  readonly split: SplitMode;
  /** The words of indices 2, 3, …, in order. */
  readonly words: readonly string[];
}

export const PADDING_INDEX = 0;
export const UNKNOWN_INDEX = 1;
export const UNKNOWN_TOKEN = '[UNK]';
const OPTIONS = ['maxTokens', 'outputSequenceLength', 'standardize', 'split'];
const PUNCTUATION = /[!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g;
const ASCII_WHITESPACE = /[ \t\n\v\f\r]+/;

export class TextVectorizer {
  readonly maxTokens: number | null;
  readonly outputSequenceLength: number | null;
  readonly standardizeMode: Standardize | null;
  readonly split: SplitMode;
  private words: string[] = [];
  private index = new Map<string, number>();
  private adapted = false;

  constructor(options: TextVectorizerOptions = {}) {
    checkOptions('textVectorizer()', options, OPTIONS);
    const maxTokens = options.maxTokens ?? null;
    if (maxTokens !== null && (!Number.isInteger(maxTokens) || maxTokens < 3)) {
      throw new SeqcastError(
        'config',
        `textVectorizer(): maxTokens must be an integer ≥ 3 (padding, [UNK] and one word) or null (got ${JSON.stringify(maxTokens)})`,
      );
    }
    const length = options.outputSequenceLength ?? null;
    if (length !== null && (!Number.isInteger(length) || length < 1)) {
      throw new SeqcastError(
        'config',
        `textVectorizer(): outputSequenceLength must be an integer ≥ 1 or null (got ${JSON.stringify(length)})`,
      );
    }
    const standardize =
      options.standardize === undefined ? 'lower_and_strip_punctuation' : options.standardize;
    if (standardize !== null && !STANDARDIZE.includes(standardize)) {
      throw new SeqcastError(
        'config',
        `textVectorizer(): standardize must be one of ${listKeys(STANDARDIZE)} or null (got ${JSON.stringify(standardize)})`,
      );
    }
    const split = options.split ?? 'whitespace';
    if (!SPLIT_MODES.includes(split)) {
      throw new SeqcastError(
        'config',
        `textVectorizer(): split must be one of ${listKeys(SPLIT_MODES)} (got ${JSON.stringify(split)})`,
      );
    }
    this.maxTokens = maxTokens;
    this.outputSequenceLength = length;
    this.standardizeMode = standardize;
    this.split = split;
  }

  /** Whether `adapt` (or a saved state) gave it a vocabulary. */
  get isAdapted(): boolean {
    return this.adapted;
  }

  /** Step 1 of the header. */
  standardize(text: string): string {
    const mode = this.standardizeMode;
    let s = text;
    if (mode === 'lower' || mode === 'lower_and_strip_punctuation') {
      s = s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
    }
    if (mode === 'strip_punctuation' || mode === 'lower_and_strip_punctuation')
      s = s.replace(PUNCTUATION, '');
    return s;
  }

  /** Steps 1 and 2: the tokens of a text. */
  tokens(text: string): string[] {
    const s = this.standardize(text);
    if (this.split === 'character') return Array.from(s);
    return s.split(ASCII_WHITESPACE).filter((t) => t !== '');
  }

  /**
   * Learns the vocabulary from `texts` (only the positions `rows` when given) and replaces any earlier one;
   * returns this. See the header for the order.
   */
  adapt(texts: readonly string[], rows?: ArrayLike<number>): this {
    checkTexts('adapt()', texts);
    const counts = new Map<string, number>();
    const n = rows === undefined ? texts.length : rows.length;
    for (let k = 0; k < n; k++) {
      const i = rows === undefined ? k : rows[k];
      if (!Number.isInteger(i) || i < 0 || i >= texts.length) {
        throw new SeqcastError(
          'config',
          `textVectorizer.adapt(): rows[${k}] is ${i}, not a position among the ${texts.length} texts`,
        );
      }
      for (const t of this.tokens(texts[i])) counts.set(t, (counts.get(t) ?? 0) + 1);
    }
    counts.delete('');
    counts.delete(UNKNOWN_TOKEN);
    const entries = [...counts.entries()];
    entries.sort((a, b) => b[1] - a[1] || compareCodePoints(b[0], a[0]));
    const kept = this.maxTokens === null ? entries : entries.slice(0, this.maxTokens - 2);
    this.setWords(kept.map((e) => e[0]));
    return this;
  }

  /** The vocabulary in index order, '' (padding) and '[UNK]' first, as Keras's get_vocabulary(). */
  vocabulary(): string[] {
    this.requireAdapted('vocabulary()');
    return ['', UNKNOWN_TOKEN, ...this.words];
  }

  /** Indices in use: the learned words plus padding and [UNK]. */
  get vocabularySize(): number {
    this.requireAdapted('vocabularySize');
    return this.words.length + 2;
  }

  /** The indices of a text's tokens, neither padded nor cut. */
  indices(text: string): Int32Array {
    this.requireAdapted('indices()');
    const tokens = this.tokens(text);
    const out = new Int32Array(tokens.length);
    for (let t = 0; t < tokens.length; t++) out[t] = this.index.get(tokens[t]) ?? UNKNOWN_INDEX;
    return out;
  }

  /** [N, L] indices (a Float32Array of integers, as an Embedding reads them); see step 4 for L. */
  vectorize(texts: readonly string[]): Tensor {
    this.requireAdapted('vectorize()');
    checkTexts('vectorize()', texts);
    const rows = texts.map((t) => this.indices(t));
    const L = this.outputSequenceLength ?? rows.reduce((m, r) => Math.max(m, r.length), 0);
    const data = new Float32Array(texts.length * L);
    rows.forEach((r, i) => {
      const n = Math.min(L, r.length);
      for (let t = 0; t < n; t++) data[i * L + t] = r[t];
    });
    return { shape: [texts.length, L], data };
  }

  state(): TextVectorizerState {
    this.requireAdapted('state()');
    return {
      maxTokens: this.maxTokens,
      outputSequenceLength: this.outputSequenceLength,
      standardize: this.standardizeMode,
      split: this.split,
      words: [...this.words],
    };
  }

  /** @internal Sets the learned words (checked by textVectorizerFromState). */
  setWords(words: readonly string[]): void {
    this.words = [...words];
    this.index = new Map(this.words.map((w, k) => [w, k + 2]));
    this.adapted = true;
  }

  private requireAdapted(what: string): void {
    if (!this.adapted) {
      throw new SeqcastError(
        'state',
        `textVectorizer.${what}: the vectorizer has no vocabulary yet; call adapt(trainingTexts) first`,
      );
    }
  }
}

/** `new TextVectorizer(options)`. */
export function textVectorizer(options: TextVectorizerOptions = {}): TextVectorizer {
  return new TextVectorizer(options);
}

/** A vectorizer from its saved state; every field is checked (a state comes from a file). */
export function textVectorizerFromState(raw: unknown): TextVectorizer {
  const bad = (detail: string): never => {
    throw new SeqcastError(
      'config',
      `text vectorizer state: ${detail}; the saved model is damaged or was edited — train and save it again`,
    );
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return bad('it must be an object');
  const s = raw as Record<string, unknown>;
  const keys = ['maxTokens', 'outputSequenceLength', 'standardize', 'split', 'words'];
  for (const k of Object.keys(s)) if (!keys.includes(k)) bad(`it has an unknown field '${k}'`);
  for (const k of keys) if (!(k in s)) bad(`the field '${k}' is missing`);
  let v: TextVectorizer;
  try {
    v = new TextVectorizer({
      maxTokens: s.maxTokens as number | null,
      outputSequenceLength: s.outputSequenceLength as number | null,
      standardize: s.standardize as Standardize | null,
      split: s.split as SplitMode,
    });
  } catch (e) {
    return bad(e instanceof Error ? e.message.replace(/^textVectorizer\(\): /, '') : String(e));
  }
  const words = s.words;
  if (
    !Array.isArray(words) ||
    !words.every((w) => typeof w === 'string' && w !== '' && w !== UNKNOWN_TOKEN)
  ) {
    bad('words must be a list of the learned words (non-empty, without [UNK])');
  }
  const list = words as string[];
  if (new Set(list).size !== list.length) bad('words lists a word twice');
  if (v.maxTokens !== null && list.length > v.maxTokens - 2) {
    bad(`words holds ${list.length} words but maxTokens ${v.maxTokens} leaves room for ${v.maxTokens - 2}`);
  }
  v.setWords(list);
  return v;
}

function checkTexts(what: string, texts: readonly string[]): void {
  if (!Array.isArray(texts)) {
    throw new SeqcastError('config', `textVectorizer.${what}: texts must be an array of strings`);
  }
  for (let i = 0; i < texts.length; i++) {
    if (typeof texts[i] !== 'string') {
      throw new SeqcastError(
        'config',
        `textVectorizer.${what}: texts[${i}] is ${quoted(String(JSON.stringify(texts[i])))}, not a string`,
      );
    }
  }
}

/** Compares by Unicode code points, which is the order of the UTF-8 bytes (numpy sorts the bytes). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    if (x > 0xffff) i++; // both are the same surrogate pair
  }
  return a.length - b.length;
}
