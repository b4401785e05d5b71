import { describe, expect, it, onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { start, upgradeStatus } from './helpers.js';
import { until } from '../support/wait';

/** Every message of one /ws-raw connection as it arrived, and how the server closed it. */
async function receive(
  url: string,
): Promise<{ frames: { binary: boolean; bytes: Buffer }[]; code: number; reason: string }> {
  const ws = new WebSocket(url.replace(/^http/, 'ws'));
  onTestFinished(() => ws.terminate());
  const frames: { binary: boolean; bytes: Buffer }[] = [];
  ws.on('message', (data: Buffer, binary: boolean) => frames.push({ binary, bytes: data }));
  return new Promise((resolve, reject) => {
    ws.once('error', reject);
    ws.once('close', (code: number, reason: Buffer) => resolve({ frames, code, reason: reason.toString() }));
  });
}

const b64 = (body: string | Buffer): string => Buffer.from(body).toString('base64url');

describe('raw WebSocket route /ws-raw', () => {
  it('sends the text as text messages split at character offsets, then closes with 1000', async () => {
    const server = await start();
    // Cuts between CR and LF, after a BOM, and on both sides of a four-byte character.
    const text = '\uFEFFdata: a\r\ndata: 😀!\n\n';
    const { frames, code } = await receive(`${server.url}/ws-raw?b=${b64(text)}&frames=1,9,16,17`);
    expect(frames.map((f) => f.binary)).toEqual([false, false, false, false, false]);
    expect(frames.map((f) => f.bytes.toString('utf8'))).toEqual(['\uFEFF', 'data: a\r', '\ndata: ', '😀', '!\n\n']);
    expect(code).toBe(1000);
  });

  it('with binary=1 sends binary messages split at byte offsets, cutting a UTF-8 sequence if asked', async () => {
    const server = await start();
    const bytes = Buffer.from('data: ✓\n\n');
    const { frames } = await receive(`${server.url}/ws-raw?b=${b64(bytes)}&frames=7,8&binary=1`);
    expect(frames.map((f) => f.binary)).toEqual([true, true, true]);
    expect(frames.map((f) => [...f.bytes])).toEqual([
      [...bytes.subarray(0, 7)],
      [...bytes.subarray(7, 8)],
      [...bytes.subarray(8)],
    ]);
    expect(Buffer.concat(frames.map((f) => f.bytes)).equals(bytes)).toBe(true);
  });

  it('closes with the close= code, and ignores offsets outside the text or repeated', async () => {
    const server = await start();
    const { frames, code } = await receive(
      `${server.url}/ws-raw?b=${b64('data: x\n\n')}&frames=0,4,4,99,-1&close=4001`,
    );
    expect(frames.map((f) => f.bytes.toString())).toEqual(['data', ': x\n\n']);
    expect(code).toBe(4001);
  });

  it('keeps the socket open with hold=1 until the client leaves', async () => {
    const server = await start();
    const ws = new WebSocket(`${server.url.replace(/^http/, 'ws')}/ws-raw?b=${b64('data: held\n\n')}&hold=1`);
    onTestFinished(() => ws.terminate());
    const first = await new Promise<string>((resolve) =>
      ws.once('message', (data: Buffer) => resolve(data.toString())),
    );
    expect(first).toBe('data: held\n\n');
    let closed = false;
    ws.on('close', () => (closed = true));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(closed, 'still open after 200 ms').toBe(false);
    expect(ws.readyState).toBe(WebSocket.OPEN);
  });

  it('records the upgrade like /ws (endpoint, URL, lastEventId from the query)', async () => {
    const server = await start();
    const path = `/ws-raw?b=${b64('data: x\n\n')}&lastEventId=%C3%BC7`;
    await receive(`${server.url}${path}`);
    await until('the recorded upgrade', () => server.requests.length === 1);
    expect(server.requests[0]).toMatchObject({
      endpoint: 'ws',
      method: 'GET',
      url: path,
      lastEventId: 'ü7',
      status: 101,
    });
  });

  it('refuses bad parameters with 400 (recorded), and answers plain HTTP with 426', async () => {
    const server = await start();
    const bad = [`b=${b64(Buffer.from([0x64, 0xff]))}`, 'frames=1,x', 'close=1006', 'close=999', 'close=2000'];
    for (const query of bad) expect(await upgradeStatus(`${server.url}/ws-raw?${query}`), query).toBe(400);
    expect(server.requests.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
    // Bytes that are not UTF-8 can still go out as binary messages.
    const { frames } = await receive(`${server.url}/ws-raw?${bad[0]}&binary=1`);
    expect(frames.map((f) => [...f.bytes])).toEqual([[0x64, 0xff]]);
    expect((await fetch(`${server.url}/ws-raw`)).status).toBe(426);
  });
});
