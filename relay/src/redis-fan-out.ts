/**
 * Fan-out across relay processes through Redis pub/sub, used when REDIS_URL is set.
 *
 * Each topic is one channel (`tandem:topic:<topic>`), subscribed only while a local socket
 * wants the topic. A publish is delivered to local subscribers at once, as in a single
 * process, and PUBLISHed with this process's origin tag in front; the copy Redis echoes to
 * our own subscription carries that tag and is skipped, so every local socket gets each
 * frame exactly once. Only PUBLISH / SUBSCRIBE / UNSUBSCRIBE / PING are sent: no key is
 * ever written.
 *
 * Redis going away is survived: ioredis reconnects, the current topic set is subscribed
 * again, publishes in between are dropped and counted. The clients' protocols (y-webrtc's
 * announce, the sealed path's hello + sync step 1) resync on a fresh connection, so once
 * Redis is back every local socket on a topic that may have missed messages is asked to
 * reconnect (GoingAway).
 */
import { parseSignalingMessage } from '@tandem/protocol';
import { Redis, type RedisOptions } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { DeliverPublish, FanOut, ResyncTopic } from './fan-out.ts';
import { DEFAULT_REDIS_CHANNEL_PREFIX } from './redis-config.ts';

/** Reconnection delay: doubles from the first to the max, plus up to the jitter. */
export const REDIS_RECONNECT_FIRST_DELAY_MS = 50;
export const REDIS_RECONNECT_MAX_DELAY_MS = 2_000;
export const REDIS_RECONNECT_JITTER_MS = 200;
export const REDIS_CONNECT_TIMEOUT_MS = 5_000;
/**
 * Each connection is pinged this often, and one that leaves a command unanswered for the
 * socket timeout is dropped and reconnected: a half-open TCP connection (a network blip
 * that sent no FIN) would otherwise keep a silent subscription for minutes. The timeout is
 * generous because a false alarm costs a resync of every socket (see above), and a relay
 * whose event loop stalls for a few seconds under load must not raise one.
 */
export const REDIS_PING_INTERVAL_MS = 5_000;
export const REDIS_SOCKET_TIMEOUT_MS = 15_000;
/** Channels per SUBSCRIBE when the whole topic set is subscribed again after a reconnect. */
const SUBSCRIBE_BATCH_CHANNELS = 1_000;
/** Origin tag: 12 random bytes in base64url, in front of every frame this process publishes. */
const ORIGIN_TAG_BYTES = 12;
export const ORIGIN_TAG_CHARS = 16;

export type RedisLinkState = 'up' | 'down';

