import { describe, expect, it } from 'vitest';
import {
  DEFAULT_REDIS_CHANNEL_PREFIX,
  parseRedisShards,
  parseRedisUrl,
  readRedisConfig,
} from './redis-config.ts';

describe('Redis settings', () => {
  it('reads REDIS_URL and never echoes it back', () => {
    expect(readRedisConfig({})).toBeUndefined();
    expect(readRedisConfig({ REDIS_URL: ' ' })).toBeUndefined();
    expect(readRedisConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' })).toEqual({
      url: 'redis://127.0.0.1:6379/2',
      channelPrefix: DEFAULT_REDIS_CHANNEL_PREFIX,
      shards: undefined,
    });
    expect(
      readRedisConfig({ REDIS_URL: 'rediss://h:6380', REDIS_CHANNEL_PREFIX: 'staging:' }),
    ).toEqual({ url: 'rediss://h:6380', channelPrefix: 'staging:', shards: undefined });
    for (const bad of ['http://user:hunter2@host', 'hunter2', 'redis//user:hunter2@host']) {
      expect(() => parseRedisUrl(bad)).toThrow(/REDIS_URL/);
      expect(() => parseRedisUrl(bad)).not.toThrow(/hunter2/);
    }
  });

  it('reads REDIS_SHARDS: unset is a channel per topic, else 1 to 65536 shared channels', () => {
    const url = 'redis://user:hunter2@h:6379';
    expect(readRedisConfig({ REDIS_URL: url })?.shards).toBeUndefined();
    expect(readRedisConfig({ REDIS_URL: url, REDIS_SHARDS: ' ' })?.shards).toBeUndefined();
    expect(readRedisConfig({ REDIS_URL: url, REDIS_SHARDS: '1' })?.shards).toBe(1);
    expect(parseRedisShards(' 16 ')).toBe(16);
    expect(parseRedisShards('65536')).toBe(65_536);
    for (const bad of ['0', '-1', '65537', '1.5', '1e3', '0x10', 'two', '999999999']) {
      expect(() => readRedisConfig({ REDIS_URL: url, REDIS_SHARDS: bad })).toThrow(
        /^REDIS_SHARDS must be an integer from 1 to 65536/,
      );
      expect(() => readRedisConfig({ REDIS_URL: url, REDIS_SHARDS: bad })).not.toThrow(/hunter2/);
    }
    // Without REDIS_URL there is no fan-out to configure.
    expect(readRedisConfig({ REDIS_SHARDS: 'two' })).toBeUndefined();
  });
});
