import { RelayConfigError } from './limits.ts';

/** One entry of RTCConfiguration.iceServers, as served by `GET /config`. */
export interface IceServer {
  readonly urls: string | readonly string[];
  readonly username?: string;
  readonly credential?: string;
}

const ICE_URL_PATTERN = /^(stun|stuns|turn|turns):\S+$/;

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isIceUrl = (url: unknown): url is string =>
  typeof url === 'string' && ICE_URL_PATTERN.test(url);

const parseIceServer = (value: unknown, index: number): IceServer => {
  const where = `ICE_SERVERS[${index}]`;
  if (!isRecord(value)) throw new RelayConfigError(`${where} must be an object`);
  const { urls, username, credential } = value;
  const urlsValid =
    isIceUrl(urls) || (Array.isArray(urls) && urls.length > 0 && urls.every(isIceUrl));
  if (!urlsValid) {
    throw new RelayConfigError(
      `${where}.urls must be a stun:, stuns:, turn: or turns: URL, or a non-empty array of them`,
    );
  }
  const optionalString = (field: string, fieldValue: unknown): string | undefined => {
    if (fieldValue === undefined || typeof fieldValue === 'string') return fieldValue;
    throw new RelayConfigError(`${where}.${field} must be a string`);
  };
  const user = optionalString('username', username);
  const secret = optionalString('credential', credential);
  return {
    urls,
    ...(user === undefined ? {} : { username: user }),
    ...(secret === undefined ? {} : { credential: secret }),
  };
};

/**
 * Parses the `ICE_SERVERS` environment variable: a JSON array of RTCIceServer objects.
 * Unset or empty means none (direct connections and host candidates only).
 */
export const parseIceServers = (text: string | undefined): readonly IceServer[] => {
  if (text === undefined || text.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RelayConfigError(
      'ICE_SERVERS is not valid JSON; expected e.g. [{"urls":"stun:stun.example.org:3478"}]',
    );
  }
  if (!Array.isArray(value)) throw new RelayConfigError('ICE_SERVERS must be a JSON array');
  return value.map(parseIceServer);
};
