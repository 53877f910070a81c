/**
 * The one way seqcast writes an output folder (a report folder, the demo's folder), Node only: everything
 * is written into a temporary sibling, `.NAME.writing-PID-TAG`, synced to disk, and only then renamed into
 * place, as `saveModel` does for a model. A run that is killed, or fails (a full disk, a plot that cannot be
 * drawn), leaves the folder as it was: never new plots over an old report, never a report.json describing
 * a model that was not saved.
 *
 * `--force` replaces a folder only when everything in it is something seqcast writes (report.md,
 * report.json, plots, a model/ folder, the demo's report subfolders); a folder holding anything else is
 * refused before any work starts, and checked again just before the swap. Leftovers of runs that were
 * killed (`.NAME.writing-…`, `.NAME.replaced-…` of a process that no longer runs) are cleaned up: a
 * replaced folder whose swap was interrupted is put back.
 */
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { SeqcastError } from '../errors.js';
import { systemErrorMessage } from './system-errors.js';

export interface OutputFolderOptions {
  /** Replace a folder that seqcast wrote before. */
  readonly force: boolean;
  /** The flag that named the folder, for messages. Default '--out'. */
  readonly flag?: string;
}

const REPORT_FILE = /^(report\.(md|json)|forecast\.csv|[\w.-]+\.(svg|png))$/;
const MODEL_FILE = /^(model\.json|group\d+-shard\d+of\d+\.bin|weights\.bin)$/;
const MODEL_LEFTOVER = /^\.model\.(saving|replaced)-/;

/**
 * Checks, before any work, that `target` may be written: absent, an empty folder, or (with force) a folder
 * that holds only what seqcast writes. Also refuses an empty path, an over-long name and a path under a file.
 */
export function checkOutputFolder(target: string, options: OutputFolderOptions): void {
  const flag = options.flag ?? '--out';
  checkOutputPath(target, flag);
  cleanLeftovers(target);
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) {
    throw new SeqcastError('io', `'${target}' exists and is a file; give a folder path for ${flag}`);
  }
  const entries = readdirSync(target);
  if (entries.length === 0) return;
  if (!options.force) {
    throw new SeqcastError(
      'io',
      `'${target}' already exists and is not empty; choose another ${flag} or pass --force to replace it`,
    );
  }
  const foreign = foreignEntries(target);
  if (foreign.length > 0) {
    throw new SeqcastError(
      'io',
      `'${target}' holds files seqcast did not write (${preview(foreign)}); --force replaces only a folder ` +
        `seqcast wrote — move those files, or choose another ${flag}`,
    );
  }
}

/**
 * What can be said of an output path before anything is written: not empty, no name longer than 255 bytes,
 * and no parent that is a file.
 */
export function checkOutputPath(path: string, flag: string): void {
  if (path.trim() === '') throw new SeqcastError('config', `${flag} is empty; give a path`);
  const tooLong = path.split(/[\\/]/).find((part) => Buffer.byteLength(part) > 255);
  if (tooLong !== undefined) {
    throw new SeqcastError(
      'io',
      `${flag}: the name '${tooLong.slice(0, 40)}…' is ${Buffer.byteLength(tooLong)} bytes long; file systems allow 255 — give a shorter name`,
    );
  }
  for (let parent = dirname(resolve(path)); ; parent = dirname(parent)) {
    if (existsSync(parent)) {
      if (!statSync(parent).isDirectory()) {
        throw new SeqcastError(
          'io',
          `${flag} '${path}': '${parent}' is a file, not a folder; give a path whose folders are folders`,
        );
      }
      return;
    }
    if (dirname(parent) === parent) return;
  }
}

/**
 * Runs `write(dir)` with `dir` a new temporary folder beside `target`, then puts that folder at `target`
 * (see the module comment) and returns what `write` returned. When `write` or the swap fails, the temporary
 * folder is removed and `target` is unchanged; the error says so.
 */
export async function writeOutputFolder<T>(
  target: string,
  options: OutputFolderOptions,
  write: (dir: string) => Promise<T>,
): Promise<T> {
  checkOutputFolder(target, options);
  const full = resolve(target);
  const parent = dirname(full);
  const name = basename(full);
  await makeFolders(parent);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = join(parent, `.${name}.writing-${tag}`);
  const unchanged = existsSync(full) ? `'${target}' is unchanged` : 'nothing was written';
  let result: T;
  try {
    await mkdir(temp);
    result = await write(temp);
    await syncTree(temp);
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw failed(e, unchanged, target);
  }
  try {
    checkOutputFolder(target, options); // again: the folder may have changed while we worked
    await swapInto(temp, full, tag);
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    throw failed(e, unchanged, target);
  }
  return result;
}

/** Creates `folder` and its missing parents one by one (Node's recursive mkdir can spin for ever in /proc). */
export async function makeFolders(folder: string): Promise<void> {
  const missing: string[] = [];
  for (let f = resolve(folder); !existsSync(f); f = dirname(f)) {
    missing.push(f);
    if (dirname(f) === f) break;
  }
  for (const f of missing.reverse()) {
    try {
      await mkdir(f);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EEXIST') throw e;
    }
  }
}

