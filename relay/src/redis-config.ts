/**
 * The relay's Redis settings, read from the environment: REDIS_URL (unset → in-process
 * fan-out) and REDIS_CHANNEL_PREFIX. Bad values throw RelayConfigError, whose message never
 * quotes the URL: it can hold a password.
 */
import { RelayConfigError } from './limits.ts';

export const DEFAULT_REDIS_CHANNEL_PREFIX = 'tandem:topic:';

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

export interface RedisConfig {
  readonly url: string;
  readonly channelPrefix: string;
}

/** REDIS_URL and REDIS_CHANNEL_PREFIX; undefined when REDIS_URL is unset (in-process fan-out). */
export const readRedisConfig = (
  env: Readonly<Record<string, string | undefined>>,
): RedisConfig | undefined => {
  const url = parseRedisUrl(env['REDIS_URL']);
  if (url === undefined) return undefined;
  return { url, channelPrefix: env['REDIS_CHANNEL_PREFIX'] || DEFAULT_REDIS_CHANNEL_PREFIX };
};
