/**
 * One error type for everything a user can get wrong. `code` says which kind of mistake it is, so a CLI or
 * a UI can react without parsing the message; the message names the thing (layer, tensor, file, row),
 * what was expected, what was received and, where there is one, the fix.
 */
export type SeqcastErrorCode =
  | 'shape' // a tensor has the wrong rank or size
  | 'config' // an option is missing, unknown or out of range
  | 'weights' // a weight is missing, unknown, or of the wrong shape
  | 'non-finite' // NaN or ±Infinity where a finite number is needed
  | 'state' // a call made in the wrong order (backward before forward, …)
  | 'io' // a file or folder that cannot be read or written, or that would be overwritten
  | 'case'; // a conformance case that cannot be read

export class SeqcastError extends Error {
  readonly code: SeqcastErrorCode;

  constructor(code: SeqcastErrorCode, message: string) {
    super(message);
    this.name = 'SeqcastError';
    this.code = code;
  }
}

/**
 * A piece of the user's input quoted in a message: `'text'`, or its first `max` characters and its length
 * when it is longer, so that a 10 MB field or a binary file does not become a 10 MB message.
 */
export function quoted(text: string, max = 60): string {
  if (text.length <= max) return `'${text}'`;
  return `'${text.slice(0, max)}…' (${text.length.toLocaleString('en-US')} characters)`;
}

/** A list of the user's names (columns, keys) for a message, cut after `max` characters in all. */
export function listed(names: readonly string[], max = 200): string {
  const text = names.join(', ');
  return text.length <= max ? text : `${text.slice(0, max)}… (${names.length} in all)`;
}
