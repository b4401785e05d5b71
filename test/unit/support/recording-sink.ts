import type { TransportFailure, TransportSink, WireEvent } from '../../../src/transports/transport';

type Call = ['open'] | ['event', WireEvent] | ['activity'] | ['retry', number] | ['fail', TransportFailure];

/** A sink that records every call in order and can be awaited for the n-th call of a kind. */
export function recordingSink() {
  const calls: Call[] = [];
  let waiters: { done: () => boolean; resolve: () => void }[] = [];
  const count = (kind: Call[0]): number => calls.filter((call) => call[0] === kind).length;
  const record = (call: Call): void => {
    calls.push(call);
    waiters = waiters.filter((waiter) => {
      if (!waiter.done()) return true;
      waiter.resolve();
      return false;
    });
  };
  const sink: TransportSink = {
    open: () => record(['open']),
    event: (event) => record(['event', event]),
    activity: () => record(['activity']),
    retry: (ms) => record(['retry', ms]),
    fail: (failure) => record(['fail', failure]),
  };
  return {
    sink,
    calls,
    count,
    kinds: () => calls.map((call) => call[0]),
    events: () => calls.flatMap((call) => (call[0] === 'event' ? [call[1]] : [])),
    failures: () => calls.flatMap((call) => (call[0] === 'fail' ? [call[1]] : [])),
    /** Resolves once `n` calls of `kind` were recorded. */
    until(kind: Call[0], n = 1): Promise<void> {
      return new Promise((resolve) => {
        const done = (): boolean => count(kind) >= n;
        if (done()) resolve();
        else waiters.push({ done, resolve });
      });
    },
  };
}
