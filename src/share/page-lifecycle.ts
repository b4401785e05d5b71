/**
 * Calls `gone` when the page freezes, enters the back/forward cache or unloads, and `back` when it
 * resumes or is shown again, each with the event (so `persisted` tells the back/forward cache apart).
 * Returns the function that removes these listeners.
 */
export function watchLifecycle(gone: (event: Event) => void, back: (event: Event) => void): () => void {
  const page = globalThis as unknown as Partial<Window>;
  const pageEvents: [EventTarget | undefined, string, (event: Event) => void][] = [
    [page.document, 'freeze', gone],
    [page.document, 'resume', back],
    [page as EventTarget, 'pagehide', gone],
    [page as EventTarget, 'pageshow', back],
  ];
  for (const [target, name, listener] of pageEvents) target?.addEventListener?.(name, listener);
  return () => {
    for (const [target, name, listener] of pageEvents) target?.removeEventListener?.(name, listener);
  };
}
