/**
 * Idle SSE clients (a child process with IPC): raw sockets that send one GET and
 * then only look for fan-out events in what arrives, recording each one's latency.
 */
import { connect, type Socket } from 'node:net';

export type ClientsRequest = { type: 'open'; port: number; count: number } | { type: 'collect' } | { type: 'close' };

const sockets: Socket[] = [];
let latencies: number[] = [];
const FAN = /"k":(\d+),"t":([\d.]+)/g;

function openOne(port: number, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    // Several loopback source addresses, so 20,000 connections do not run out of ephemeral ports.
    const socket = connect({ port, host: '127.0.0.1', localAddress: `127.0.0.${2 + (index % 8)}` });
    socket.setNoDelay(true);
    let opened = false;
    socket.on('data', (chunk: Buffer) => {
      const now = performance.timeOrigin + performance.now();
      if (!opened && chunk.includes('retry:')) {
        opened = true;
        resolve();
      }
      for (const match of chunk.toString('latin1').matchAll(FAN)) latencies.push(now - Number(match[2]));
    });
    socket.on('error', (error) => (opened ? undefined : reject(error)));
    socket.write('GET /events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n');
    sockets.push(socket);
  });
}

process.on('message', async (message: ClientsRequest) => {
  if (message.type === 'open') {
    try {
      // In waves, so the listen backlog is never the limit.
      for (let from = 0; from < message.count; from += 500) {
        const wave = Array.from({ length: Math.min(500, message.count - from) }, (_, i) =>
          openOne(message.port, from + i),
        );
        await Promise.all(wave);
      }
      process.send?.({ type: 'opened', count: sockets.length });
    } catch (error) {
      process.send?.({ type: 'failed', error: String(error), count: sockets.length });
    }
  } else if (message.type === 'collect') {
    process.send?.({ type: 'latencies', latencies });
    latencies = [];
  } else {
    for (const socket of sockets) socket.destroy();
    process.exit(0);
  }
});
