type Handler = ((event: never) => void) | null;

/** The part of WebSocket the transport uses: handler properties, readyState, binaryType, close(). */
export class FakeWebSocket {
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  binaryType = 'blob';
  onopen: Handler = null;
  onmessage: Handler = null;
  onerror: Handler = null;
  onclose: Handler = null;
  closeCalls: unknown[][] = [];

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  close(...args: unknown[]): void {
    this.closeCalls.push(args);
    this.readyState = 2;
  }

  // What the server and the network do:
  serverOpen(): void {
    this.readyState = 1;
    this.fire('onopen', new Event('open'));
  }
  serverSend(data: string | ArrayBuffer): void {
    this.fire('onmessage', { type: 'message', data });
  }
  serverClose(code: number, reason = ''): void {
    this.readyState = 3;
    this.fire('onclose', { type: 'close', code, reason, wasClean: code !== 1006 });
  }
  networkError(): void {
    this.fire('onerror', new Event('error'));
  }

  private fire(name: 'onopen' | 'onmessage' | 'onerror' | 'onclose', event: unknown): void {
    (this[name] as ((event: unknown) => void) | null)?.(event);
  }
}
