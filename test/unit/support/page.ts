import { vi } from 'vitest';

/** A minimal page for Node: window events, document visibility and navigator.onLine. */
export function fakePage() {
  const window = new EventTarget();
  const document = Object.assign(new EventTarget(), {
    visibilityState: 'visible' as DocumentVisibilityState,
    baseURI: 'https://app.example/dashboard/',
  });
  const navigator = { onLine: true };
  const counts = { window: 0, document: 0 };
  const track = (target: EventTarget, key: keyof typeof counts) => {
    const add = target.addEventListener.bind(target);
    const remove = target.removeEventListener.bind(target);
    target.addEventListener = (...args: Parameters<EventTarget['addEventListener']>) => {
      counts[key]++;
      add(...args);
    };
    target.removeEventListener = (...args: Parameters<EventTarget['removeEventListener']>) => {
      counts[key]--;
      remove(...args);
    };
  };
  track(window, 'window');
  track(document, 'document');
  vi.stubGlobal('addEventListener', window.addEventListener.bind(window));
  vi.stubGlobal('removeEventListener', window.removeEventListener.bind(window));
  vi.stubGlobal('document', document);
  vi.stubGlobal('navigator', navigator);
  return {
    counts,
    goOffline() {
      navigator.onLine = false;
      window.dispatchEvent(new Event('offline'));
    },
    goOnline() {
      navigator.onLine = true;
      window.dispatchEvent(new Event('online'));
    },
    hide() {
      document.visibilityState = 'hidden';
      document.dispatchEvent(new Event('visibilitychange'));
    },
    show() {
      document.visibilityState = 'visible';
      document.dispatchEvent(new Event('visibilitychange'));
    },
  };
}
