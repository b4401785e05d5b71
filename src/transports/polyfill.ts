import type { EventSourceInit, EventSourceLike, EventSourceLikeConstructor } from './eventsource';
import { utf8HeaderValue } from './headers';
import { fetchStreamingSupported } from '../environment';

type OnStart = (status: number, statusText: string, contentType: string | null, headers: Headers) => void;

/**
 * A stream for event-source-polyfill's `Transport` option, where fetch streams. The polyfill's own
 * fetch transport cancels a body that has already failed without catching the rejection, so every
 * dropped stream became an unhandled rejection in the page; this one catches it. And it reports every
 * chunk to `onChunk`, so comments count as activity, as on the fetch transport. The polyfill creates
 * one per connection, without arguments, and calls `open` with its XHR wrapper (unused here), its
 * callbacks, and the request.
 */
const fetchStreamReporting = (onChunk: () => void) =>
  class FetchStream {
    open(
      _xhr: unknown,
      onStart: OnStart,
      onProgress: (text: string) => void,
      onFinish: (error?: unknown) => void,
      url: string,
      withCredentials: boolean,
      headers: Record<string, string>,
    ): { abort(): void } {
      const controller = new AbortController();
      let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
      const read = async (): Promise<void> => {
        const credentials = withCredentials ? 'include' : 'same-origin';
        const response = await fetch(url, { headers, credentials, cache: 'no-store', signal: controller.signal });
        onStart(response.status, response.statusText, response.headers.get('Content-Type'), response.headers);
        reader = response.body?.getReader();
        const decoder = new TextDecoder();
        for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
          onChunk();
          onProgress(decoder.decode(chunk.value, { stream: true }));
        }
      };
      // Our own abort is not a failure, as for the polyfill's transport.
      read().then(
        () => onFinish(),
        (error: unknown) => onFinish((error as Error | null)?.name === 'AbortError' ? undefined : error),
      );
      return {
        abort() {
          reader?.cancel().catch(() => {});
          controller.abort();
        },
      };
    }
  };

/** event-source-polyfill's class, which takes its own options. */
export type PolyfillConstructor = new (url: string, options: Record<string, unknown>) => EventSourceLike;

/** event-source-polyfill set up for the SDK, and whether it reports every chunk (see Transport.seesEveryByte). */
export interface ConfiguredPolyfill {
  EventSource: EventSourceLikeConstructor;
  seesEveryByte: boolean;
}

/**
 * event-source-polyfill set up for the SDK: our own watchdog decides (the polyfill's, 45 s by default,
 * is pushed to its maximum); Last-Event-ID goes out as UTF-8 bytes, as the spec says (the polyfill would
 * send the raw string, which fetch refuses above U+00FF); and where fetch streams, it streams through
 * FetchStream (elsewhere it uses XHR, as it would).
 */
export function configuredPolyfill(Polyfill: PolyfillConstructor): ConfiguredPolyfill {
  const overFetch = fetchStreamingSupported();
  return {
    EventSource: class extends Polyfill {
      constructor(url: string, { withCredentials, headers, lastEventId, onChunk }: EventSourceInit) {
        super(url, {
          withCredentials,
          heartbeatTimeout: 18_000_000,
          headers: lastEventId ? { 'Last-Event-ID': utf8HeaderValue(lastEventId), ...headers } : headers,
          Transport: overFetch ? fetchStreamReporting(onChunk) : undefined,
        });
      }
    },
    seesEveryByte: overFetch,
  };
}
