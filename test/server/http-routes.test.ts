import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../../playground/server/static-files.js';
import { openSse, start } from './helpers.js';

let root = '';
const files: Record<string, string> = {
  'playground/index.html': '<!doctype html><title>playground</title>',
  'playground/app.js': 'export const x = 1;',
  'playground/style.css': 'body{}',
  'playground/server/server.ts': 'secret source',
  'dist/index.js': 'export {};',
  'test/e2e/fixtures/page.html': '<!doctype html><title>fixture</title>',
  'SECRET.txt': 'top secret',
};

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'res-static-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  writeFileSync(join(root, 'playground/pixel.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** GET with the path sent verbatim (fetch would normalise `..` away). */
function rawGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('static files', () => {
  it('serves the playground, assets, dist and mounted fixtures with content types; CSP on HTML only', async () => {
    const server = await start({ staticRoot: root, staticMounts: { '/fixtures/': 'test/e2e/fixtures' } });
    const cases: Array<[string, string, string]> = [
      ['/', 'text/html; charset=utf-8', files['playground/index.html'] ?? ''],
      ['/assets/app.js', 'text/javascript; charset=utf-8', 'export const x = 1;'],
      ['/assets/style.css', 'text/css; charset=utf-8', 'body{}'],
      ['/dist/index.js', 'text/javascript; charset=utf-8', 'export {};'],
      ['/fixtures/page.html', 'text/html; charset=utf-8', files['test/e2e/fixtures/page.html'] ?? ''],
    ];
    for (const [path, type, body] of cases) {
      const res = await fetch(`${server.url}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type'), path).toBe(type);
      expect(await res.text(), path).toBe(body);
      expect(res.headers.get('content-security-policy'), path).toBe(type.startsWith('text/html') ? CSP : null);
    }
    const png = await fetch(`${server.url}/assets/pixel.png`);
    expect(png.headers.get('content-type')).toBe('image/png');
    expect(new Uint8Array(await png.arrayBuffer())).toEqual(new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
  });

  it('answers 404 for missing files, unknown types and a missing uplot', async () => {
    const server = await start({ staticRoot: root });
    for (const path of ['/assets/nope.js', '/assets/server/server.ts', '/vendor/uplot/uPlot.iife.min.js', '/nothing']) {
      expect((await fetch(`${server.url}${path}`)).status, path).toBe(404);
    }
  });

  it('serves nothing from test/ unless a test mounts it', async () => {
    const server = await start({ staticRoot: root });
    expect((await fetch(`${server.url}/fixtures/page.html`)).status).toBe(404);
  });

  it('never serves files outside the mounted folders', async () => {
    const server = await start({ staticRoot: root, staticMounts: { '/fixtures/': 'test/e2e/fixtures' } });
    const attempts = [
      '/assets/../SECRET.txt',
      '/assets/..%2fSECRET.txt',
      '/assets/%2e%2e/SECRET.txt',
      '/assets/%2e%2e%2fSECRET.txt',
      '/assets/..%5cSECRET.txt',
      '/fixtures/..%2f..%2f..%2fSECRET.txt',
      '/dist/%2e%2e%2f%2e%2e%2fSECRET.txt',
      '/assets/%00../SECRET.txt',
    ];
    for (const path of attempts) {
      const res = await rawGet(server.port, path);
      expect([403, 404], path).toContain(res.status);
      expect(res.body, path).not.toContain('top secret');
    }
  });
});

describe('raw route', () => {
  const b64 = (text: string): string => Buffer.from(text).toString('base64url');

  it('writes the exact bytes with the given status and type, then ends', async () => {
    const server = await start();
    const body = 'data: caf\u00e9\r\n\r\n:x\n';
    const res = await fetch(`${server.url}/raw?b=${b64(body)}&status=201&type=text%2Fplain`);
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(Buffer.from(await res.arrayBuffer()).equals(Buffer.from(body))).toBe(true);
  });

  it('omits the content type with type=none', async () => {
    const server = await start();
    const res = await fetch(`${server.url}/raw?b=${b64('x')}&type=none`);
    expect(res.headers.get('content-type')).toBeNull();
    expect(await res.text()).toBe('x');
  });

  it('splits at the chunk offsets with a pause between writes, and holds the stream open', async () => {
    const server = await start();
    const body = 'data: one\n\ndata: two\n\n';
    const reader = await openSse(`${server.url}/raw?b=${b64(body)}&hold=1&chunks=3,11`);
    expect(reader.response.headers.get('content-type')).toBe('text/event-stream');
    await reader.until('the whole body', () => reader.text === body);
    // Reads may merge under load, but never split anywhere but at the requested offsets.
    let offset = 0;
    const boundaries = reader.chunks.map((c) => (offset += c.bytes.length)).slice(0, -1);
    expect(boundaries.length).toBeGreaterThanOrEqual(1);
    for (const at of boundaries) expect([3, 11]).toContain(at);
    const first = reader.chunks[0];
    const last = reader.chunks[reader.chunks.length - 1];
    expect((last?.t ?? 0) - (first?.t ?? 0)).toBeGreaterThanOrEqual(15);
    // Still open a while later (nothing to wait on: the point is that nothing happens).
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(reader.ended).toBe(false);
    await server.close();
    await reader.whenEnded();
  });

  it('rejects a bad status', async () => {
    const server = await start();
    expect((await fetch(`${server.url}/raw?b=&status=abc`)).status).toBe(400);
  });
});

describe('CORS', () => {
  it('answers preflights and echoes the origin with credentials', async () => {
    const server = await start();
    const origin = 'http://other.test:9999';
    const pre = await fetch(`${server.url}/events`, {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'last-event-id',
      },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe(origin);
    expect(pre.headers.get('access-control-allow-credentials')).toBe('true');
    expect(pre.headers.get('access-control-allow-headers')).toContain('Last-Event-ID');
    expect(pre.headers.get('access-control-allow-methods')).toContain('POST');

    const sse = await openSse(`${server.url}/events`, { headers: { Origin: origin } });
    expect(sse.response.headers.get('access-control-allow-origin')).toBe(origin);
    expect(sse.response.headers.get('access-control-allow-credentials')).toBe('true');
  });
});
