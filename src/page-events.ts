/** True only when the browser positively says it is offline (Node and workers say nothing). */
export const isOffline = (): boolean =>
  (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false;

/**
 * Subscribes to `online`, `offline` and `visibilitychange` (to visible) where they exist (never in Node),
 * and returns the one function that removes all three.
 */
export function watchPage(onOnline: () => void, onOffline: () => void, onVisible: () => void): () => void {
  const page = globalThis as unknown as Partial<Window>;
  const doc = page.document;
  const onVisibility = (): void => {
    if (doc?.visibilityState === 'visible') onVisible();
  };
  const subscribe = (method: 'addEventListener' | 'removeEventListener'): void => {
    page[method]?.('online', onOnline);
    page[method]?.('offline', onOffline);
    doc?.[method]('visibilitychange', onVisibility);
  };
  if (typeof page.addEventListener !== 'function') return () => {};
  subscribe('addEventListener');
  return () => subscribe('removeEventListener');
}
