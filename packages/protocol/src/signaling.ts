/**
 * The y-webrtc signaling protocol (y-webrtc 10.x, `bin/server.js` + `src/y-webrtc.js`), as
 * JSON text frames over a WebSocket:
 *
 *   client → relay  `{"type":"subscribe","topics":[…]}`, `{"type":"unsubscribe","topics":[…]}`,
 *                   `{"type":"publish","topic":"…",…}`, `{"type":"ping"}`
 *   relay → client  the publish as sent plus `"clients": <subscriber count>`, delivered to every
 *                   subscriber of the topic including the sender; `{"type":"pong"}`
 *
 * Well-formed traffic is handled exactly as the stock server does. Where the stock server
 * silently skips malformed input (or throws), the parser returns a typed error instead, so
 * the relay can close that one socket with a defined code.
 */
import { CloseCode } from './close-codes.ts';

export interface SubscribeMessage {
  readonly type: 'subscribe';
  readonly topics: readonly string[];
}

export interface UnsubscribeMessage {
  readonly type: 'unsubscribe';
  readonly topics: readonly string[];
}

/** A publish carries any other fields through untouched (y-webrtc puts its payload in `data`). */
export interface PublishMessage {
  readonly type: 'publish';
  readonly topic: string;
  readonly [field: string]: unknown;
}

export interface PingMessage {
  readonly type: 'ping';
}

export interface PongMessage {
  readonly type: 'pong';
}

export type SignalingMessage =
  SubscribeMessage | UnsubscribeMessage | PublishMessage | PingMessage | PongMessage;

export type SignalingErrorKind =
  /** Not JSON, or JSON that is not an object. */
  | 'bad-frame'
  /** `type` is a string the protocol does not define. */
  | 'unknown-type'
  /** `type`, `topic` or `topics` is missing or has the wrong shape. */
  | 'bad-field';

export interface SignalingError {
  readonly kind: SignalingErrorKind;
  /** Short, payload-free explanation, safe to log or to send as a close reason. */
  readonly reason: string;
}

export type SignalingParseResult =
  | { readonly ok: true; readonly message: SignalingMessage }
  | { readonly ok: false; readonly error: SignalingError };

/** The close code a relay uses for each parse error. */
export const SIGNALING_ERROR_CLOSE_CODE = {
  'bad-frame': CloseCode.BadFrame,
  'unknown-type': CloseCode.UnknownType,
  'bad-field': CloseCode.BadField,
} as const satisfies Record<SignalingErrorKind, CloseCode>;

const fail = (kind: SignalingErrorKind, reason: string): SignalingParseResult => ({
  ok: false,
  error: { kind, reason },
});

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isTopic = (topic: unknown): topic is string => typeof topic === 'string' && topic !== '';

/**
 * Parses a topic list. A missing list means "no topics", as in the stock server; anything
 * else must be an array of non-empty strings.
 */
const parseTopics = (value: unknown): readonly string[] | undefined => {
  if (value === undefined) return [];
  if (Array.isArray(value) && value.every(isTopic)) return value;
  return undefined;
};

/** Parses one text frame of the signaling protocol. Never throws. */
export const parseSignalingMessage = (text: string): SignalingParseResult => {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return fail('bad-frame', 'frame is not JSON');
  }
  if (!isRecord(value)) return fail('bad-frame', 'frame is not a JSON object');
  const type = value['type'];
  if (typeof type !== 'string') return fail('bad-field', '"type" must be a string');
  switch (type) {
    case 'subscribe':
    case 'unsubscribe': {
      const topics = parseTopics(value['topics']);
      if (topics === undefined) {
        return fail('bad-field', '"topics" must be an array of non-empty strings');
      }
      return { ok: true, message: { type, topics } };
    }
    case 'publish': {
      const topic = value['topic'];
      if (typeof topic !== 'string' || topic === '') {
        return fail('bad-field', '"topic" must be a non-empty string');
      }
      return { ok: true, message: { ...value, type, topic } };
    }
    case 'ping':
    case 'pong':
      return { ok: true, message: { type } };
    default:
      return fail('unknown-type', 'unknown message type');
  }
};

export const PING_FRAME = '{"type":"ping"}';
export const PONG_FRAME = '{"type":"pong"}';

export const encodeSubscribe = (topics: readonly string[]): string =>
  JSON.stringify({ type: 'subscribe', topics });

export const encodeUnsubscribe = (topics: readonly string[]): string =>
  JSON.stringify({ type: 'unsubscribe', topics });

export const encodePublish = (topic: string, fields: Readonly<Record<string, unknown>> = {}) =>
  JSON.stringify({ ...fields, type: 'publish', topic });

/**
 * The frame a relay fans out for a publish: the publisher's own text with
 * `"clients": <count>` appended. `publishText` must be a frame that `parseSignalingMessage`
 * accepted as a publish (a JSON object with at least `type` and `topic`), so its last
 * non-space character is the closing brace. Splicing keeps every field exactly as sent
 * without re-serializing the payload; if the sender already had a `clients` field,
 * JSON.parse on the receiving side keeps the last one — the relay's count — as the stock
 * server's overwrite does.
 */
export const encodePublishForSubscribers = (publishText: string, clients: number): string => {
  const end = publishText.lastIndexOf('}');
  return `${publishText.slice(0, end)},"clients":${clients}}`;
};
