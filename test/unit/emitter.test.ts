import { describe, expect, it, vi } from 'vitest';
import { createEmitter, type ServerEvent } from '../../src/emitter';

const event = (type: string, data: unknown = 1): ServerEvent => ({ type, data, raw: String(data), lastEventId: '' });

describe('createEmitter', () => {
  it('delivers to the listeners of that name only', () => {
    const emitter = createEmitter(() => {});
    const a = vi.fn();
    const b = vi.fn();
    emitter.on('a', a);
    emitter.on('b', b);
    emitter.emit(event('a'));
    expect(a).toHaveBeenCalledOnce();
    expect(b).not.toHaveBeenCalled();
  });

  it("treats '*', '__proto__' and 'constructor' as ordinary names (no wildcard)", () => {
    const emitter = createEmitter(() => {});
    const star = vi.fn();
    const proto = vi.fn();
    const ctor = vi.fn();
    emitter.on('*', star);
    emitter.on('__proto__', proto);
    emitter.on('constructor', ctor);
    emitter.emit(event('price'));
    expect(star).not.toHaveBeenCalled();
    emitter.emit(event('*'));
    emitter.emit(event('__proto__'));
    emitter.emit(event('constructor'));
    expect(star).toHaveBeenCalledOnce();
    expect(proto).toHaveBeenCalledOnce();
    expect(ctor).toHaveBeenCalledOnce();
    expect(emitter.has('toString')).toBe(false);
  });

  it('isolates a throwing listener and reports it; the others still run', () => {
    const thrown: unknown[] = [];
    const emitter = createEmitter((error, type) => thrown.push([error, type]));
    const boom = new Error('boom');
    const after = vi.fn();
    emitter.on('x', () => {
      throw boom;
    });
    emitter.on('x', after);
    emitter.emit(event('x'));
    expect(after).toHaveBeenCalledOnce();
    expect(thrown).toEqual([[boom, 'x']]);
  });

  it('on() returns its removal; off() during emit is safe; adding twice is once', () => {
    const emitter = createEmitter(() => {});
    const second = vi.fn();
    const off = emitter.on('x', () => off());
    emitter.on('x', second);
    emitter.on('x', second);
    emitter.emit(event('x'));
    emitter.emit(event('x'));
    expect(second).toHaveBeenCalledTimes(2);
    emitter.off('x', second);
    expect(emitter.has('x')).toBe(false);
  });

  it('has() and types() name only the types with listeners', () => {
    const emitter = createEmitter(() => {});
    const listener = vi.fn();
    const offX = emitter.on('x', listener);
    emitter.on('y', listener);
    expect([...emitter.types()]).toEqual(['x', 'y']);
    expect(emitter.has('x')).toBe(true);
    offX();
    expect(emitter.has('x')).toBe(false);
    expect([...emitter.types()]).toEqual(['y']);
  });

  it('clear() removes every listener of every type, including during a dispatch', () => {
    const emitter = createEmitter(() => {});
    const later = vi.fn();
    const other = vi.fn();
    emitter.on('x', () => emitter.clear());
    emitter.on('x', later);
    emitter.on('y', other);
    emitter.emit(event('x'));
    expect(later).not.toHaveBeenCalled();
    emitter.emit(event('x'));
    emitter.emit(event('y'));
    expect(other).not.toHaveBeenCalled();
    expect(emitter.has('x') || emitter.has('y')).toBe(false);
    expect([...emitter.types()]).toEqual([]);
    // Still usable afterwards.
    emitter.on('x', later);
    emitter.emit(event('x'));
    expect(later).toHaveBeenCalledOnce();
  });
});
