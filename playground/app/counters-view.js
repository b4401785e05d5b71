/** Writes the counters into their tiles (ids the e2e tests read). */
import { byId, setText } from './dom.js';

const TILES = {
  received: 'count-received',
  gaps: 'count-gaps',
  duplicates: 'count-duplicates',
  reconnects: 'count-reconnects',
  errors: 'count-errors',
  resets: 'count-resets',
};

export function createCountersView() {
  const tiles = Object.fromEntries(Object.entries(TILES).map(([key, id]) => [key, byId(id)]));
  const state = byId('state');
  const transport = byId('current-transport');
  const role = byId('share-role');
  const lastEventId = byId('last-event-id');
  const recover = byId('recover-ms');

  /** snapshot: the object window.playground.counters returns. */
  return function render(snapshot) {
    for (const [key, element] of Object.entries(tiles)) setText(element, String(snapshot[key]));
    setText(state, snapshot.state);
    state.dataset.state = snapshot.state;
    setText(transport, snapshot.transport ?? '–');
    setText(role, snapshot.role ?? '–');
    setText(lastEventId, snapshot.lastEventId || '–');
    setText(
      recover,
      snapshot.recoverWaiting ? 'waiting…' : snapshot.recoverMs === null ? '–' : `${snapshot.recoverMs} ms`,
    );
    tiles.gaps.parentElement.classList.toggle('bad', snapshot.gaps > 0);
    tiles.duplicates.parentElement.classList.toggle('bad', snapshot.duplicates > 0);
    tiles.errors.parentElement.classList.toggle('warn', snapshot.errors > 0);
  };
}
