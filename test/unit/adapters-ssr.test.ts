// biome-ignore-all lint/correctness/useHookAtTopLevel: Vue composables in setup(), not React hooks
import { createElement } from 'react';
import { renderToString as renderReact } from 'react-dom/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { createSSRApp, h } from 'vue';
import { renderToString as renderVue } from 'vue/server-renderer';
import { peekSource } from '../../src/adapters/registry';
import { sourceKey } from '../../src/adapters/source-key';
import * as react from '../../src/react';
import * as vue from '../../src/vue';
import { CountingEventSource, countingEventSource } from './support/counting-event-source';

// Server rendering in Node: the adapters open nothing and render the 'connecting' state.
type Events = { price: { px: number } };
const url = 'http://127.0.0.1:9/events';
const options = { transport: 'native', EventSource: countingEventSource } as const;

function Price() {
  const es = react.useEventSource<Events>(url, options);
  const latest = react.useServerEvent(es, 'price');
  react.useServerEvent(es, 'price', () => {});
  const { state, attempt } = react.useConnectionState(es);
  return createElement('p', null, `${state} ${attempt} ${latest?.px ?? '-'}`);
}

beforeEach(() => {
  CountingEventSource.created = 0;
});

describe('server rendering', () => {
  it('React: renderToString opens nothing and renders connecting', () => {
    expect(renderReact(createElement(Price))).toBe('<p>connecting 0 -</p>');
    expect(CountingEventSource.created).toBe(0);
    expect(peekSource(sourceKey(url, options))).toBeNull();
  });

  it('Vue: renderToString opens nothing and renders connecting', async () => {
    const app = createSSRApp({
      setup() {
        const es = vue.useEventSource<Events>(url, options);
        const latest = vue.useServerEvent(es, 'price');
        vue.useServerEvent(es, 'price', () => {});
        const { state, attempt } = vue.useConnectionState(es);
        return () => h('p', `${state.value} ${attempt.value} ${latest.value?.px ?? '-'}`);
      },
    });
    expect(await renderVue(app)).toBe('<p>connecting 0 -</p>');
    expect(CountingEventSource.created).toBe(0);
    expect(peekSource(sourceKey(url, options))).toBeNull();
  });
});
