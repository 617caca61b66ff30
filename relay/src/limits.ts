/**
 * Every hard limit of the relay, once, with its unit in the name. Each can be overridden
 * by an environment variable of the same name prefixed with `RELAY_`
 * (e.g. `RELAY_MAX_FRAME_BYTES=65536`).
 */
export interface RelayLimits {
  /** Largest text frame a client may send; larger frames close the socket (FrameTooLarge). */
  readonly MAX_FRAME_BYTES: number;
  /** Longest topic name, in UTF-16 code units; longer names close the socket (BadField). */
  readonly MAX_TOPIC_LENGTH_CHARS: number;
  /** Topics one socket may be subscribed to at once (TooManyTopics). */
  readonly MAX_TOPICS_PER_SOCKET: number;
  /** Sockets one topic may have at once; the next subscriber is closed (TopicFull). */
  readonly MAX_SUBSCRIBERS_PER_TOPIC: number;
  /** Frames per second one socket may send, sustained; bursts up to this many (RateLimited). */
  readonly MAX_MESSAGES_PER_SECOND: number;
  /** Bytes queued for one socket beyond which it is a slow consumer and is closed. */
  readonly SEND_BUFFER_HIGH_WATER_BYTES: number;
  /** A socket that sends nothing (not even a ping) for this long is closed (IdleTimeout). */
  readonly PING_TIMEOUT_MS: number;
}

/**
 * Defaults. A y-webrtc client pings every 15 s, so 60 s of silence means the peer is gone.
 * The high-water mark holds a few maximum-size frames: enough for bursts, bounded per socket.
 */
export const DEFAULT_LIMITS: RelayLimits = Object.freeze({
  MAX_FRAME_BYTES: 1024 * 1024,
  MAX_TOPIC_LENGTH_CHARS: 256,
  MAX_TOPICS_PER_SOCKET: 64,
  MAX_SUBSCRIBERS_PER_TOPIC: 64,
  MAX_MESSAGES_PER_SECOND: 200,
  SEND_BUFFER_HIGH_WATER_BYTES: 4 * 1024 * 1024,
  PING_TIMEOUT_MS: 60_000,
});

export const LIMIT_NAMES = Object.keys(DEFAULT_LIMITS) as readonly (keyof RelayLimits)[];

/** Largest value any limit accepts; keeps arithmetic on limits exact. */
const MAX_LIMIT_VALUE = 2 ** 31 - 1;

export class RelayConfigError extends Error {
  override readonly name = 'RelayConfigError';
}

/**
 * A whole-number setting read from the environment variable `variable`: undefined when
 * unset or empty, else an integer from `min` to `max`; anything else throws a
 * RelayConfigError naming the variable (and `hint`, if given) and quoting what was read.
 */
export const parseIntegerSetting = (
  variable: string,
  text: string | undefined,
  min: number,
  max: number,
  hint = '',
): number | undefined => {
  const trimmed = text?.trim() ?? '';
  if (trimmed === '') return undefined;
  const value = /^[0-9]+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new RelayConfigError(
      `${variable} must be an integer from ${min} to ${max}${hint}, got ${JSON.stringify(text)}`,
    );
  }
  return value;
};

const parseLimitValue = (variable: string, text: string): number => {
  const trimmed = text.trim();
  if (!/^[0-9]+$/.test(trimmed)) {
    throw new RelayConfigError(
      `${variable} must be a positive integer, got ${JSON.stringify(text)}`,
    );
  }
  const value = Number(trimmed);
  if (value < 1 || value > MAX_LIMIT_VALUE) {
    throw new RelayConfigError(
      `${variable} must be between 1 and ${MAX_LIMIT_VALUE}, got ${trimmed}`,
    );
  }
  return value;
};

/** Checks relations between limits; throws RelayConfigError naming the limits involved. */
export const validateLimits = (limits: RelayLimits): RelayLimits => {
  for (const name of LIMIT_NAMES) {
    const value = limits[name];
    if (!Number.isInteger(value) || value < 1 || value > MAX_LIMIT_VALUE) {
      throw new RelayConfigError(`${name} must be an integer between 1 and ${MAX_LIMIT_VALUE}`);
    }
  }
  // A frame larger than the high-water mark could never be delivered to anyone.
  if (limits.SEND_BUFFER_HIGH_WATER_BYTES < limits.MAX_FRAME_BYTES + 64) {
    throw new RelayConfigError(
      `SEND_BUFFER_HIGH_WATER_BYTES (${limits.SEND_BUFFER_HIGH_WATER_BYTES}) must exceed ` +
        `MAX_FRAME_BYTES (${limits.MAX_FRAME_BYTES}) by at least 64 bytes`,
    );
  }
  return limits;
};

/**
 * Reads `RELAY_<LIMIT>` variables over the defaults. Unknown `RELAY_MAX_*`-style variables
 * are not guessed at: only the names in DEFAULT_LIMITS are read.
 */
export const parseLimitsFromEnv = (
  env: Readonly<Record<string, string | undefined>>,
  defaults: RelayLimits = DEFAULT_LIMITS,
): RelayLimits => {
  const limits: Record<keyof RelayLimits, number> = { ...defaults };
  for (const name of LIMIT_NAMES) {
    const variable = `RELAY_${name}`;
    const text = env[variable];
    if (text !== undefined && text !== '') limits[name] = parseLimitValue(variable, text);
  }
  return Object.freeze(validateLimits(limits));
};

/** Fills a partial set of limits with the defaults and validates the result. */
export const resolveLimits = (overrides: Partial<RelayLimits> = {}): RelayLimits =>
  Object.freeze(validateLimits({ ...DEFAULT_LIMITS, ...overrides }));

/** On shutdown, how long sockets get to answer the close frame before they are cut. */
export const SHUTDOWN_GRACE_MS = 1_000;
