/**
 * The one way seqcast reads a file the user names (Node only): a regular file, opened without following a
 * symbolic link, never a FIFO, a device or a folder, and never more than `maxBytes`. A FIFO would block for
 * ever, `/dev/zero` would grow until the process dies, and a link inside a model folder could read
 * `/etc/passwd` or another model's weights; each gets one clear message instead.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { SeqcastError } from '../errors.js';

export interface ReadFileOptions {
  /** The largest size accepted, in bytes. */
  readonly maxBytes: number;
  /** Names the reader in messages: `loadModel()`, `seqcast train`. */
  readonly what: string;
  /** How to fix a file that is too large, appended to that message. */
  readonly tooLarge?: string;
  /** The error code of the messages. Default 'io'. */
  readonly code?: 'io' | 'weights';
  /** The error for a file that does not exist, when the caller can say more than "there is no such file". */
  readonly whenMissing?: () => SeqcastError | Promise<SeqcastError>;
}

const FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);
const CHUNK = 1 << 20;

/** The bytes of the regular file at `path`; see the module comment. */
export async function readRegularFile(path: string, options: ReadFileOptions): Promise<Uint8Array> {
  const { maxBytes, what } = options;
  const code = options.code ?? 'io';
  let handle;
  try {
    handle = await open(path, FLAGS);
  } catch (e) {
    if (errorCode(e) === 'ENOENT' && options.whenMissing !== undefined) throw await options.whenMissing();
    throw openError(e, path, what, code);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) {
      throw new SeqcastError(code, `${what}: '${path}' is ${kindOf(st)}, not a regular file; give a file`);
    }
    // The size stat reports may be 0 (/proc) or change while reading: read in chunks, counting.
    const chunks: Uint8Array[] = [];
    let total = 0;
    for (;;) {
      const room = Math.min(CHUNK, maxBytes + 1 - total);
      const buffer = new Uint8Array(room);
      const { bytesRead } = await handle.read(buffer, 0, room, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) {
        throw new SeqcastError(
          code,
          `${what}: '${path}' is larger than ${formatBytes(maxBytes)}` +
            (options.tooLarge !== undefined ? `; ${options.tooLarge}` : ''),
        );
      }
      chunks.push(bytesRead === room ? buffer : buffer.subarray(0, bytesRead));
    }
    if (chunks.length === 1) return chunks[0];
    const out = new Uint8Array(total);
    let offset = 0;
    for (const c of chunks) {
      out.set(c, offset);
      offset += c.byteLength;
    }
    return out;
  } catch (e) {
    if (e instanceof SeqcastError) throw e;
    const reason = e instanceof Error ? e.message : String(e);
    throw new SeqcastError(code, `${what}: could not read '${path}': ${reason}`);
  } finally {
    await handle.close();
  }
}

/** `readRegularFile` decoded as UTF-8. */
export async function readRegularText(path: string, options: ReadFileOptions): Promise<string> {
  return new TextDecoder().decode(await readRegularFile(path, options));
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
  return new SeqcastError(code, `${what}: could not read '${path}': ${reason}`);
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
