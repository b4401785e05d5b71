import type { EventSourceLikeConstructor } from './eventsource';
import { fetchStreamingSupported } from './select';

type OnStart = (status: number, statusText: string, contentType: string | null, headers: Headers) => void;

/**
 * A stream for event-source-polyfill's `Transport` option, where fetch streams. The polyfill's own
 * fetch transport cancels a body that has already failed without catching the rejection, so every
 * dropped stream became an unhandled rejection in the page; this one catches it. The polyfill calls
 * `open` with its XHR wrapper (unused here), its callbacks, and the request.
 */
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
}

/** The polyfill, set to stream through FetchStream where fetch streams (elsewhere it uses XHR, as it would). */
export function withFetchStream(Polyfill: EventSourceLikeConstructor): EventSourceLikeConstructor {
  if (!fetchStreamingSupported()) return Polyfill;
  return class extends Polyfill {
    constructor(url: string, init?: Record<string, unknown>) {
      super(url, { ...init, Transport: FetchStream });
    }
  };
}