export interface RedisFanOutOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` for TLS. Never logged. */
  readonly url: string;
  /** Channel name prefix, so several deployments can share one Redis. */
  readonly channelPrefix?: string;
  /** Called on every change between up (both connections ready) and down. */
  readonly onStateChange?: (state: RedisLinkState, errorCode: string | undefined) => void;
}

export interface RedisFanOutStats {
  /** Frames handed to Redis. */
  published: number;
  /** Frames not sent to other relays because Redis was down (local sockets still got them). */
  publishesDropped: number;
  /** Frames from other relays delivered to local sockets. */
  received: number;
  /** Frames on our channels that were not a publish for that channel's topic: dropped. */
  malformed: number;
  /** Times Redis came back and sockets on possibly affected topics were asked to reconnect. */
  recoveries: number;
}

export interface RedisFanOut extends FanOut {
  readonly state: RedisLinkState;
  readonly stats: Readonly<RedisFanOutStats>;
  /** The last connection error since Redis was last up (ECONNREFUSED, WRONGPASS…). */
  readonly lastErrorCode: string | undefined;
  /** Resolves once Redis is up (at once if it is). */
  whenUp(): Promise<void>;
  /** Stops and resolves when both connections are closed. */
  close(): Promise<void>;
}

/**
 * The channel of a topic. Topics are any JSON strings, lone surrogates included, which
 * UTF-8 cannot carry: JSON escaping (without the quotes) keeps the mapping one-to-one and
 * leaves ordinary topics as they are.
 */
export const channelForTopic = (prefix: string, topic: string): string =>
  prefix + JSON.stringify(topic).slice(1, -1);

const reconnectDelayMs = (attempt: number): number =>
  Math.min(
    REDIS_RECONNECT_FIRST_DELAY_MS * 2 ** Math.min(attempt - 1, 16),
    REDIS_RECONNECT_MAX_DELAY_MS,
  ) + Math.floor(Math.random() * REDIS_RECONNECT_JITTER_MS);

const connectionOptions = (connectionName: string): RedisOptions => ({
  connectionName,
  // RESP2: plain pub/sub on a dedicated connection, understood by every Redis-compatible server.
  protocol: 2,
  connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
  socketTimeout: REDIS_SOCKET_TIMEOUT_MS,
  retryStrategy: reconnectDelayMs,
  // Nothing waits for Redis: commands fail at once while it is down and are never replayed
  // (a stale publish is worse than a lost one; subscriptions are redone from our own set).
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
  autoResendUnfulfilledCommands: false,
  autoResubscribe: false,
});

const isPublishFor = (topic: string, text: string): boolean => {
  const parsed = parseSignalingMessage(text);
  return parsed.ok && parsed.message.type === 'publish' && parsed.message.topic === topic;
};

/**
 * What went wrong, fit for a log line: a system error code (ECONNREFUSED…) or the leading
 * word of a Redis error (WRONGPASS, NOPERM…), never the message, which may quote input.
 */
const errorCode = (error: unknown): string => {
  if (!(error instanceof Error)) return 'unknown';
  const { code } = error as Error & { code?: unknown };
  if (typeof code === 'string') return code;
  // ioredis's own socket timeout (see REDIS_SOCKET_TIMEOUT_MS) has no code.
  if (error.message.startsWith('Socket timeout')) return 'ETIMEDOUT';
  return /^[A-Z][A-Z_]{2,30}\b/.exec(error.message)?.[0] ?? error.name;
};

export const createRedisFanOut = (options: RedisFanOutOptions): RedisFanOut => {
  const prefix = options.channelPrefix ?? DEFAULT_REDIS_CHANNEL_PREFIX;
  const originTag = randomBytes(ORIGIN_TAG_BYTES).toString('base64url');
  const originTagBytes = Buffer.from(originTag, 'latin1');
  const stats: RedisFanOutStats = {
    published: 0,
    publishesDropped: 0,
    received: 0,
    malformed: 0,
    recoveries: 0,
  };
  /** Channel → topic and topic → channel, for every topic a local socket wants. */
  const channels = new Map<string, string>();
  const channelByTopic = new Map<string, string>();
  const channelOf = (topic: string): string =>
    channelByTopic.get(topic) ?? channelForTopic(prefix, topic);
  /** Topics open at some point while Redis was down: they may have missed messages. */
  const maybeMissed = new Set<string>();
  let deliver: DeliverPublish | undefined;
  let resync: ResyncTopic | undefined;
  let publisher: Redis | undefined;
  let subscriber: Redis | undefined;
  /** The subscriber connection has subscribed to the whole set since it last connected. */
  let subscriberSynced = false;
  let subscribeRound = 0;
  let state: RedisLinkState = 'down';
  let lastErrorCode: string | undefined;
  let stopped = false;
  let pingTimer: NodeJS.Timeout | undefined;
  let upWaiters: (() => void)[] = [];

  const isReady = (connection: Redis | undefined): connection is Redis =>
    connection?.status === 'ready';

  const updateState = (): void => {
    const up = !stopped && isReady(publisher) && isReady(subscriber) && subscriberSynced;
    const next: RedisLinkState = up ? 'up' : 'down';
    if (next === state) return;
    state = next;
    if (up) {
      lastErrorCode = undefined;
      const affected = [...maybeMissed].filter((topic) => channelByTopic.has(topic));
      maybeMissed.clear();
      if (affected.length > 0) stats.recoveries += 1;
      for (const topic of affected) resync?.(topic);
      for (const resolve of upWaiters.splice(0)) resolve();
    } else {
      for (const topic of channels.values()) maybeMissed.add(topic);
    }
    if (!stopped) options.onStateChange?.(state, lastErrorCode);
  };

  /** Subscribes the fresh connection to every wanted channel, all written in this tick. */
  const subscribeAll = (connection: Redis): void => {
    const round = ++subscribeRound;
    const all = [...channels.keys()];
    const batches: Promise<unknown>[] = [];
    for (let first = 0; first < all.length; first += SUBSCRIBE_BATCH_CHANNELS) {
      batches.push(connection.subscribe(...all.slice(first, first + SUBSCRIBE_BATCH_CHANNELS)));
    }
    Promise.all(batches).then(
      () => {
        if (round !== subscribeRound || !isReady(connection)) return;
        subscriberSynced = true;
        updateState();
      },
      () => {
        // The connection dropped again; its next 'ready' starts over.
      },
    );
  };

  /** Buffers, so our own echoes (half of what arrives) are dropped without being decoded. */
  const onMessage = (channelBytes: Buffer, message: Buffer): void => {
    const topic = channels.get(channelBytes.toString('utf8'));
    // Unsubscribed meanwhile, or our own frame (delivered locally when it was published).
    if (topic === undefined) return;
    if (message.length < ORIGIN_TAG_CHARS) {
      stats.malformed += 1;
      return;
    }
    if (message.compare(originTagBytes, 0, ORIGIN_TAG_CHARS, 0, ORIGIN_TAG_CHARS) === 0) return;
    const publishText = message.toString('utf8', ORIGIN_TAG_CHARS);
    if (!isPublishFor(topic, publishText)) {
      stats.malformed += 1;
      return;
    }
    stats.received += 1;
    deliver?.(topic, publishText);
  };

  const watch = (connection: Redis, onReady: () => void): Redis => {
    connection.on('ready', onReady);
    connection.on('close', () => {
      if (connection === subscriber) subscriberSynced = false;
      updateState();
    });
    connection.on('error', (error: unknown) => {
      lastErrorCode = errorCode(error);
    });
    return connection;
  };

  const ignore = (): void => {};

  /**
   * SUBSCRIBE / UNSUBSCRIBE for the topics opened and closed during this turn, in as few
   * commands as possible (a burst of connections, or of reconnections after an outage,
   * opens thousands at once). The latest change of a channel wins.
   */
  const pendingChanges = new Map<string, boolean>();
  let changesScheduled = false;
  const sendChanges = (): void => {
    changesScheduled = false;
    const subscribe: string[] = [];
    const unsubscribe: string[] = [];
    for (const [channel, wanted] of pendingChanges)
      (wanted ? subscribe : unsubscribe).push(channel);
    pendingChanges.clear();
    // Not ready: the next 'ready' subscribes to the whole current set anyway.
    if (!isReady(subscriber)) return;
    for (let first = 0; first < subscribe.length; first += SUBSCRIBE_BATCH_CHANNELS) {
      subscriber
        .subscribe(...subscribe.slice(first, first + SUBSCRIBE_BATCH_CHANNELS))
        .catch(ignore);
    }
    for (let first = 0; first < unsubscribe.length; first += SUBSCRIBE_BATCH_CHANNELS) {
      subscriber
        .unsubscribe(...unsubscribe.slice(first, first + SUBSCRIBE_BATCH_CHANNELS))
        .catch(ignore);
    }
  };
  const changeSubscription = (channel: string, wanted: boolean): void => {
    pendingChanges.set(channel, wanted);
    if (!changesScheduled) {
      changesScheduled = true;
      setImmediate(sendChanges);
    }
  };

  /**
   * The publishes of one event-loop turn (every socket read in it) go out as one pipeline:
   * one write, one reply callback, instead of a command round of its own each (measured:
   * a command each costs Redis three times the CPU and adds latency). Pipelines do not wait
   * for each other; Redis keeps their order.
   */
  let pendingPublishes: string[] = [];
  let publishesScheduled = false;
  const sendPublishes = (): void => {
    publishesScheduled = false;
    const batch = pendingPublishes;
    pendingPublishes = [];
    const count = batch.length / 2;
    if (!isReady(publisher)) {
      stats.publishesDropped += count;
      return;
    }
    const pipeline = publisher.pipeline();
    for (let i = 0; i < batch.length; i += 2) pipeline.publish(batch[i]!, batch[i + 1]!);
    pipeline.exec().then(
      (results) => {
        const failed = results?.filter(([error]) => error !== null).length ?? count;
        stats.published += count - failed;
        stats.publishesDropped += failed;
      },
      () => (stats.publishesDropped += count),
    );
  };

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    clearInterval(pingTimer);
    publisher?.disconnect();
    subscriber?.disconnect();
    deliver = undefined;
    resync = undefined;
    updateState();
  };

  return {
    start(deliverPublish, resyncTopic) {
      deliver = deliverPublish;
      resync = resyncTopic;
      // No auto-pipelining: it keeps one batch in flight at a time, so every publish would
      // wait for the previous batch's round trip (and a lost reply would stall them all).
      publisher = watch(new Redis(options.url, connectionOptions('tandem-relay-pub')), updateState);
      const sub = new Redis(options.url, connectionOptions('tandem-relay-sub'));
      sub.on('messageBuffer', onMessage);
      subscriber = watch(sub, () => {
        subscriberSynced = false;
        subscribeAll(sub);
      });
      pingTimer = setInterval(() => {
        for (const connection of [publisher, subscriber]) {
          if (isReady(connection)) connection.ping().catch(ignore);
        }
      }, REDIS_PING_INTERVAL_MS);
      pingTimer.unref();
    },

    topicOpened(topic) {
      const channel = channelForTopic(prefix, topic);
      channels.set(channel, topic);
      channelByTopic.set(topic, channel);
      if (state === 'down') maybeMissed.add(topic);
      changeSubscription(channel, true);
    },

    topicClosed(topic) {
      const channel = channelOf(topic);
      channels.delete(channel);
      channelByTopic.delete(topic);
      changeSubscription(channel, false);
    },

    publish(topic, publishText) {
      deliver?.(topic, publishText);
      if (!isReady(publisher)) {
        stats.publishesDropped += 1;
        return;
      }
      pendingPublishes.push(channelOf(topic), originTag + publishText);
      if (!publishesScheduled) {
        publishesScheduled = true;
        setImmediate(sendPublishes);
      }
    },

    stop,

    health: () => ({ redis: state }),

    get state() {
      return state;
    },
    get stats() {
      return stats;
    },
    get lastErrorCode() {
      return lastErrorCode;
    },

    whenUp() {
      if (state === 'up') return Promise.resolve();
      return new Promise((resolve) => upWaiters.push(resolve));
    },

    async close() {
      const connections = [publisher, subscriber].filter(
        (connection): connection is Redis => connection !== undefined,
      );
      const ended = connections.map(
        (connection) =>
          new Promise<void>((resolve) => {
            if (connection.status === 'end') resolve();
            else connection.once('end', () => resolve());
          }),
      );
      stop();
      upWaiters = [];
      await Promise.all(ended);
    },
  };
};
