import type { ResilientEventSourceOptions, UrlInput } from '../index';

/** Identity numbers for values that cannot be compared by content (functions, constructors, bodies). */
const identities = new WeakMap<object, number>();
let identified = 0;

/**
 * A stable serialisation: plain objects with their keys sorted (so `{ a, b }` and `{ b, a }` agree),
 * arrays in order, URLs by their href; any other object (functions, injected constructors,
 * FormData, Blob…) by identity, since two of them may differ in ways we cannot see.
 */
function serialise(value: unknown): string {
  if (value instanceof URL) value = value.href;
  if (typeof value === 'function' || (value && typeof value === 'object')) {
    const proto = Object.getPrototypeOf(value);
    if (Array.isArray(value)) return `[${value.map(serialise)}]`;
    if (proto === Object.prototype || proto === null) {
      const record = value as Record<string, unknown>;
      return `{${Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort()
        .map((key) => `${JSON.stringify(key)}:${serialise(record[key])}`)}}`;
    }
    let id = identities.get(value);
    if (id === undefined) identities.set(value, (id = ++identified));
    return `#${id}`;
  }
  return JSON.stringify(value) ?? 'u';
}

/** What decides whether two callers may share one source: the URL and the options, by content. */
export const sourceKey = (url: UrlInput, options: ResilientEventSourceOptions = {}): string =>
  `${serialise(url)} ${serialise(options)}`;
