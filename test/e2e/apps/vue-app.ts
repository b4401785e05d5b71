// biome-ignore-all lint/correctness/useHookAtTopLevel: Vue composables in setup(), not React hooks
// A Vue 3 app built on the adapter: each view asks for a source, records every event through the
// callback form and renders the state and the latest value. Bundled by support/adapter-page.ts
// (which points the adapter import at the built dist/vue.mjs).
import { type App, createApp, defineComponent, h, type PropType, shallowRef } from 'vue';
import { useConnectionState, useEventSource, useServerEvent } from '../../../src/vue';
import type { AdapterAppWindow, AppConfig, Events, ViewConfig } from './app-api';

const seen = new Map<string, number[]>();

const Feed = defineComponent({
  props: { view: { type: Object as PropType<ViewConfig>, required: true } },
  setup(props) {
    const es = useEventSource<Events>(
      () => props.view.url,
      () => props.view.options,
    );
    useServerEvent(es, 'n', (event) => {
      const list = seen.get(props.view.id) ?? [];
      seen.set(props.view.id, list);
      list.push(event.data.n);
    });
    const latest = useServerEvent(es, 'n');
    const { state } = useConnectionState(es);
    return () => h('p', { id: props.view.id, 'data-state': state.value }, `${state.value} ${latest.value?.n ?? '-'}`);
  },
});

const config = shallowRef<AppConfig>({ views: [] });
let app: App | undefined;

(window as unknown as AdapterAppWindow).adapterApp = {
  render(next: AppConfig) {
    config.value = next;
    if (app) return;
    app = createApp({ render: () => config.value.views.map((view) => h(Feed, { key: view.id, view })) });
    app.mount('#app');
  },
  unmount() {
    app?.unmount();
    app = undefined;
  },
  seen: (id) => seen.get(id) ?? [],
  states: () =>
    Object.fromEntries(
      [...document.querySelectorAll<HTMLElement>('[data-state]')].map((p) => [p.id, p.dataset.state!]),
    ),
};
