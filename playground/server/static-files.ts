/**
 * Static files for the playground and browser tests. HTML carries a strict CSP
 * so pages prove the SDK works without inline script or eval.
 */
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendText } from './http-util.js';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:";

/** The repository root (this file lives in playground/server/). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** URL prefix → directory (relative to the root, or absolute). */
export type StaticMounts = Readonly<Record<string, string>>;

/** What the playground page itself needs; test pages are mounted by the tests (`staticMounts`). */
const MOUNTS: StaticMounts = {
  '/assets/': 'playground',
  '/dist/': 'dist',
  '/vendor/uplot/': 'node_modules/uplot/dist',
};

const findMount = (mounts: StaticMounts, pathname: string): [string, string] | undefined =>
  Object.entries({ ...MOUNTS, ...mounts }).find(([prefix]) => pathname.startsWith(prefix));

type Resolved = { file: string } | { status: 403 | 404 };

/** Maps a URL path to a file inside one mount, refusing anything that could escape it. */
export function resolveStatic(root: string, pathname: string, mounts: StaticMounts = {}): Resolved {
  if (pathname === '/' || pathname === '/index.html') return { file: resolve(root, 'playground/index.html') };
  const mount = findMount(mounts, pathname);
  if (!mount) return { status: 404 };
  let rel: string;
  try {
    rel = decodeURIComponent(pathname.slice(mount[0].length));
  } catch {
    return { status: 404 };
  }
  // Decoded `..`, backslashes and NULs are traversal attempts whatever the URL parser did.
  if (rel.includes('\0') || rel.includes('\\') || rel.split('/').some((part) => part === '..')) return { status: 403 };
  const base = resolve(root, mount[1]);
  const file = resolve(base, rel);
  if (!file.startsWith(base + sep)) return { status: 403 };
  if (!(extname(file).toLowerCase() in TYPES)) return { status: 404 };
  return { file };
}

/** Serves GET/HEAD for static paths; returns false when the path is not a static route. */
export async function serveStatic(
  req: IncomingMessage,
  res: ServerResponse,
  root: string,
  mounts: StaticMounts = {},
): Promise<boolean> {
  const pathname = (req.url ?? '/').split('?')[0] ?? '/';
  const resolved = resolveStatic(root, pathname, mounts);
  if ('status' in resolved) {
    if (resolved.status === 404 && !findMount(mounts, pathname)) return false;
    sendText(res, resolved.status, resolved.status === 403 ? 'forbidden\n' : 'not found\n');
    return true;
  }
  let body: Buffer;
  try {
    if (!(await stat(resolved.file)).isFile()) throw new Error('not a file');
    body = await readFile(resolved.file);
  } catch {
    sendText(res, 404, 'not found\n');
    return true;
  }
  if (res.destroyed || res.headersSent) return true;
  const type = TYPES[extname(resolved.file).toLowerCase()] ?? 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type,
    'Content-Length': body.length,
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...(type.startsWith('text/html') ? { 'Content-Security-Policy': CSP } : {}),
  });
  res.end(req.method === 'HEAD' ? undefined : body);
  return true;
}
