/**
 * The relay's routing core: topics ↔ sockets for the y-webrtc signaling protocol, with every
 * per-socket limit enforced here. It knows nothing of WebSockets or HTTP — a transport hands
 * it text frames and a `Socket` to answer on — so it is tested without a network, and
 * fan-out across processes plugs in through `FanOut`.
 */
import {
  CloseCode,
  encodePublishForSubscribers,
  parseSignalingMessage,
  PONG_FRAME,
  SIGNALING_ERROR_CLOSE_CODE,
} from '@tandem/protocol';
import { createInProcessFanOut, type FanOut } from './fan-out.ts';
import type { RelayLimits } from './limits.ts';

/** One outbound text frame, serialized and encoded once, shared by every recipient. */
export interface OutboundFrame {
  readonly text: string;
  readonly utf8: Uint8Array;
}

/** What the router needs from a connected client. */
export interface Socket {
  /** Queues a text frame; must not throw. */
  send(frame: OutboundFrame): void;
  /** Starts closing with an application close code; must not throw. */
  close(code: CloseCode, reason: string): void;
  /** Bytes queued for this socket and not yet written to the network. */
  readonly bufferedAmount: number;
  /** Stops (true) or resumes (false) reading frames from the client; must not throw. */
  pauseReading?(paused: boolean): void;
}

/** Test tap: sees every publish the relay accepts, exactly as the publisher sent it. */
export type PublishTap = (topic: string, frame: string) => void;

export interface RouterOptions {
  readonly limits: RelayLimits;
  readonly fanOut?: FanOut;
  /** Monotonic clock in milliseconds; injectable for tests. */
  readonly now?: () => number;
  readonly onPublish?: PublishTap;
}

/** A connected socket as the router tracks it. Opaque to transports. */
export interface Connection {
  readonly socket: Socket;
  readonly topics: Set<string>;
  open: boolean;
  lastFrameAtMs: number;
  /** Token bucket for MAX_MESSAGES_PER_SECOND. */
  rateTokens: number;
  rateTokensAtMs: number;
}

const utf8Encoder = new TextEncoder();

export const encodeFrame = (text: string): OutboundFrame => ({
  text,
  utf8: utf8Encoder.encode(text),
});

const PONG = encodeFrame(PONG_FRAME);

/** How often to look for idle sockets: a socket is closed at most this long after its deadline. */
export const idleSweepIntervalMs = (limits: RelayLimits): number =>
  Math.max(10, Math.min(5_000, Math.floor(limits.PING_TIMEOUT_MS / 4)));

export class Router {
  readonly #limits: RelayLimits;
  readonly #fanOut: FanOut;
  readonly #now: () => number;
  readonly #onPublish: PublishTap | undefined;
  readonly #subscribersByTopic = new Map<string, Set<Connection>>();
  readonly #connections = new Set<Connection>();
  #readingPaused = false;
  #pausedAtMs = 0;

