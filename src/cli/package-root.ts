/**
 * The installed package's root folder (the one holding seqcast's package.json), found by walking up from
 * this module. The module's own depth differs between src/cli/ (tests run the sources), a bundle chunk in
 * dist/ and the command at dist/cli/, so no fixed relative path fits all three.
 */
import { existsSync, readFileSync } from 'node:fs';

let root: URL | undefined;

export function packageRoot(): URL {
  if (root !== undefined) return root;
  let dir = new URL('./', import.meta.url);
  for (;;) {
    const file = new URL('package.json', dir);
    if (
      existsSync(file) &&
      (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name === 'seqcast'
    ) {
      root = dir;
      return dir;
    }
    const parent = new URL('../', dir);
    if (parent.href === dir.href)
      throw new Error(
        `seqcast: no package.json of seqcast above ${import.meta.url}; the installation is incomplete`,
      );
    dir = parent;
  }
}

/** The package's version, from its package.json. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('package.json', packageRoot()), 'utf8')) as { version: string };
  return pkg.version;
}
