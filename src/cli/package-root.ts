/**
 * The installed package's root folder (the one holding seqcast's package.json), found by walking up from
 * this module. The module's own depth differs between src/cli/ (tests run the sources), a bundle chunk in
 * dist/ and the command at dist/cli/, so no fixed relative path fits all three.
 */
import { existsSync, readFileSync } from 'node:fs';

interface Found {
  readonly root: URL;
  readonly version: string;
}

let found: Found | undefined;

function find(): Found {
  if (found !== undefined) return found;
  let dir = new URL('./', import.meta.url);
  for (;;) {
    const file = new URL('package.json', dir);
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'seqcast') {
        found = { root: dir, version: String(pkg.version) };
        return found;
      }
    }
    const parent = new URL('../', dir);
    if (parent.href === dir.href)
      throw new Error(
        `seqcast: no package.json of seqcast above ${import.meta.url}; the installation is incomplete`,
      );
    dir = parent;
  }
}

export function packageRoot(): URL {
  return find().root;
}

/** The package's version, from its package.json. */
export function packageVersion(): string {
  return find().version;
}
