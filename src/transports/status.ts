import type { TransportFailure } from './transport';

/** The status policy shared by every transport that sees HTTP statuses: what a refused response means. */
export const httpFailure = (status: number, cause?: unknown): TransportFailure => ({
  status,
  // [spec] a 200 that is not text/event-stream, or a 204, fails the connection for good. Our extension:
  // 4xx likewise, as retrying an unauthorised or missing stream cannot succeed; 408/429 are explicitly temporary.
  fatal: status === 200 || status === 204 || (status >= 400 && status < 500 && status !== 408 && status !== 429),
  cause,
  message: status === 200 ? 'HTTP 200, not text/event-stream' : `HTTP ${status}`,
});
