/** A `ws` client that collects frames, for the /ws bridge tests. */
import { onTestFinished } from 'vitest';
import WebSocket from 'ws';
import { Waitable } from './waitable.js';

export class WsReader extends Waitable {
  readonly messages: string[] = [];
  /** 1006 means the connection broke without a close frame. */
  closeCode: number | undefined;
  private cursor = 0;

  constructor(readonly ws: WebSocket) {
    super();
    ws.on('message', (data: Buffer) => {
      this.messages.push(data.toString('utf8'));
      this.notify();
    });
    ws.on('close', (code: number) => {
      this.closeCode = code;
      this.ended = true;
      this.notify();
    });
    ws.on('error', (error) => {
      this.error = error;
    });
  }

  async next(timeoutMs?: number): Promise<string> {
    await this.until('the next WebSocket frame', () => this.messages.length > this.cursor, timeoutMs);
    return this.messages[this.cursor++] as string;
  }

  async waitFor(what: string, match: (frame: string) => boolean, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const frame = await this.next(Math.max(1, deadline - Date.now())).catch((error: Error) => {
        throw new Error(`${what}: ${error.message}`);
      });
      if (match(frame)) return frame;
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

/** Connects a WebSocket to `url` (http: is rewritten to ws:). Rejects with the status if refused. */
export function openWs(url: string, headers: Record<string, string> = {}): Promise<WsReader> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), { headers });
    // Attached now so frames sent right after the handshake are not missed.
    const reader = new WsReader(ws);
    onTestFinished(() => reader.close());
    ws.once('open', () => resolve(reader));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode }));
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** The status an upgrade to `url` gets: 101 when accepted, else the HTTP status. */
export async function upgradeStatus(url: string): Promise<number> {
  try {
    const reader = await openWs(url);
    reader.close();
    return 101;
  } catch (error) {
    const status = (error as { status?: number }).status;
    if (status === undefined) throw error;
    return status;
  }
}
