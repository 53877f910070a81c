/**
 * A file-system error that reached the command line (a Node `SystemError`: ENOSPC while writing a report,
 * EACCES on a read-only folder, …) as one sentence that names the path and the fix, instead of
 * "internal error: ENOSPC: no space left on device, write".
 */
const FIXES: Record<string, string> = {
  ENOSPC: 'the disk is full: free some space, or write somewhere else (--out, --output)',
  EDQUOT: 'the disk quota is used up: free some space, or write somewhere else (--out, --output)',
  EACCES: 'permission denied: choose a place you may write to, or change its permissions',
  EPERM: 'the operation is not permitted there: choose another place, or change its permissions',
  EROFS: 'the file system is read-only: write somewhere else (--out, --output)',
  ENOTDIR: 'a part of the path is a file, not a folder: give a path whose folders are folders',
  EISDIR: 'it is a folder: give a file name',
  ENAMETOOLONG: 'the name is too long for the file system: give a shorter path',
  ENOENT: 'there is no such file or folder (is a parent folder missing?)',
  EEXIST: 'it already exists: choose another name',
  EMFILE: 'too many files are open: close other programs, or raise the limit (ulimit -n)',
  ELOOP: 'the path has a loop of symbolic links: give the real path',
  EIO: 'the disk reported an input/output error: check the disk',
};

const VERBS: Record<string, string> = {
  open: 'open',
  read: 'read',
  write: 'write',
  mkdir: 'create the folder',
  rename: 'rename',
  rmdir: 'remove the folder',
  unlink: 'remove',
  scandir: 'list the folder',
  stat: 'look at',
  lstat: 'look at',
  copyfile: 'copy',
  fsync: 'write to disk',
};

/** The one-line message for a Node file-system error, or null when `e` is not one. */
export function systemErrorMessage(e: unknown): string | null {
  if (typeof e !== 'object' || e === null) return null;
  const { code, syscall, path } = e as { code?: unknown; syscall?: unknown; path?: unknown };
  if (typeof code !== 'string' || !/^E[A-Z]+$/.test(code) || typeof syscall !== 'string') return null;
  const fix = FIXES[code] ?? `the system said ${code}`;
  const verb = VERBS[syscall] ?? syscall;
  const where = typeof path === 'string' ? ` '${path.length > 200 ? `${path.slice(0, 200)}…` : path}'` : '';
  return `could not ${verb}${where}: ${fix}`;
}