/** The entries under `dir` that seqcast does not write, as paths relative to it. */
function foreignEntries(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const rel = `${prefix}${entry.name}`;
    const path = join(dir, entry.name);
    if (entry.isFile() && REPORT_FILE.test(entry.name)) continue;
    if (entry.isDirectory() && MODEL_LEFTOVER.test(entry.name)) continue;
    if (entry.isDirectory() && entry.name === 'model') {
      for (const m of readdirSync(path, { withFileTypes: true })) {
        if (!(m.isFile() && MODEL_FILE.test(m.name))) out.push(`${rel}/${m.name}`);
      }
      continue;
    }
    // the demo's folder holds one report folder per pipeline
    if (entry.isDirectory() && existsSync(join(path, 'report.json'))) {
      out.push(...foreignEntries(path, `${rel}/`));
      continue;
    }
    out.push(entry.isDirectory() ? `${rel}/` : rel);
  }
  return out;
}

/** Moves the finished temporary folder to `target`, replacing what is there (already checked). */
async function swapInto(temp: string, target: string, tag: string): Promise<void> {
  let present = true;
  try {
    await stat(target);
  } catch {
    present = false;
  }
  if (!present) {
    await rename(temp, target);
    await syncFolder(dirname(target));
    return;
  }
  const aside = join(dirname(target), `.${basename(target)}.replaced-${tag}`);
  await rename(target, aside);
  try {
    await rename(temp, target);
  } catch (e) {
    await rename(aside, target);
    throw e;
  }
  await syncFolder(dirname(target));
  await rm(aside, { recursive: true, force: true });
}

/**
 * Removes what killed runs left beside `target` (`.NAME.writing-PID-TAG` of this writer, `.NAME.saving-…` of
 * saveModel, of processes that no longer run); puts back a folder whose swap was interrupted
 * (`.NAME.replaced-…` while NAME is missing).
 */
export function cleanLeftovers(target: string): void {
  const full = resolve(target);
  const parent = dirname(full);
  const name = basename(full);
  if (!existsSync(parent)) return;
  const pattern = new RegExp(`^\\.${escapeRegExp(name)}\\.(writing|saving|replaced)-(\\d+)-[0-9a-f]+$`);
  for (const entry of readdirSync(parent)) {
    const m = pattern.exec(entry);
    if (m === null || alive(Number(m[2]))) continue;
    const path = join(parent, entry);
    if (m[1] === 'replaced' && !existsSync(full)) renameSync(path, full);
    else rmSync(path, { recursive: true, force: true });
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === 'EPERM';
  }
}

/** fsync of every file and folder under `dir`, so that the rename publishes complete files. */
async function syncTree(dir: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) await syncTree(path);
    else if (entry.isFile()) await syncFile(path);
  }
  await syncFolder(dir);
}

async function syncFile(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** fsync of a folder, so that renames and new entries are on disk; Windows cannot open folders for it. */
async function syncFolder(folder: string): Promise<void> {
  if (process.platform === 'win32') return;
  await syncFile(folder);
}

function failed(e: unknown, unchanged: string, target: string): SeqcastError {
  if (e instanceof SeqcastError) {
    return e.message.includes(unchanged) ? e : new SeqcastError(e.code, `${e.message}; ${unchanged}`);
  }
  // a write through a file handle names no path: name the folder being written
  const named =
    typeof e === 'object' && e !== null && typeof (e as { path?: unknown }).path !== 'string'
      ? {
          ...(e as object),
          code: (e as { code?: unknown }).code,
          syscall: (e as { syscall?: unknown }).syscall,
          path: target,
        }
      : e;
  const sys = systemErrorMessage(named);
  if (sys !== null) return new SeqcastError('io', `${sys}; ${unchanged}`);
  const reason = e instanceof Error ? e.message : String(e);
  return new SeqcastError('io', `could not write the output folder: ${reason}; ${unchanged}`);
}

function preview(names: readonly string[]): string {
  const shown = names.slice(0, 3).map((n) => `'${n}'`);
  return names.length > 3 ? `${shown.join(', ')} and ${names.length - 3} more` : shown.join(', ');
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Writes one output file (`forecast --output`) the same way: into `.NAME.writing-PID-TAG` beside it, synced,
 * then renamed over `path`, so a reader sees the old file or the whole new one, never half of it.
 */
export async function writeOutputFile(path: string, data: string | Uint8Array): Promise<void> {
  const full = resolve(path);
  const tag = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const temp = join(dirname(full), `.${basename(full)}.writing-${tag}`);
  const unchanged = existsSync(full) ? `'${path}' is unchanged` : 'nothing was written';
  try {
    await makeFolders(dirname(full));
    cleanLeftovers(full);
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, full);
    await syncFolder(dirname(full));
  } catch (e) {
    await rm(temp, { force: true }).catch(() => undefined); // nothing to remove where the path cannot be
    throw failed(e, unchanged, path);
  }
}
