import { describe, expect, it } from 'vitest';
import { DEFAULT_REDIS_CHANNEL_PREFIX, parseRedisUrl, readRedisConfig } from './redis-config.ts';

describe('Redis settings', () => {
  it('reads REDIS_URL and never echoes it back', () => {
    expect(readRedisConfig({})).toBeUndefined();
    expect(readRedisConfig({ REDIS_URL: ' ' })).toBeUndefined();
    expect(readRedisConfig({ REDIS_URL: 'redis://127.0.0.1:6379/2' })).toEqual({
      url: 'redis://127.0.0.1:6379/2',
      channelPrefix: DEFAULT_REDIS_CHANNEL_PREFIX,
    });
    expect(
      readRedisConfig({ REDIS_URL: 'rediss://h:6380', REDIS_CHANNEL_PREFIX: 'staging:' }),
    ).toEqual({ url: 'rediss://h:6380', channelPrefix: 'staging:' });
    for (const bad of ['http://user:hunter2@host', 'hunter2', 'redis//user:hunter2@host']) {
      expect(() => parseRedisUrl(bad)).toThrow(/REDIS_URL/);
      expect(() => parseRedisUrl(bad)).not.toThrow(/hunter2/);
    }
  });
});
