/**
 * The one way seqcast reads a file the user names (Node only): a regular file, opened without following a
 * symbolic link, never a FIFO, a device or a folder, and never more than `maxBytes`. A FIFO would block for
 * ever, `/dev/zero` would grow until the process dies, and a link inside a model folder could read
 * `/etc/passwd` or another model's weights; each gets one clear message instead.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { SeqcastError } from '../errors.js';

export interface ReadFileOptions {
  /** The largest size accepted, in bytes. */
  readonly maxBytes: number;
  /** Names the reader in messages: `loadModel()`; '' for none (the CLI prints its own name first). */
  readonly what: string;
  /** How to fix a file that is too large, appended to that message. */
  readonly tooLarge?: string;
  /** The error code of the messages. Default 'io'. */
  readonly code?: 'io' | 'weights';
  /**
   * Follow a symbolic link the user named as the file itself (a CSV given on the command line). Default
   * false: files inside a folder (a model's weights) are never links.
   */
  readonly followLinks?: boolean;
  /** The error for a file that does not exist, when the caller can say more than "there is no such file". */
  readonly whenMissing?: () => SeqcastError | Promise<SeqcastError>;
}

const FOLLOW = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
const NO_FOLLOW = FOLLOW | (constants.O_NOFOLLOW ?? 0);
const CHUNK = 1 << 20;

/**
 * The bytes of the regular file at `path`; see the module comment. The reading itself is synchronous (one
 * implementation for both entry points); only `whenMissing` may wait.
 */
export async function readRegularFile(path: string, options: ReadFileOptions): Promise<Uint8Array> {
  try {
    return readFile(path, options);
  } catch (e) {
    if (e instanceof Missing && options.whenMissing !== undefined) throw await options.whenMissing();
    throw e instanceof Missing ? e.error : e;
  }
}

/** `readRegularFile`, synchronously (for readers that are synchronous, such as the CLI's CSV input). */
export function readRegularFileSync(path: string, options: ReadFileOptions): Uint8Array {
  try {
    return readFile(path, options);
  } catch (e) {
    if (!(e instanceof Missing)) throw e;
    const missing = options.whenMissing?.();
    throw missing instanceof SeqcastError ? missing : e.error;
  }
}

/** A file that does not exist: the caller may have more to say (`whenMissing`) than `error`. */
class Missing extends Error {
  constructor(readonly error: SeqcastError) {
    super(error.message);
  }
}

function readFile(path: string, options: ReadFileOptions): Uint8Array {
  const { maxBytes, what } = options;
  const code = options.code ?? 'io';
  let fd: number;
  try {
    fd = openSync(path, options.followLinks === true ? FOLLOW : NO_FOLLOW);
  } catch (e) {
    const error = openError(e, path, what, code);
    throw errorCode(e) === 'ENOENT' ? new Missing(error) : error;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) {
      throw new SeqcastError(
        code,
        `${lead(what)}'${path}' is ${kindOf(st)}, not a regular file; give a file`,
      );
    }
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const room = Math.min(CHUNK, maxBytes + 1 - total);
      const buffer = new Uint8Array(room);
      let bytesRead: number;
      try {
        bytesRead = readSync(fd, buffer, 0, room, null);
      } catch (e) {
        if ((e as { code?: string }).code === 'EAGAIN') continue;
        throw e;
      }
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) throw tooLargeError(path, options);
      chunks.push(bytesRead === room ? buffer : buffer.subarray(0, bytesRead));
    }
    return concat(chunks, total);
  } catch (e) {
    if (e instanceof SeqcastError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new SeqcastError(code, `${lead(what)}could not read '${path}': ${reason}`);
  } finally {
    closeSync(fd);
  }
}

/** `readRegularFile` decoded as UTF-8. */
export async function readRegularText(path: string, options: ReadFileOptions): Promise<string> {
  return new TextDecoder().decode(await readRegularFile(path, options));
}

function tooLargeError(path: string, options: ReadFileOptions): SeqcastError {
  return new SeqcastError(
    options.code ?? 'io',
    `${lead(options.what)}'${path}' is larger than ${formatBytes(options.maxBytes)}` +
      (options.tooLarge !== undefined ? `; ${options.tooLarge}` : ''),
  );
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** `what: `, or nothing for an empty `what` (the CLI prefixes its own name). */
function lead(what: string): string {
  return what === '' ? '' : `${what}: `;
}

function errorCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null ? (e as { code?: string }).code : undefined;
}

function openError(e: unknown, path: string, what: string, code: 'io' | 'weights'): SeqcastError {
  const errno = errorCode(e);
  const reason =
    errno === 'ENOENT'
      ? 'there is no such file'
      : errno === 'ELOOP'
        ? 'it is a symbolic link, and seqcast reads only regular files; copy the file itself there'
        : errno === 'EACCES' || errno === 'EPERM'
          ? 'permission denied; check its permissions'
          : errno === 'EISDIR'
            ? 'it is a folder, not a file'
            : e instanceof Error
              ? e.message
              : String(e);
  return new SeqcastError(code, `${lead(what)}could not read '${path}': ${reason}`);
}

function kindOf(st: {
  isDirectory(): boolean;
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isSocket()) return 'a socket';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  return 'not a regular file';
}

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(1)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} bytes`;
}
