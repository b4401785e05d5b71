/**
 * Debian's Chromium, launched by us rather than by a test driver, and driven over a bare
 * DevTools connection. The bench itself only uses the *browser* target (open the page, read the
 * version): no domain is ever enabled on the page, so nothing reports its events or frames back.
 * `send` with a session id is there for bench/profile.ts, which profiles on purpose.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export interface Chromium {
  /** e.g. "Chrome/156.0.8078.79" */
  readonly product: string;
  /** Opens `url` in a new tab; returns its target id. */
  open(url: string): Promise<string>;
  /** A raw DevTools command; with `sessionId`, to a page attached with Target.attachToTarget (flatten). */
  send<T>(method: string, params?: Record<string, unknown>, sessionId?: string): Promise<T>;
  close(): Promise<void>;
}

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-default-apps',
  '--disable-extensions',
  // The bench page is the only tab that matters; its timers must never be throttled.
  '--disable-background-timer-throttling',
  '--disable-renderer-backgrounding',
  '--disable-backgrounding-occluded-windows',
  // gc() between runs, so one run's garbage is not collected during the next.
  '--js-flags=--expose-gc',
  '--remote-debugging-port=0',
];

export function chromiumPath(): string {
  const found = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
    (path): path is string => Boolean(path) && existsSync(path as string),
  );
  if (!found)
    throw new Error("Chromium not found: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH");
  return found;
}

/** The DevTools browser endpoint, read from Chromium's stderr. */
function devtoolsUrl(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`Chromium printed no DevTools URL within ${timeoutMs} ms:\n${seen}`)),
      timeoutMs,
    );
    child.stderr?.on('data', (chunk: Buffer) => {
      seen += chunk.toString('utf8');
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code}) before DevTools was up:\n${seen}`));
    });
  });
}

/** Minimal CDP over one WebSocket: commands on the browser session, no page session at all. */
class Cdp {
  #nextId = 1;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  readonly #socket: WebSocket;

  constructor(socket: WebSocket) {
    this.#socket = socket;
    socket.on('message', (raw) => {
      const message = JSON.parse(raw.toString()) as { id?: number; result?: unknown; error?: { message: string } };
      const waiter = message.id === undefined ? undefined : this.#pending.get(message.id);
      if (!waiter) return;
      this.#pending.delete(message.id as number);
      if (message.error) waiter.reject(new Error(message.error.message));
      else waiter.resolve(message.result);
    });
    socket.on('close', () => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error('DevTools connection closed'));
      this.#pending.clear();
    });
  }

  send<T>(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<T> {
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.#socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });
  }
}

export async function launchChromium(): Promise<Chromium> {
  const profile = await mkdtemp(join(tmpdir(), 'bench-chromium-'));
  const child = spawn(chromiumPath(), [...FLAGS, `--user-data-dir=${profile}`, 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const cleanup = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
    // Chromium's helpers may still be writing to the profile for a moment after the browser exits.
    await rm(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }).catch(() => {});
  };
  try {
    const endpoint = await devtoolsUrl(child, 20_000);
    const socket = new WebSocket(endpoint, { perMessageDeflate: false });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    const cdp = new Cdp(socket);
    const version = await cdp.send<{ product: string }>('Browser.getVersion');
    return {
      product: version.product,
      async open(url) {
        return (await cdp.send<{ targetId: string }>('Target.createTarget', { url })).targetId;
      },
      send: (method, params, sessionId) => cdp.send(method, params, sessionId),
      async close() {
        await cdp.send('Browser.close').catch(() => {});
        socket.close();
        await cleanup();
      },
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}
