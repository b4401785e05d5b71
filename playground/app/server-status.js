/**
 * Polls the server's /debug/stats once a second: connections, the log's last id (to compare
 * with what the page received) and the active faults. While the server is down (restart
 * fault) a poll fails quietly and the line says so.
 */
import { getJson } from './api.js';
import { byId, setText } from './dom.js';

const POLL_MS = 1000;

export function watchServer(onFaults) {
  const line = byId('server-line');
  let busy = false;

  async function poll() {
    if (busy) return;
    busy = true;
    try {
      const stats = await getJson('/debug/stats');
      const { sse, ws } = stats.connections;
      setText(line, `server: ${sse} SSE + ${ws} WS connections · log last id ${stats.lastId ?? '–'}`);
      onFaults(stats.faults);
    } catch {
      setText(line, 'server: unreachable');
    } finally {
      busy = false;
    }
  }

  void poll();
  setInterval(poll, POLL_MS);
  return poll;
}
