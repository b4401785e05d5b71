import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createHeartbeat } from '../../src/heartbeat';

describe('Heartbeat', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('expires after timeout without activity', () => {
    const expired = vi.fn();
    createHeartbeat(1000, expired).start();
    vi.advanceTimersByTime(999);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledOnce();
  });

  it('activity pushes the deadline back', () => {
    const expired = vi.fn();
    const heartbeat = createHeartbeat(1000, expired);
    heartbeat.start();
    vi.advanceTimersByTime(800);
    heartbeat.touch();
    vi.advanceTimersByTime(800);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(200);
    expect(expired).toHaveBeenCalledOnce();
  });

  it('check() catches a deadline that passed while timers could not fire (sleep, hidden tab)', () => {
    const expired = vi.fn();
    const heartbeat = createHeartbeat(1000, expired);
    heartbeat.start();
    vi.setSystemTime(Date.now() + 5000); // the clock moved, no timer ran
    expect(expired).not.toHaveBeenCalled();
    heartbeat.check();
    expect(expired).toHaveBeenCalledOnce();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('check() before the deadline does nothing', () => {
    const expired = vi.fn();
    const heartbeat = createHeartbeat(1000, expired);
    heartbeat.start();
    vi.advanceTimersByTime(500);
    heartbeat.check();
    expect(expired).not.toHaveBeenCalled();
  });

  it('stop() leaves no timer; timeout 0 never arms', () => {
    const expired = vi.fn();
    const heartbeat = createHeartbeat(1000, expired);
    heartbeat.start();
    heartbeat.stop();
    expect(vi.getTimerCount()).toBe(0);
    createHeartbeat(0, expired).start();
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(10_000);
    expect(expired).not.toHaveBeenCalled();
  });
});
