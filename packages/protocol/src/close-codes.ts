/**
 * WebSocket close codes used between the relay and its clients, defined once.
 * 4000–4999 is the range RFC 6455 leaves to applications.
 */
export const CloseCode = {
  /** The relay is shutting down or restarting; reconnect with backoff. */
  GoingAway: 1001,
  /** Frame was binary, not UTF-8 JSON, or not an object. */
  BadFrame: 4000,
  /** Frame exceeded the relay's maximum frame size. */
  FrameTooLarge: 4001,
  /** Message `type` is not one the relay speaks. */
  UnknownType: 4002,
  /** A known message had a field of the wrong type or shape. */
  BadField: 4003,
  /** The socket subscribed to more topics than allowed. */
  TooManyTopics: 4004,
  /** The topic already has the maximum number of subscribers. */
  TopicFull: 4005,
  /** The socket sent more messages per second than allowed. */
  RateLimited: 4006,
  /** The socket did not read fast enough; its send buffer passed the high-water mark. */
  SlowConsumer: 4007,
  /** No message (not even a ping) within the idle timeout. */
  IdleTimeout: 4008,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];

/** Close codes after which reconnecting as-is cannot help (the client must change what it sends). */
export const FATAL_CLOSE_CODES: ReadonlySet<number> = new Set([
  CloseCode.BadFrame,
  CloseCode.FrameTooLarge,
  CloseCode.UnknownType,
  CloseCode.BadField,
  CloseCode.TooManyTopics,
]);
