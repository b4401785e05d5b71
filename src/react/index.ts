export { useEventSource } from './useEventSource';
export { useServerEvent } from './useServerEvent';
export { useConnectionState } from './useConnectionState';
export { RELEASE_GRACE_MS } from '../adapters/registry';
export type { ConnectionStatus } from '../adapters/connection-status';
