/** Calls to the reference server's control endpoints (same origin, so CSP allows them). */

async function send(method, path, body) {
  const init = { method, headers: body === undefined ? {} : { 'Content-Type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  const response = await fetch(path, init);
  const json = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(json.error || `HTTP ${response.status}`);
  return json;
}

export const postJson = (path, body) => send('POST', path, body);
export const deleteJson = (path) => send('DELETE', path);
export const getJson = (path) => send('GET', path);
