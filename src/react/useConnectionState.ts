import { useCallback, useSyncExternalStore } from 'react';
import { CONNECTING, type ConnectionStatus, statusOf, subscribeStatus } from '../adapters/connection-status';
import type { ResilientEventSource } from '../index';

const onServer = (): ConnectionStatus => CONNECTING;
const nothing = (): void => {};

/** The state of `source` with the retry under way; 'connecting' while there is no source yet (and on the server). */
export function useConnectionState<Events extends object>(
  source: ResilientEventSource<Events> | null,
): ConnectionStatus {
  const subscribe = useCallback(
    (onChange: () => void) => (source ? subscribeStatus(source, onChange) : nothing),
    [source],
  );
  const getSnapshot = useCallback(() => (source ? statusOf(source) : CONNECTING), [source]);
  return useSyncExternalStore(subscribe, getSnapshot, onServer);
}
