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
    super(shorten(message));
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

/**
 * The safety net behind `quoted`: a message is one line, and never carries a run of more than 400 characters without a space
 * (a value from a file quoted whole: a 10,000-character column name, a line of binary); such a run is cut to
 * its first 60 characters and its length, so the sentence around it, and its fix, stay readable.
 */
function shorten(message: string): string {
  // one line: a control character from the data (a newline inside a quoted name) is shown escaped
  // eslint-disable-next-line no-control-regex -- control characters are what this replaces
  const line = message.replace(/[\u0000-\u001f\u007f]/g, (c) => JSON.stringify(c).slice(1, -1));
  if (line.length < 400) return line;
  return line.replace(
    /\S{400,}/g,
    (run) => `${run.slice(0, 60)}…(${run.length.toLocaleString('en-US')} characters)`,
  );
}
