import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openSse, openWs, send, start } from './helpers.js';
import { until } from '../support/wait';

async function isUp(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/debug/stats`)).ok;
  } catch {
    return false;
  }
}

describe('restart', () => {
  it('the restart fault drops everything, stays down, then listens on the same port with the log kept', async () => {
    const server = await start();
    server.publish({ data: 'a' });
    server.publish({ data: 'b' });
    const sse = await openSse(`${server.url}/events`);
    const ws = await openWs(`${server.url}/ws`);
    await sse.next();

    const res = await send(`${server.url}/faults`, 'POST', { restart: 400 });
    expect(res.json.restartMs).toBe(400);
    await sse.whenEnded();
    await ws.whenEnded();
    await expect(fetch(`${server.url}/debug/stats`)).rejects.toThrow();

    await until('the server to listen again', () => isUp(server.url));
    const resumed = await openSse(`${server.url}/events`, { headers: { 'Last-Event-ID': '1' } });
    expect((await resumed.events(1))[0]).toMatchObject({ id: '2', data: 'b' });
    expect(server.publish({ data: 'c' })).toBe('3');
  });

  it('restart(ms) resolves once listening again; streams and WebSockets work afterwards', async () => {
    const server = await start();
    const sse = await openSse(`${server.url}/events`);
    await sse.next();
    const began = Date.now();
    await server.restart(150);
    expect(Date.now() - began).toBeGreaterThanOrEqual(140);
    expect(sse.ended).toBe(true);
    expect(server.connectionCount()).toBe(0);
    const again = await openSse(`${server.url}/events`);
    const ws = await openWs(`${server.url}/ws`);
    server.publish({ data: 'after' });
    expect((await again.events(1))[0]?.data).toBe('after');
    expect(await ws.waitFor('a match', (f) => f.startsWith('id:'))).toBe('id: 1\ndata: after\n\n');
  });

  it('close() during the downtime resolves and cancels the relisten', async () => {
    const server = await start();
    const restarting = server.restart(10_000);
    await until('the server to go down', async () => !(await isUp(server.url)));
    const began = Date.now();
    await server.close();
    await restarting;
    expect(Date.now() - began).toBeLessThan(2000);
    expect(await isUp(server.url)).toBe(false);
  });
});

describe('robustness', () => {
  it('survives clients vanishing mid-write, mid-request and mid-handshake', async () => {
    const server = await start();
    // Mid-write: a 1 MB event dripping out slowly when the client leaves.
    await send(`${server.url}/faults`, 'POST', { drip: { chunkBytes: 512, intervalMs: 1 } });
    const leavers = await Promise.all(Array.from({ length: 5 }, () => openSse(`${server.url}/events`)));
    server.publish({ data: 'y'.repeat(1024 * 1024) });
    await Promise.all(leavers.map((r) => r.until('some chunks', () => r.chunks.length > 3)));
    for (const reader of leavers) reader.close();

    // Mid-request and mid-handshake, on bare sockets.
    const halfRequests = [
      `POST /publish HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{"data":`,
      `POST /events HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nabc`,
      `GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      `GET /events HTTP/1.1\r\nHost: x\r\n\r\n`,
    ];
    await Promise.all(
      halfRequests.map(
        (text) =>
          new Promise<void>((resolve) => {
            const socket = connect(server.port, '127.0.0.1', () => {
              socket.write(text);
              setImmediate(() => socket.destroy());
            });
            socket.on('close', () => resolve());
            socket.on('error', () => resolve());
          }),
      ),
    );
    for (let i = 0; i < 20; i++) server.publish({ data: `after ${i}` });
    await send(`${server.url}/faults`, 'DELETE');
    await until('every connection to be gone', () => server.connectionCount() === 0);
    const fresh = await openSse(`${server.url}/events?lastEventId=20`);
    expect((await fresh.events(1))[0]?.data).toBe('after 19');
  });

  it('close() destroys every socket and timer so the process can exit on its own', async () => {
    const script = fileURLToPath(new URL('./fixtures/close-exits.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 15_000);
      child.on('exit', (exitCode) => {
        clearTimeout(timer);
        resolve(exitCode);
      });
    });
    expect(output).toContain('closed with 0 connections');
    expect(code, `child did not exit by itself:\n${output}`).toBe(0);
  });
});
