import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './backoff.ts';
import { RECONNECT_BASE_MS, RECONNECT_MAX_MS } from './constants.ts';

describe('reconnectDelayMs', () => {
  it('grows exponentially from the base delay', () => {
    expect(reconnectDelayMs(0, () => 1)).toBe(RECONNECT_BASE_MS);
    expect(reconnectDelayMs(1, () => 1)).toBe(RECONNECT_BASE_MS * 2);
    expect(reconnectDelayMs(3, () => 1)).toBe(RECONNECT_BASE_MS * 8);
  });

  it('never exceeds the maximum, even after many attempts', () => {
    expect(reconnectDelayMs(1000, () => 1)).toBe(RECONNECT_MAX_MS);
  });

  it('jitters between half and all of the ceiling', () => {
    expect(reconnectDelayMs(2, () => 0)).toBe((RECONNECT_BASE_MS * 4) / 2);
    const delays = new Set(Array.from({ length: 50 }, (_, i) => reconnectDelayMs(2, () => i / 50)));
    expect(delays.size).toBeGreaterThan(10);
  });
});
