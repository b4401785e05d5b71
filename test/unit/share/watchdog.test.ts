import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ANSWER_MS, QUIET_MS, watchLeader } from '../../../src/share/watchdog';

describe('watchLeader (a follower noticing a silent leader)', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('pings after QUIET_MS without a word, and calls silent once if the ping goes unanswered', () => {
    const ping = vi.fn();
    const silent = vi.fn();
    const watch = watchLeader(ping, silent);
    watch.start();
    vi.advanceTimersByTime(QUIET_MS - 1);
    expect(ping).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(ping).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(ANSWER_MS - 1);
    expect(silent).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(silent).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10 * (QUIET_MS + ANSWER_MS));
    expect(silent).toHaveBeenCalledTimes(1);
    expect(ping).toHaveBeenCalledTimes(1);
  });

  it('a leader that keeps talking is never pinged; one that answers is never silent', () => {
    const ping = vi.fn();
    const silent = vi.fn();
    const watch = watchLeader(ping, silent);
    watch.start();
    for (let i = 0; i < 50; i++) {
      vi.advanceTimersByTime(QUIET_MS / 2);
      watch.heard();
    }
    expect(ping).not.toHaveBeenCalled();
    // Quiet stream: pinged, answered at once, again and again.
    ping.mockImplementation(() => watch.heard());
    vi.advanceTimersByTime(20 * (QUIET_MS + ANSWER_MS));
    expect(ping.mock.calls.length).toBeGreaterThan(5);
    expect(silent).not.toHaveBeenCalled();
  });

  it('stop() ends the watch', () => {
    const ping = vi.fn();
    const watch = watchLeader(ping, vi.fn());
    watch.start();
    watch.stop();
    vi.advanceTimersByTime(10 * QUIET_MS);
    expect(ping).not.toHaveBeenCalled();
  });
});
