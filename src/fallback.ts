import type { Settings } from './options';

/** SSE URLs on which SSE failed and the WebSocket worked, for the page's lifetime. */
const preferWebSocket = new Set<string>();

/**
 * Decides between SSE and the WebSocket fallback: switch after `after` consecutive SSE failures,
 * try SSE again now and then, and remember per URL which one worked so that new connections
 * do not walk the failing path again.
 */
export class FallbackPolicy {
  /** The next connection goes over the WebSocket. */
  onWebSocket: boolean;
  /** The current SSE attempt is a trial return from the WebSocket. */
  probing = false;
  #sseFailures = 0;

  readonly settings: Settings['websocket'];
  /** the SSE URL, or undefined when it is computed per connection */
  readonly #key: string | undefined;

  constructor(settings: Settings['websocket'], key: string | undefined) {
    this.settings = settings;
    this.#key = key;
    this.onWebSocket = settings !== undefined && key !== undefined && preferWebSocket.has(key);
  }

  /** An SSE attempt failed: true when this failure switches to the WebSocket. */
  sseFailed(): boolean {
    if (!this.settings || this.onWebSocket) return false;
    if (this.probing || ++this.#sseFailures >= this.settings.after) {
      this.probing = false;
      this.onWebSocket = true;
      if (this.#key !== undefined) preferWebSocket.add(this.#key);
      return true;
    }
    return false;
  }

  /** SSE is unavailable in this environment: go straight to the WebSocket, if there is one. */
  sseUnavailable(): boolean {
    if (!this.settings) return false;
    this.onWebSocket = true;
    return true;
  }

  /** A connection opened on SSE (`webSocket` false) or the WebSocket. */
  opened(webSocket: boolean): void {
    if (webSocket) return;
    this.probing = false;
    this.#sseFailures = 0;
    if (this.#key !== undefined) preferWebSocket.delete(this.#key);
  }

  /** Time to try SSE again. */
  returnToSse(): void {
    this.onWebSocket = false;
    this.probing = true;
  }
}
