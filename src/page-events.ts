/** What the page tells us about connectivity and visibility. */
export interface PageEventHandlers {
  online(): void;
  offline(): void;
  visible(): void;
}

/** True only when the browser positively says it is offline (Node and workers say nothing). */
export const isOffline = (): boolean =>
  (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false;

/**
 * Subscribes to `online`, `offline` and `visibilitychange` where they exist (never in Node),
 * and returns the one function that removes all three.
 */
export function watchPage(handlers: PageEventHandlers): () => void {
  const target = globalThis as Partial<Pick<Window, 'addEventListener' | 'removeEventListener'>>;
  const doc = (globalThis as { document?: Document }).document;
  if (typeof target.addEventListener !== 'function') return () => {};
  const online = (): void => handlers.online();
  const offline = (): void => handlers.offline();
  const visibility = (): void => {
    if (doc?.visibilityState === 'visible') handlers.visible();
  };
  target.addEventListener('online', online);
  target.addEventListener('offline', offline);
  doc?.addEventListener('visibilitychange', visibility);
  return () => {
    target.removeEventListener?.('online', online);
    target.removeEventListener?.('offline', offline);
    doc?.removeEventListener('visibilitychange', visibility);
  };
}
