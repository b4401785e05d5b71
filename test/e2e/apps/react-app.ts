// A React 19 app built on the adapter: each view asks for a source, records every event through
// the callback form and renders the state and the latest value. Bundled by support/adapter-page.ts
// (which points the adapter import at the built dist/react.mjs).
import { createElement as h, Fragment, StrictMode } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { useConnectionState, useEventSource, useServerEvent } from '../../../src/react';
import type { AdapterAppWindow, AppConfig, Events, ViewConfig } from './app-api';

const seen = new Map<string, number[]>();

function Feed({ view }: { view: ViewConfig }) {
  const es = useEventSource<Events>(view.url, view.options);
  useServerEvent(es, 'n', (event) => {
    const list = seen.get(view.id) ?? [];
    seen.set(view.id, list);
    list.push(event.data.n);
  });
  const latest = useServerEvent(es, 'n');
  const { state } = useConnectionState(es);
  return h('p', { id: view.id, 'data-state': state }, `${state} ${latest?.n ?? '-'}`);
}

let root: Root | undefined;

(window as unknown as AdapterAppWindow).adapterApp = {
  render(config: AppConfig) {
    root ??= createRoot(document.getElementById('app')!);
    const views = h(
      Fragment,
      null,
      config.views.map((view) => h(Feed, { key: view.id, view })),
    );
    root.render(config.strict ? h(StrictMode, null, views) : views);
  },
  unmount() {
    root?.unmount();
    root = undefined;
  },
  seen: (id) => seen.get(id) ?? [],
  states: () =>
    Object.fromEntries(
      [...document.querySelectorAll<HTMLElement>('[data-state]')].map((p) => [p.id, p.dataset.state!]),
    ),
};
