/** True only when the browser positively says it is offline (Node and workers say nothing). */
export const isOffline = (): boolean =>
  (globalThis as { navigator?: { onLine?: boolean } }).navigator?.onLine === false;

/**
 * Subscribes to `online`, `offline` and `visibilitychange` (to visible) where they exist (never in Node),
 * and returns the one function that removes all three.
 */
export function watchPage(onOnline: () => void, onOffline: () => void, onVisible: () => void): () => void {
  const page = globalThis as Partial<Pick<Window, 'addEventListener' | 'removeEventListener' | 'document'>>;
  const doc = page.document;
  if (typeof page.addEventListener !== 'function') return () => {};
  const onVisibility = (): void => {
    if (doc?.visibilityState === 'visible') onVisible();
  };
  const subscriptions: [EventTarget | undefined, string, () => void][] = [
    [page as EventTarget, 'online', onOnline],
    [page as EventTarget, 'offline', onOffline],
    [doc, 'visibilitychange', onVisibility],
  ];
  for (const [target, type, listener] of subscriptions) target?.addEventListener(type, listener);
  return () => {
    for (const [target, type, listener] of subscriptions) target?.removeEventListener?.(type, listener);
  };
}
