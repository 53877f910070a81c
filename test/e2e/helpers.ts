/**
 * What the playground's end-to-end tests need: the built site (web/dist, rebuilt when older than its
 * sources), a static server for it on localhost, and Debian's Chromium launched headless without network
 * chatter.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { Browser } from 'playwright-core';
import { chromium } from 'playwright-core';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const SITE = join(REPO, 'web', 'dist');
export const ARTIFACTS = join(REPO, 'test-artifacts');
export const CHROMIUM = process.env.SEQCAST_CHROMIUM ?? '/usr/bin/chromium';

/** The newest modification time of the files under `path` (0 when it does not exist). */
function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

/**
 * Builds web/dist when it is missing or older than the page's sources or the library build it bundles.
 * `npm test` builds both first (pretest); this keeps `npx vitest run test/e2e` honest after an edit.
 */
export function ensureSite(): void {
  if (!existsSync(join(REPO, 'dist', 'index.js'))) {
    throw new Error("the library is not built (dist/index.js is missing): run 'npm run build' first");
  }
  const built = existsSync(join(SITE, 'index.html')) ? statSync(join(SITE, 'index.html')).mtimeMs : 0;
  const sources = Math.max(
    newest(join(REPO, 'web', 'src')),
    newest(join(REPO, 'web', 'index.html')),
    newest(join(REPO, 'web', 'vite.config.ts')),
    newest(join(REPO, 'dist')),
  );
  if (built > sources) return;
  execFileSync(
    process.execPath,
    [join(REPO, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', 'web', '--logLevel', 'warn'],
    {
      cwd: REPO,
      stdio: 'inherit',
    },
  );
}

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
};

/** Serves `root` on 127.0.0.1 at a free port; resolves with the server and its base URL. */
export async function serve(root: string): Promise<{ server: Server; url: string }> {
  const base = resolve(root);
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const file = normalize(join(base, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(base + sep) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'cache-control': 'no-store',
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}/` };
}

/**
 * Chromium, headless, sandbox off (root in a container), no GPU, and nothing that reaches the network.
 * Playwright gives it a fresh temporary profile (--user-data-dir) and deletes it on close.
 */
export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-default-apps',
      '--disable-extensions',
    ],
  });
}
