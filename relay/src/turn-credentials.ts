/**
 * Short-lived TURN credentials: the "TURN REST API" scheme that coturn implements with
 * `use-auth-secret` and `static-auth-secret`. The relay and coturn share a secret; each
 * `GET /config` hands out a username `<expiry in Unix seconds>:tandem` and, as password,
 * base64(HMAC-SHA1(secret, username)). coturn recomputes the password and refuses it once
 * the expiry has passed. A credential copied out of a browser is then good for a day at
 * most, where a static `ICE_SERVERS` password is good for anyone, for ever.
 *
 * Read from TURN_SECRET, TURN_URLS (comma-separated turn:/turns: URLs) and TURN_TTL_SECONDS.
 * The secret is never logged nor quoted in errors.
 */
import { createHmac } from 'node:crypto';
import type { IceServer } from './ice-servers.ts';
import { parseIntegerSetting, RelayConfigError } from './limits.ts';

/** A day: credentials are fetched when a bilan opens, and a session can last hours. */
export const DEFAULT_TURN_TTL_SECONDS = 86_400;
export const MIN_TURN_TTL_SECONDS = 600;
export const MAX_TURN_TTL_SECONDS = 7 * 86_400;
/** Shorter secrets are refused: the HMAC is only as strong as the secret. */
export const MIN_TURN_SECRET_CHARS = 32;
/** The fixed part of every username: it names no one. */
export const TURN_USER = 'tandem';

export interface TurnConfig {
  readonly secret: string;
  readonly urls: readonly string[];
  readonly ttlSeconds: number;
}

const TURN_URL_PATTERN = /^turns?:\S+$/;

/** TURN_SECRET, TURN_URLS, TURN_TTL_SECONDS; undefined when neither of the first two is set. */
export const readTurnConfig = (
  env: Readonly<Record<string, string | undefined>>,
): TurnConfig | undefined => {
  const secret = env['TURN_SECRET']?.trim() ?? '';
  const urls = (env['TURN_URLS'] ?? '')
    .split(',')
    .map((url) => url.trim())
    .filter((url) => url !== '');
  if (secret === '' && urls.length === 0) return undefined;
  if (secret === '') throw new RelayConfigError('TURN_URLS is set but TURN_SECRET is not');
  if (urls.length === 0) throw new RelayConfigError('TURN_SECRET is set but TURN_URLS is not');
  if (secret.length < MIN_TURN_SECRET_CHARS) {
    throw new RelayConfigError(
      `TURN_SECRET must be at least ${MIN_TURN_SECRET_CHARS} characters (e.g. openssl rand -hex 32)`,
    );
  }
  const bad = urls.findIndex((url) => !TURN_URL_PATTERN.test(url));
  if (bad !== -1) {
    throw new RelayConfigError(`TURN_URLS[${bad}] must be a turn: or turns: URL`);
  }
  const ttlSeconds = parseIntegerSetting(
    'TURN_TTL_SECONDS',
    env['TURN_TTL_SECONDS'],
    MIN_TURN_TTL_SECONDS,
    MAX_TURN_TTL_SECONDS,
  );
  return { secret, urls, ttlSeconds: ttlSeconds ?? DEFAULT_TURN_TTL_SECONDS };
};

/** The TURN entry of `GET /config`, with a credential valid for `ttlSeconds` from `nowMs`. */
export const mintTurnServer = (config: TurnConfig, nowMs: number): IceServer => {
  const expiry = Math.floor(nowMs / 1000) + config.ttlSeconds;
  const username = `${expiry}:${TURN_USER}`;
  const credential = createHmac('sha1', config.secret).update(username).digest('base64');
  return { urls: config.urls, username, credential };
};
