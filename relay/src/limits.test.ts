import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  LIMIT_NAMES,
  parseLimitsFromEnv,
  RelayConfigError,
  resolveLimits,
} from './limits.ts';

describe('limits', () => {
  it('defaults to a 1 MiB frame limit', () => {
    expect(DEFAULT_LIMITS.MAX_FRAME_BYTES).toBe(1024 * 1024);
    expect(parseLimitsFromEnv({})).toEqual(DEFAULT_LIMITS);
  });

  it('reads every limit from RELAY_<NAME>', () => {
    const env = Object.fromEntries(LIMIT_NAMES.map((name) => [`RELAY_${name}`, '5000']));
    env['RELAY_SEND_BUFFER_HIGH_WATER_BYTES'] = ' 9000 ';
    const limits = parseLimitsFromEnv(env);
    for (const name of LIMIT_NAMES) {
      expect(limits[name]).toBe(name === 'SEND_BUFFER_HIGH_WATER_BYTES' ? 9000 : 5000);
    }
  });

  it('treats an empty variable as unset', () => {
    expect(parseLimitsFromEnv({ RELAY_MAX_FRAME_BYTES: '' })).toEqual(DEFAULT_LIMITS);
  });

  it.each(['abc', '1.5', '-3', '0', '1e6', '0x10', '99999999999', ' '])(
    'rejects RELAY_MAX_TOPICS_PER_SOCKET=%j with a message naming the variable',
    (text) => {
      expect(() => parseLimitsFromEnv({ RELAY_MAX_TOPICS_PER_SOCKET: text })).toThrow(
        /RELAY_MAX_TOPICS_PER_SOCKET must be/,
      );
    },
  );

  it('rejects a high-water mark that could not hold one maximum-size frame', () => {
    const env = { RELAY_MAX_FRAME_BYTES: '10000', RELAY_SEND_BUFFER_HIGH_WATER_BYTES: '10000' };
    expect(() => parseLimitsFromEnv(env)).toThrow(RelayConfigError);
    expect(() => parseLimitsFromEnv(env)).toThrow(/SEND_BUFFER_HIGH_WATER_BYTES/);
  });

  it('validates limits given in code too', () => {
    expect(() => resolveLimits({ PING_TIMEOUT_MS: 0 })).toThrow(/PING_TIMEOUT_MS/);
    expect(() => resolveLimits({ MAX_MESSAGES_PER_SECOND: 1.5 })).toThrow(/MAX_MESSAGES/);
    expect(resolveLimits({ PING_TIMEOUT_MS: 5 }).PING_TIMEOUT_MS).toBe(5);
  });
});
