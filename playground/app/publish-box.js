/**
 * The publish box: POST /publish with the typed event name and data, N copies at once.
 * The page starts listening to a new name before publishing it, so the event is not missed.
 */
import { postJson } from './api.js';
import { byId, numberFrom, setText } from './dom.js';

const MAX_COPIES = 10000;

/** hooks: { listen(name), published(count) } */
export function createPublishBox(hooks) {
  const form = byId('publish-form');
  const status = byId('publish-status');

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const name = byId('publish-event').value.trim();
    const copies = Math.min(MAX_COPIES, Math.max(1, Math.floor(numberFrom('publish-count', 1))));
    if (name && name !== 'message') hooks.listen(name);
    const item = { data: wireData(byId('publish-data').value) };
    if (name) item.event = name;
    try {
      const answer = await postJson('/publish', copies === 1 ? item : Array.from({ length: copies }, () => item));
      hooks.published(copies);
      const ids = answer.ids ?? [answer.id];
      setText(status, ids.length === 1 ? `published id ${ids[0]}` : `published ids ${ids[0]}–${ids[ids.length - 1]}`);
    } catch (error) {
      setText(status, `publish failed: ${error.message}`);
    }
  });
}

/**
 * The page parses data as JSON, so the data on the wire must be JSON text: valid JSON is
 * sent as typed, anything else as a JSON string.
 */
function wireData(input) {
  try {
    JSON.parse(input);
    return input;
  } catch {
    return JSON.stringify(input);
  }
}
