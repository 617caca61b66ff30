/**
 * The relay's Redis settings, read from the environment: REDIS_URL (unset → in-process
 * fan-out), REDIS_CHANNEL_PREFIX and REDIS_SHARDS (unset → a channel per topic). Bad values
 * throw RelayConfigError, whose message never quotes the URL: it can hold a password.
 */
import { parseIntegerSetting, RelayConfigError } from './limits.ts';

export const DEFAULT_REDIS_CHANNEL_PREFIX = 'tandem:topic:';
/** Most shared channels REDIS_SHARDS may spread topics over. */
export const MAX_REDIS_SHARDS = 65_536;

/** Reads REDIS_URL; undefined when unset. The value is never echoed: it can hold a password. */
export const parseRedisUrl = (text: string | undefined): string | undefined => {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return undefined;
  let protocol: string;
  try {
    protocol = new URL(trimmed).protocol;
  } catch {
    throw new RelayConfigError('REDIS_URL is not a valid URL');
  }
  if (protocol !== 'redis:' && protocol !== 'rediss:') {
    throw new RelayConfigError('REDIS_URL must start with redis:// or rediss://');
  }
  return trimmed;
};

/**
 * Reads REDIS_SHARDS: unset or empty → undefined (a channel per topic, the default); else
 * the number of shared channels topics are spread over, 1 to 65536, the same on every relay.
 */
export const parseRedisShards = (text: string | undefined): number | undefined =>
  parseIntegerSetting('REDIS_SHARDS', text, 1, MAX_REDIS_SHARDS, ' (unset: a channel per topic)');

export interface RedisConfig {
  readonly url: string;
  readonly channelPrefix: string;
  /** Undefined: a channel per topic. */
  readonly shards: number | undefined;
}

/**
 * REDIS_URL, REDIS_CHANNEL_PREFIX and REDIS_SHARDS; undefined when REDIS_URL is unset
 * (in-process fan-out, REDIS_SHARDS then unread).
 */
export const readRedisConfig = (
  env: Readonly<Record<string, string | undefined>>,
): RedisConfig | undefined => {
  const url = parseRedisUrl(env['REDIS_URL']);
  if (url === undefined) return undefined;
  return {
    url,
    channelPrefix: env['REDIS_CHANNEL_PREFIX'] || DEFAULT_REDIS_CHANNEL_PREFIX,
    shards: parseRedisShards(env['REDIS_SHARDS']),
  };
};
