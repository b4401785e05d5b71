/**
 * Shared helpers for the reference-server tests: a server per test, JSON
 * requests, polling; readers for SSE and WebSocket are re-exported.
 */
import { onTestFinished } from 'vitest';
import { startServer, type RunningServer, type ServerOptions } from '../../playground/server/server.js';

export { openSse, parseBlock, SseReader, type SseBlock } from './sse-reader.js';
export { openWs, upgradeStatus, WsReader } from './ws-reader.js';

/** Starts a quiet server (no producers) that is closed when the test ends. */
export async function start(options: ServerOptions = {}): Promise<RunningServer> {
  const server = await startServer({ producers: false, ...options });
  onTestFinished(() => server.close());
  return server;
}

/** Sends JSON (or a raw string body) and returns the status and parsed answer. */
export async function send(
  url: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> & { error?: string } }> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers = { 'Content-Type': 'application/json' };
  }
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
