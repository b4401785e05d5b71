import type { ResilientEventSourceOptions, UrlInput } from '../index';

/** Identity numbers for values that cannot be compared by content (functions, constructors, bodies). */
const identities = new WeakMap<object, number>();
let nextIdentity = 0;

const identityOf = (value: object): string => {
  let id = identities.get(value);
  if (id === undefined) identities.set(value, (id = ++nextIdentity));
  return `#${id}`;
};

const isPlain = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null || Array.isArray(value);
};

/**
 * A stable serialisation: plain objects with their keys sorted (so `{ a, b }` and `{ b, a }` agree),
 * arrays in order, URLs by their href; anything else that is an object (functions, injected
 * constructors, FormData, Blob…) by identity, since two of them may differ in ways we cannot see.
 */
function serialise(value: unknown): string {
  if (value === undefined) return 'u';
  if (value === null || typeof value !== 'object') {
    return typeof value === 'function' ? identityOf(value) : (JSON.stringify(value) ?? String(value));
  }
  if (value instanceof URL) return JSON.stringify(value.href);
  if (!isPlain(value)) return identityOf(value);
  if (Array.isArray(value)) return `[${value.map(serialise).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((key) => record[key] !== undefined)
    .sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${serialise(record[key])}`).join(',')}}`;
}

/** What decides whether two callers may share one source: the URL and the options, by content. */
export const sourceKey = (url: UrlInput, options: ResilientEventSourceOptions = {}): string =>
  `${serialise(url)} ${serialise(options)}`;