  constructor(options: RouterOptions) {
    this.#limits = options.limits;
    this.#fanOut = options.fanOut ?? createInProcessFanOut();
    this.#now = options.now ?? (() => performance.now());
    this.#onPublish = options.onPublish;
    this.#fanOut.start(
      (topic, publishText) => this.#deliver(topic, publishText),
      (topic) => this.#resync(topic),
      (behind) => this.#pauseReading(behind),
    );
  }

  /** True while the fan-out is behind and no socket is read (see SetBackpressure). */
  get readingPaused(): boolean {
    return this.#readingPaused;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  get topicCount(): number {
    return this.#subscribersByTopic.size;
  }

  subscriberCount(topic: string): number {
    return this.#subscribersByTopic.get(topic)?.size ?? 0;
  }

  connect(socket: Socket): Connection {
    const now = this.#now();
    const connection: Connection = {
      socket,
      topics: new Set(),
      open: true,
      lastFrameAtMs: now,
      rateTokens: this.#limits.MAX_MESSAGES_PER_SECOND,
      rateTokensAtMs: now,
    };
    this.#connections.add(connection);
    if (this.#readingPaused) this.#pauseSocket(connection, true);
    return connection;
  }

  /** Handles one text frame from `connection`. Never throws; bad input closes that socket. */
  receive(connection: Connection, text: string): void {
    if (!connection.open) return;
    const now = this.#now();
    connection.lastFrameAtMs = now;
    if (!this.#takeRateToken(connection, now)) {
      this.close(connection, CloseCode.RateLimited, 'too many messages per second');
      return;
    }
    // The transport enforces the exact byte limit; more UTF-16 units than bytes allowed
    // is over it whatever the encoding, so this backstop holds for any transport.
    if (text.length > this.#limits.MAX_FRAME_BYTES) {
      this.close(connection, CloseCode.FrameTooLarge, 'frame too large');
      return;
    }
    const parsed = parseSignalingMessage(text);
    if (!parsed.ok) {
      this.close(connection, SIGNALING_ERROR_CLOSE_CODE[parsed.error.kind], parsed.error.reason);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'subscribe':
        this.#subscribe(connection, message.topics);
        return;
      case 'unsubscribe':
        this.#unsubscribe(connection, message.topics);
        return;
      case 'publish':
        this.#publish(connection, message.topic, text);
        return;
      case 'ping':
        this.#send(connection, PONG);
        return;
      case 'pong':
        return;
    }
  }

  /** Closes one socket with `code` and forgets it. Idempotent. */
  close(connection: Connection, code: CloseCode, reason: string): void {
    if (!connection.open) return;
    this.disconnect(connection);
    try {
      connection.socket.close(code, reason);
    } catch {
      // The transport is already gone; nothing is left to release.
    }
  }

  /** The transport closed: forget the socket without sending anything. Idempotent. */
  disconnect(connection: Connection): void {
    if (!connection.open) return;
    connection.open = false;
    this.#connections.delete(connection);
    for (const topic of connection.topics) this.#removeSubscriber(topic, connection);
    connection.topics.clear();
  }

  /** Closes every socket silent for PING_TIMEOUT_MS or more; returns how many. */
  closeIdle(): number {
    // Nobody can be heard while reading is paused.
    if (this.#readingPaused) return 0;
    const deadline = this.#now() - this.#limits.PING_TIMEOUT_MS;
    let closed = 0;
    for (const connection of this.#connections) {
      if (connection.lastFrameAtMs <= deadline) {
        this.close(connection, CloseCode.IdleTimeout, 'idle timeout');
        closed += 1;
      }
    }
    return closed;
  }

  /** Closes every socket (shutdown) and stops the fan-out. */
  closeAll(code: CloseCode, reason: string): void {
    for (const connection of this.#connections) this.close(connection, code, reason);
    this.#fanOut.stop();
  }

  #pauseReading(paused: boolean): void {
    if (paused === this.#readingPaused) return;
    this.#readingPaused = paused;
    const now = this.#now();
    if (paused) this.#pausedAtMs = now;
    const pausedMs = now - this.#pausedAtMs;
    for (const connection of this.#connections) {
      // Silence while paused was ours: it does not count towards the idle timeout. (The rate
      // bucket kept refilling, so what the client sent meanwhile may arrive as a burst.)
      if (!paused) connection.lastFrameAtMs = Math.min(now, connection.lastFrameAtMs + pausedMs);
      this.#pauseSocket(connection, paused);
    }
  }

  #pauseSocket(connection: Connection, paused: boolean): void {
    try {
      connection.socket.pauseReading?.(paused);
    } catch {
      this.close(connection, CloseCode.GoingAway, 'pause failed');
    }
  }

  #takeRateToken(connection: Connection, now: number): boolean {
    const perSecond = this.#limits.MAX_MESSAGES_PER_SECOND;
    const refill = ((now - connection.rateTokensAtMs) * perSecond) / 1000;
    connection.rateTokens = Math.min(perSecond, connection.rateTokens + refill);
    connection.rateTokensAtMs = now;
    if (connection.rateTokens < 1) return false;
    connection.rateTokens -= 1;
    return true;
  }

  #isTopicTooLong(topics: readonly string[]): boolean {
    return topics.some((topic) => topic.length > this.#limits.MAX_TOPIC_LENGTH_CHARS);
  }

  #subscribe(connection: Connection, topics: readonly string[]): void {
    if (this.#isTopicTooLong(topics)) {
      this.close(connection, CloseCode.BadField, 'topic too long');
      return;
    }
    const newTopics = new Set(topics.filter((topic) => !connection.topics.has(topic)));
    if (connection.topics.size + newTopics.size > this.#limits.MAX_TOPICS_PER_SOCKET) {
      this.close(connection, CloseCode.TooManyTopics, 'too many topics');
      return;
    }
    for (const topic of newTopics) {
      if (this.subscriberCount(topic) >= this.#limits.MAX_SUBSCRIBERS_PER_TOPIC) {
        this.close(connection, CloseCode.TopicFull, 'topic full');
        return;
      }
    }
    for (const topic of newTopics) {
      let subscribers = this.#subscribersByTopic.get(topic);
      if (subscribers === undefined) {
        subscribers = new Set();
        this.#subscribersByTopic.set(topic, subscribers);
        this.#fanOut.topicOpened(topic);
      }
      subscribers.add(connection);
      connection.topics.add(topic);
    }
  }

  #unsubscribe(connection: Connection, topics: readonly string[]): void {
    if (this.#isTopicTooLong(topics)) {
      this.close(connection, CloseCode.BadField, 'topic too long');
      return;
    }
    for (const topic of topics) {
      if (connection.topics.delete(topic)) this.#removeSubscriber(topic, connection);
    }
  }

  #removeSubscriber(topic: string, connection: Connection): void {
    const subscribers = this.#subscribersByTopic.get(topic);
    if (subscribers === undefined) return;
    subscribers.delete(connection);
    if (subscribers.size === 0) {
      this.#subscribersByTopic.delete(topic);
      this.#fanOut.topicClosed(topic);
    }
  }

  #publish(connection: Connection, topic: string, publishText: string): void {
    if (topic.length > this.#limits.MAX_TOPIC_LENGTH_CHARS) {
      this.close(connection, CloseCode.BadField, 'topic too long');
      return;
    }
    if (this.#onPublish !== undefined) {
      try {
        this.#onPublish(topic, publishText);
      } catch {
        console.error('relay: onPublish tap threw');
      }
    }
    this.#fanOut.publish(topic, publishText);
  }

  /** Serializes once, then hands the same frame to every subscriber, the sender included. */
  #deliver(topic: string, publishText: string): void {
    const subscribers = this.#subscribersByTopic.get(topic);
    if (subscribers === undefined) return;
    const frame = encodeFrame(encodePublishForSubscribers(publishText, subscribers.size));
    for (const subscriber of subscribers) this.#send(subscriber, frame);
  }

  /** Messages on `topic` may have been lost between processes: its sockets reconnect. */
  #resync(topic: string): void {
    const subscribers = this.#subscribersByTopic.get(topic);
    if (subscribers === undefined) return;
    for (const subscriber of [...subscribers]) {
      this.close(subscriber, CloseCode.GoingAway, 'messages may have been lost, reconnect');
    }
  }

  /** Sends unless that would take the socket past its high-water mark: then it is closed. */
  #send(connection: Connection, frame: OutboundFrame): void {
    const socket = connection.socket;
    if (socket.bufferedAmount + frame.utf8.byteLength > this.#limits.SEND_BUFFER_HIGH_WATER_BYTES) {
      this.close(connection, CloseCode.SlowConsumer, 'slow consumer');
      return;
    }
    try {
      socket.send(frame);
    } catch {
      this.close(connection, CloseCode.GoingAway, 'send failed');
    }
  }
}
