import { describe, expect, it } from 'vitest';
import { resolveUrl, toWebSocketUrl, withLastEventId } from '../../src/url';

describe('url helpers', () => {
  it('resolves relative URLs against the base, like EventSource', () => {
    expect(resolveUrl('/events', 'https://app.example/page/').href).toBe('https://app.example/events');
    expect(resolveUrl('events?x=1', 'https://app.example/page/').href).toBe('https://app.example/page/events?x=1');
  });

  it('rejects what is not a URL, naming the fix when there is no page', () => {
    expect(() => resolveUrl('http://[::1', 'https://a.example/')).toThrow(/invalid URL/);
    expect(() => resolveUrl('/events', undefined)).toThrow(/relative URL needs a page/);
  });

  it('sets the last event id parameter once, encoded, replacing any old value', () => {
    const url = new URL('https://a.example/events?lastEventId=1&lastEventId=2&x=y');
    const result = withLastEventId(url, 'lastEventId', 'a b&c/é');
    const params = new URL(result).searchParams;
    expect(params.getAll('lastEventId')).toEqual(['a b&c/é']);
    expect(params.get('x')).toBe('y');
    expect(result).not.toContain('a b&c');
  });

  it('leaves the URL alone for an empty id or a null parameter name', () => {
    const url = new URL('https://a.example/events?x=1');
    expect(withLastEventId(url, 'lastEventId', '')).toBe(url.href);
    expect(withLastEventId(url, null, '5')).toBe(url.href);
  });

  it('maps http(s) to ws(s)', () => {
    expect(toWebSocketUrl('http://a.example/ws?lastEventId=7')).toBe('ws://a.example/ws?lastEventId=7');
    expect(toWebSocketUrl('https://a.example/ws')).toBe('wss://a.example/ws');
    expect(toWebSocketUrl('wss://a.example/http')).toBe('wss://a.example/http');
  });
});
