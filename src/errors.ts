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
