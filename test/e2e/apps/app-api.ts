/** What the React and Vue test apps (test/e2e/apps) expose on `window.adapterApp`, for the adapter tests. */
import type { PageOptions } from '../support/harness';

/** One component that asks for a source and counts its `n` events ({"n": k}). */
export interface ViewConfig {
  id: string;
  url: string;
  options?: PageOptions;
}

export interface AppConfig {
  views: ViewConfig[];
  /** React only: render inside <StrictMode> (mount, unmount, mount in development). */
  strict?: boolean;
}

export interface AdapterApp {
  /** Mounts the app on first call, re-renders with the new config after. */
  render(config: AppConfig): void;
  /** Unmounts the whole app. */
  unmount(): void;
  /** The `n` of every event the view's callback saw, in arrival order. */
  seen(id: string): number[];
  /** What each mounted view renders as its connection state, by view id. */
  states(): Record<string, string>;
}

export type Events = { n: { n: number } };

export interface AdapterAppWindow {
  adapterApp: AdapterApp;
}
