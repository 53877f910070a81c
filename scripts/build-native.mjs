#!/usr/bin/env node
/**
 * Builds the optional native kernel (native/ → native/build/Release/seqcast_native.node) with the node-gyp
 * that npm bundles, then checks that the addon loads.
 *
 *   node scripts/build-native.mjs             never fails: without a compiler, or when the build fails,
 *                                             prints one line and exits 0 (seqcast then uses its
 *                                             WebAssembly/JavaScript kernels)
 *   node scripts/build-native.mjs --strict    a failure prints the build log and exits 1 (for CI)
 *   node scripts/build-native.mjs --verbose   also prints the build log on success
 *
 * The build output is kept quiet unless it fails.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const strict = process.argv.includes('--strict');
const verbose = process.argv.includes('--verbose');
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const NATIVE = path.join(ROOT, 'native');
const ADDON = path.join(NATIVE, 'build', 'Release', 'seqcast_native.node');

/** Ends the script: success, or the one-line notice (and the log in strict or verbose mode). */
function finish(ok, reason, log = '') {
  if (ok) {
    if (verbose && log) process.stdout.write(log);
    process.exit(0);
  }
  if ((strict || verbose) && log) process.stderr.write(log.endsWith('\n') ? log : `${log}\n`);
  console.error(
    `seqcast: the native kernel is unavailable (${reason}); seqcast uses its WebAssembly/JavaScript kernels.` +
      (strict || verbose ? '' : ' Run `node scripts/build-native.mjs --verbose` to see why.'),
  );
  process.exit(strict ? 1 : 0);
}

/** The node-gyp script that npm bundles: named by npm inside npm scripts, else next to npm's install. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    path.join(
      path.dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
    // Windows installs keep npm beside node.exe
    path.join(
      path.dirname(process.execPath),
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  return candidates.find((p) => p && existsSync(p)) ?? null;
}

/**
 * Node's headers: npm's `nodedir` setting when given (node-gyp reads it from the environment), else the
 * headers installed beside this node binary (<prefix>/include/node), else none (node-gyp then uses its
 * cache or downloads them).
 */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = path.join(path.dirname(process.execPath), '..');
  const headers = path.join(prefix, 'include', 'node');
  if (existsSync(path.join(headers, 'node_api.h')) && existsSync(path.join(headers, 'common.gypi'))) {
    return [`--nodedir=${path.resolve(prefix)}`];
  }
  return [];
}

function main() {
  const nodeGyp = findNodeGyp();
  if (nodeGyp === null) finish(false, "npm's node-gyp was not found");

  const args = [nodeGyp, 'rebuild', '-C', NATIVE, '--release', '--jobs=max', ...nodedirArgs()];
  const run = spawnSync(process.execPath, args, {
    cwd: ROOT,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
    timeout: 10 * 60 * 1000,
    env: { ...process.env, npm_config_loglevel: process.env.npm_config_loglevel ?? 'warn' },
  });
  const log = `${run.stdout ?? ''}${run.stderr ?? ''}`;
  if (run.error) finish(false, `node-gyp could not run: ${run.error.message}`, log);
  if (run.status !== 0) {
    const noCompiler =
      /not found: (make|c\+\+|g\+\+)|(c\+\+|g\+\+|clang\+\+|cc): (Command not found|No such file)|could not find any Visual Studio|find Python/i.test(
        log,
      );
    finish(
      false,
      noCompiler ? 'no C++ toolchain was found' : `the build failed (node-gyp exit ${run.status})`,
      log,
    );
  }
  if (!existsSync(ADDON)) finish(false, `the build produced no ${path.relative(ROOT, ADDON)}`, log);

  // The addon must load and answer here, or it is no use.
  try {
    const addon = createRequire(import.meta.url)(ADDON);
    const info = addon.info();
    if (verbose) process.stdout.write(log);
    console.log(
      `seqcast: native kernel built (${info.isa}, up to ${info.maxThreads} thread${info.maxThreads === 1 ? '' : 's'}).`,
    );
    process.exit(0);
  } catch (e) {
    finish(false, `the built addon does not load: ${e instanceof Error ? e.message : String(e)}`, log);
  }
}

try {
  main();
} catch (e) {
  finish(false, `the build script failed: ${e instanceof Error ? e.message : String(e)}`);
}
