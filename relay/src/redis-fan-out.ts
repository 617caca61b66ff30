/**
 * Fan-out across relay processes through Redis pub/sub, used when REDIS_URL is set.
 *
 * Each topic has its own channel, `<prefix>t:<topic>` (see `channelForTopic`), subscribed
 * while a local socket wants the topic and unsubscribed when the last one leaves, so Redis
 * sends a relay only the frames of topics it holds: what each relay reads grows with its
 * own sockets, not with the deployment. (REDIS_SHARDS=<n> opts into the layout of small
 * deployments instead: topics spread over n shared channels `<prefix>s:<shard>`, each
 * subscribed while a local socket wants one of its topics; fewer PUBLISHes under load, but
 * every relay then reads every frame of its channels, wanted or not.)
 *
 * A publish is delivered to local subscribers at once, as in a single process, and queued;
 * what is queued for a channel goes out as one PUBLISH, a batch (see `encodeBatch`), and
 * the batches of several channels in one pipeline, at the end of the event-loop turn, or
 * sooner once they are large or have waited BATCH_MAX_DELAY_MS (a turn can last seconds
 * under load: publishes used to wait for it, and an overloaded relay then sent nothing to
 * Redis for as long). Batches carry this process's origin tag, so the copy Redis echoes to
 * our own subscription is dropped in one comparison, and every local socket gets each frame
 * exactly once. Frames carry their exact topic, and only those of topics a local socket
 * wants are delivered: a channel may carry other topics (shards; or topics that become
 * equal once their lone surrogates are U+FFFD, as in a UTF-8 channel name).
 * Only PUBLISH / SUBSCRIBE / UNSUBSCRIBE / PING are sent: no key is ever written.
 *
 * A relay that reads its subscription more slowly than the others publish would let Redis
 * buffer the difference until Redis drops it; instead the lag is probed, and while it is
 * too high every relay stops reading its own sockets (see REDIS_LAG_PAUSE_MS), on request
 * of the lagging relay on `<prefix>control`, a name no topic's channel can take.
 *
 * Redis going away is survived: ioredis reconnects, the current channel set is subscribed
 * again, publishes in between are dropped and counted. The clients' protocols (y-webrtc's
 * announce, the sealed path's hello + sync step 1) resync on a fresh connection, so once
 * Redis is back every local socket on a topic that may have missed messages is asked to
 * reconnect (GoingAway).
 */
import { parseSignalingMessage } from '@tandem/protocol';
import { Redis, type RedisOptions } from 'ioredis';
import { randomBytes } from 'node:crypto';
import type { DeliverPublish, FanOut, ResyncTopic, SetBackpressure } from './fan-out.ts';
import { DEFAULT_REDIS_CHANNEL_PREFIX, MAX_REDIS_SHARDS } from './redis-config.ts';

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
/**
 * How far behind the subscription is: a PING on the subscriber connection is answered after
 * every message Redis queued for us before it, so its round trip is the age of our backlog
 * (Redis's output buffer for us plus our own event-loop delay). Measured this often.
 */
export const REDIS_LAG_PROBE_INTERVAL_MS = 100;
/**
 * Behind by this much, the relay stops reading its own sockets (see SetBackpressure) and
 * asks every other relay to do the same (a hold on the control channel, renewed at each
 * probe while behind, lapsing after REDIS_HOLD_MS) until its lag is back under
 * REDIS_LAG_RESUME_MS. Otherwise relays keep taking in frames while the frames for a
 * relay that cannot keep up pile up in Redis, until Redis drops its subscription
 * (client-output-buffer-limit pubsub, 32 MB by default) and every socket on it has to
 * reconnect and resync: the whole deployment then goes no faster than its slowest relay,
 * but nothing is dropped and nobody is cut off.
 */
export const REDIS_LAG_PAUSE_MS = 500;
export const REDIS_LAG_RESUME_MS = 100;
export const REDIS_HOLD_MS = 1_000;
/** Channels per SUBSCRIBE / UNSUBSCRIBE command (a reconnect subscribes to every topic). */
export const SUBSCRIBE_BATCH_CHANNELS = 1_000;
/** A batch goes out once it holds this many bytes, without waiting for the end of the turn. */
export const BATCH_MAX_BYTES = 64 * 1024;
/**
 * …or once its first frame has waited this long: a turn of the event loop can last far
 * longer under load (every readable socket is served first), and a publish must not wait
 * for it.
 */
export const BATCH_MAX_DELAY_MS = 2;
/** Origin tag: 12 random bytes in base64url, at the start of every batch we publish. */
const ORIGIN_TAG_BYTES = 12;
export const ORIGIN_TAG_CHARS = 16;
/** Control messages: the origin tag, this format byte, the hold in ms (uint16 BE, 0 = release). */
const CONTROL_FORMAT = 0x81;
const CONTROL_BYTES = ORIGIN_TAG_CHARS + 1 + 2;
/**
 * The batch format and the sender's channel layout (uint32 BE: 0 for a channel per topic,
 * n for n shards), after the origin tag: a batch from a relay that differs in either is
 * dropped as malformed (relays on different layouts cannot hear each other; the header says
 * so instead of letting a relay misread a batch). Format 1 (shards only) is not read.
 */
export const BATCH_FORMAT = 2;
const BATCH_HEADER_BYTES = ORIGIN_TAG_CHARS + 1 + 4;
/** Topic length (UTF-16 units) and frame length (bytes) in front of each frame. */
const RECORD_HEADER_BYTES = 2 + 4;
/** Longest topic a batch can carry (RELAY_MAX_TOPIC_LENGTH_CHARS is 256 by default). */
export const MAX_BATCH_TOPIC_CHARS = 0xffff;

export type RedisLinkState = 'up' | 'down';

/** Why local sockets are not read: this relay is behind on Redis, or another relay is. */
export type PauseReason = 'behind' | 'other relay behind';

export interface RedisFanOutOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` for TLS. Never logged. */
  readonly url: string;
  /** Channel name prefix, so several deployments can share one Redis. */
  readonly channelPrefix?: string;
  /**
   * Unset (the default): a channel per topic. A number (1 to MAX_REDIS_SHARDS): topics
   * spread over that many shared channels, the same number on every relay (REDIS_SHARDS).
   */
  readonly shards?: number | undefined;
  /** Called on every change between up (both connections ready) and down. */
  readonly onStateChange?: (state: RedisLinkState, errorCode: string | undefined) => void;
  /**
   * Called when local sockets stop being read (this relay is behind: `lagMs` is its lag, or
   * another relay asked: `lagMs` is 0) and when they are read again.
   */
  readonly onPausedChange?: (paused: boolean, reason: PauseReason, lagMs: number) => void;
}

export interface RedisFanOutStats {
  /** Frames handed to Redis. */
  published: number;
  /** PUBLISH commands (batches) those frames went out in. */
  batches: number;
  /** Frames not sent to other relays because Redis was down (local sockets still got them). */
  publishesDropped: number;
  /** Frames from other relays delivered to local sockets. */
  received: number;
  /** Batches from other relays read from our channels (our own echoes not counted). */
  batchesReceived: number;
  /**
   * Frames in those batches for topics no local socket wants, not decoded: other topics of
   * a shared channel, frames that crossed an UNSUBSCRIBE, topics equal but for lone
   * surrogates. Near 0 with a channel per topic.
   */
  skipped: number;
  /** Frames or batches on our channels that were not well-formed publishes: dropped. */
  malformed: number;
  /** Times Redis came back and sockets on possibly affected topics were asked to reconnect. */
  recoveries: number;
  /** Times the subscription fell REDIS_LAG_PAUSE_MS behind (and asked every relay to hold). */
  pauses: number;
  /** Times another relay's hold paused local sockets while this relay was not behind. */
  heldByOthers: number;
  /** The last measured lag of the subscription, in ms (see REDIS_LAG_PROBE_INTERVAL_MS). */
  lagMs: number;
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

/** FNV-1a over the topic's UTF-16 code units: the same shard in every relay, any topic. */
export const shardOfTopic = (topic: string, shards: number): number => {
  let hash = 0x811c9dc5;
  for (let i = 0; i < topic.length; i += 1) {
    hash ^= topic.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shards;
};

/** Lone surrogates, which UTF-8 (and so ioredis, writing a channel name) turns into U+FFFD. */
const LONE_SURROGATES = /\p{Cs}/gu;
/** Topics whose channel may be another topic's too: with a lone surrogate or U+FFFD itself. */
const MAY_SHARE_CHANNEL = /[\p{Cs}\ufffd]/u;

/** A shared channel, with REDIS_SHARDS. */
export const channelForShard = (prefix: string, shard: number): string => `${prefix}s:${shard}`;

/**
 * The channel of `topic`: `<prefix>t:<topic>` with a channel per topic (`shards`
 * undefined), `<prefix>s:<shard>` with shards. Topics are under `t:`, so none can take the
 * control channel or a shard's. The name is the one Redis sees: lone surrogates replaced by
 * U+FFFD as UTF-8 does, so that topics equal but for them, which share a Redis channel,
 * share our bookkeeping of it too (their frames carry the exact topic and are told apart).
 */
export const channelForTopic = (
  prefix: string,
  topic: string,
  shards: number | undefined,
): string =>
  shards === undefined
    ? `${prefix}t:${topic.replace(LONE_SURROGATES, '\ufffd')}`
    : channelForShard(prefix, shardOfTopic(topic, shards));

/** Holds and releases between relays (see REDIS_LAG_PAUSE_MS). */
export const controlChannel = (prefix: string): string => `${prefix}control`;

/** One frame queued for a batch. */
interface QueuedFrame {
  readonly topic: string;
  readonly publishText: string;
}

/**
 * A batch, as published: the origin tag (16 ASCII bytes), the format byte, the layout
 * (uint32 BE: 0 for a channel per topic, else the shard count), then for each frame its
 * topic's length in UTF-16 units (uint16 BE), the topic in UTF-16LE (exact for any
 * JavaScript string, lone surrogates included), the frame's length in bytes (uint32 BE) and
 * the frame in UTF-8 (exact: frames are valid UTF-8 text from a WebSocket).
 */
export const encodeBatch = (
  originTag: Buffer,
  layout: number,
  frames: readonly QueuedFrame[],
): Buffer => {
  let bytes = BATCH_HEADER_BYTES;
  for (const { topic, publishText } of frames) {
    bytes += RECORD_HEADER_BYTES + topic.length * 2 + Buffer.byteLength(publishText, 'utf8');
  }
  const batch = Buffer.allocUnsafe(bytes);
  originTag.copy(batch, 0, 0, ORIGIN_TAG_CHARS);
  batch.writeUInt8(BATCH_FORMAT, ORIGIN_TAG_CHARS);
  let at = batch.writeUInt32BE(layout, ORIGIN_TAG_CHARS + 1);
  for (const { topic, publishText } of frames) {
    at = batch.writeUInt16BE(topic.length, at);
    at += batch.write(topic, at, 'utf16le');
    const frameBytes = batch.write(publishText, at + 4, 'utf8');
    batch.writeUInt32BE(frameBytes, at);
    at += 4 + frameBytes;
  }
  return batch;
};

/**
 * Reads a batch from another relay, calling `onFrame` for each frame whose topic `wanted`
 * accepts (the frame is decoded only then) and `onSkip` for each other. Returns false if
 * the batch is malformed or from a relay on another layout; the frames before a fault were
 * already handed over.
 */
export const decodeBatch = (
  batch: Buffer,
  layout: number,
  wanted: (topic: string) => boolean,
  onFrame: (topic: string, publishText: string) => void,
  onSkip: () => void = () => {},
): boolean => {
  if (
    batch.length < BATCH_HEADER_BYTES ||
    batch[ORIGIN_TAG_CHARS] !== BATCH_FORMAT ||
    batch.readUInt32BE(ORIGIN_TAG_CHARS + 1) !== layout
  ) {
    return false;
  }
  let at = BATCH_HEADER_BYTES;
  while (at < batch.length) {
    if (at + 2 > batch.length) return false;
    const topicEnd = at + 2 + batch.readUInt16BE(at) * 2;
    if (topicEnd + 4 > batch.length) return false;
    const frameEnd = topicEnd + 4 + batch.readUInt32BE(topicEnd);
    if (frameEnd > batch.length) return false;
    const topic = batch.toString('utf16le', at + 2, topicEnd);
    if (wanted(topic)) onFrame(topic, batch.toString('utf8', topicEnd + 4, frameEnd));
    else onSkip();
    at = frameEnd;
  }
  return true;
};

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
  const { shards } = options;
  if (
    shards !== undefined &&
    (!Number.isInteger(shards) || shards < 1 || shards > MAX_REDIS_SHARDS)
  ) {
    throw new RangeError(`shards must be an integer between 1 and ${MAX_REDIS_SHARDS}`);
  }
  /** What batches say of our layout (see BATCH_FORMAT). */
  const layout = shards ?? 0;
  /** With shards, their channel names, made once. */
  const shardChannels =
    shards === undefined
      ? undefined
      : Array.from({ length: shards }, (_, shard) => channelForShard(prefix, shard));
  const channelOf = (topic: string): string =>
    shardChannels === undefined
      ? channelForTopic(prefix, topic, undefined)
      : shardChannels[shardOfTopic(topic, shardChannels.length)]!;
  const originTag = Buffer.from(randomBytes(ORIGIN_TAG_BYTES).toString('base64url'), 'latin1');
  const stats: RedisFanOutStats = {
    published: 0,
    batches: 0,
    publishesDropped: 0,
    received: 0,
    batchesReceived: 0,
    skipped: 0,
    malformed: 0,
    recoveries: 0,
    pauses: 0,
    heldByOthers: 0,
    lagMs: 0,
  };
  /** Every topic a local socket wants. */
  const topics = new Set<string>();
  /**
   * A channel that can carry several topics (every shard; with a channel per topic, only
   * that of topics with a lone surrogate or U+FFFD, rare) is subscribed while this counts
   * any of its topics. Other topics have a channel of their own, kept from their first
   * socket to their last: nothing more to remember for them (memory per idle socket is a
   * goal).
   */
  const topicsPerSharedChannel = new Map<string, number>();
  const isShared = (topic: string): boolean =>
    shardChannels !== undefined || MAY_SHARE_CHANNEL.test(topic);
  const wanted = (topic: string): boolean => topics.has(topic);
  /** Topics open at some point while Redis was down: they may have missed messages. */
  const maybeMissed = new Set<string>();
  let deliver: DeliverPublish | undefined;
  let resync: ResyncTopic | undefined;
  let backpressure: SetBackpressure | undefined;
  /** When the lag probe in flight was sent; undefined when none is. */
  let probeSentAtMs: number | undefined;
  /** This relay is behind on its subscription. */
  let behind = false;
  /** Other relays' holds: origin tag → until when (performance.now() ms). */
  const holds = new Map<string, number>();
  /** Local sockets are not being read (behind, or held by another relay). */
  let paused = false;
  let publisher: Redis | undefined;
  let subscriber: Redis | undefined;
  /** The subscriber connection has subscribed to the whole set since it last connected. */
  let subscriberSynced = false;
  let subscribeRound = 0;
  let state: RedisLinkState = 'down';
  let lastErrorCode: string | undefined;
  let stopped = false;
  let pingTimer: NodeJS.Timeout | undefined;
  let probeTimer: NodeJS.Timeout | undefined;
  let upWaiters: (() => void)[] = [];

  const isReady = (connection: Redis | undefined): connection is Redis =>
    connection?.status === 'ready';
  const ignore = (): void => {};

  const control = controlChannel(prefix);
  const controlMessage = (holdMs: number): Buffer => {
    const message = Buffer.allocUnsafe(CONTROL_BYTES);
    originTag.copy(message, 0, 0, ORIGIN_TAG_CHARS);
    message.writeUInt8(CONTROL_FORMAT, ORIGIN_TAG_CHARS);
    message.writeUInt16BE(holdMs, ORIGIN_TAG_CHARS + 1);
    return message;
  };
  const holdOthers = (holdMs: number): void => {
    if (isReady(publisher)) publisher.publish(control, controlMessage(holdMs)).catch(ignore);
  };

  /** The last lag measured, or the age of the probe in flight if that is more. */
  const currentLagMs = (): number =>
    probeSentAtMs === undefined
      ? stats.lagMs
      : Math.max(stats.lagMs, performance.now() - probeSentAtMs);

  /** Pauses or resumes local sockets as this relay's lag and other relays' holds say. */
  const updatePaused = (): void => {
    const now = performance.now();
    for (const [origin, untilMs] of holds) if (untilMs <= now) holds.delete(origin);
    const next = behind || holds.size > 0;
    if (next === paused) return;
    paused = next;
    if (paused && !behind) stats.heldByOthers += 1;
    backpressure?.(paused);
    if (!stopped) {
      options.onPausedChange?.(
        paused,
        behind ? 'behind' : 'other relay behind',
        behind ? currentLagMs() : 0,
      );
    }
  };

  /** Compares the lag with the thresholds; while behind, renews the hold on other relays. */
  const checkLag = (): void => {
    const lagMs = currentLagMs();
    if (!behind && lagMs >= REDIS_LAG_PAUSE_MS) {
      behind = true;
      stats.pauses += 1;
      holdOthers(REDIS_HOLD_MS);
    } else if (behind && probeSentAtMs === undefined && lagMs <= REDIS_LAG_RESUME_MS) {
      behind = false;
      holdOthers(0);
    }
    updatePaused();
  };

  let probedAtMs = Number.NEGATIVE_INFINITY;
  /**
   * Sends a probe unless one is in flight, and renews the hold while behind. Run by a timer
   * and, since timers wait for the end of the event-loop turn (long when busy), by every
   * message read, at most once per REDIS_LAG_PROBE_INTERVAL_MS.
   */
  const probeLag = (): void => {
    const now = performance.now();
    if (now - probedAtMs < REDIS_LAG_PROBE_INTERVAL_MS / 2) {
      checkLag();
      return;
    }
    probedAtMs = now;
    if (behind) holdOthers(REDIS_HOLD_MS);
    checkLag();
    if (probeSentAtMs !== undefined || !isReady(subscriber) || !subscriberSynced) return;
    const sentAtMs = now;
    probeSentAtMs = sentAtMs;
    subscriber.ping().then(
      () => {
        if (probeSentAtMs !== sentAtMs) return;
        stats.lagMs = performance.now() - sentAtMs;
        probeSentAtMs = undefined;
        checkLag();
      },
      () => {
        if (probeSentAtMs === sentAtMs) probeSentAtMs = undefined;
      },
    );
  };

  /** Another relay's hold (or its release, 0 ms). */
  const onControl = (message: Buffer): void => {
    if (message.length !== CONTROL_BYTES || message[ORIGIN_TAG_CHARS] !== CONTROL_FORMAT) {
      stats.malformed += 1;
      return;
    }
    const origin = message.toString('latin1', 0, ORIGIN_TAG_CHARS);
    const holdMs = Math.min(message.readUInt16BE(ORIGIN_TAG_CHARS + 1), REDIS_HOLD_MS);
    if (holdMs === 0) holds.delete(origin);
    else holds.set(origin, performance.now() + holdMs);
    updatePaused();
  };

  const updateState = (): void => {
    const up = !stopped && isReady(publisher) && isReady(subscriber) && subscriberSynced;
    const next: RedisLinkState = up ? 'up' : 'down';
    if (next === state) return;
    state = next;
    if (up) {
      lastErrorCode = undefined;
      const affected = [...maybeMissed].filter(wanted);
      maybeMissed.clear();
      if (affected.length > 0) stats.recoveries += 1;
      for (const topic of affected) resync?.(topic);
      for (const resolve of upWaiters.splice(0)) resolve();
    } else {
      for (const topic of topics) maybeMissed.add(topic);
      // Nothing is coming from Redis: nothing to catch up with, nobody to hold for.
      probeSentAtMs = undefined;
      behind = false;
      holds.clear();
      updatePaused();
    }
    if (!stopped) options.onStateChange?.(state, lastErrorCode);
  };

  /** Subscribes `channels`, SUBSCRIBE_BATCH_CHANNELS at a time, all written in this tick. */
  const subscribeIn = (connection: Redis, channels: readonly string[]): Promise<unknown> => {
    const commands: Promise<unknown>[] = [];
    for (let first = 0; first < channels.length; first += SUBSCRIBE_BATCH_CHANNELS) {
      commands.push(
        connection.subscribe(...channels.slice(first, first + SUBSCRIBE_BATCH_CHANNELS)),
      );
    }
    return Promise.all(commands);
  };

  /** Subscribes the fresh connection to the control channel and every wanted channel. */
  const subscribeAll = (connection: Redis): void => {
    const round = ++subscribeRound;
    const channels = new Set([control]);
    for (const topic of topics) channels.add(channelOf(topic));
    subscribeIn(connection, [...channels]).then(
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
    if (message.length <= ORIGIN_TAG_CHARS) {
      stats.malformed += 1;
      return;
    }
    // Our own batch, echoed: its frames were delivered locally when they were published.
    if (message.compare(originTag, 0, ORIGIN_TAG_CHARS, 0, ORIGIN_TAG_CHARS) === 0) return;
    const channel = channelBytes.toString('utf8');
    if (channel === control) {
      onControl(message);
      return;
    }
    // (A batch that crossed our UNSUBSCRIBE is read too: its frames are skipped.)
    stats.batchesReceived += 1;
    const wellFormed = decodeBatch(
      message,
      layout,
      wanted,
      (topic, publishText) => {
        if (!isPublishFor(topic, publishText)) {
          stats.malformed += 1;
          return;
        }
        stats.received += 1;
        deliver?.(topic, publishText);
      },
      () => (stats.skipped += 1),
    );
    if (!wellFormed) stats.malformed += 1;
    flushIfDue();
    probeLag();
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

  /**
   * SUBSCRIBE / UNSUBSCRIBE for the channels whose first topic opened or last topic closed
   * during this turn, a few commands in all (a burst of connections, or of reconnections
   * after an outage, opens thousands of topics at once). The latest change wins.
   */
  const pendingChanges = new Map<string, boolean>();
  let changesScheduled = false;
  const sendChanges = (): void => {
    changesScheduled = false;
    const subscribe: string[] = [];
    const unsubscribe: string[] = [];
    for (const [channel, wantedNow] of pendingChanges) {
      (wantedNow ? subscribe : unsubscribe).push(channel);
    }
    pendingChanges.clear();
    // Not ready: the next 'ready' subscribes to the whole current set anyway.
    if (!isReady(subscriber)) return;
    if (subscribe.length > 0) subscribeIn(subscriber, subscribe).catch(ignore);
    for (let first = 0; first < unsubscribe.length; first += SUBSCRIBE_BATCH_CHANNELS) {
      subscriber
        .unsubscribe(...unsubscribe.slice(first, first + SUBSCRIBE_BATCH_CHANNELS))
        .catch(ignore);
    }
  };
  const changeSubscription = (channel: string, wantedNow: boolean): void => {
    pendingChanges.set(channel, wantedNow);
    if (!changesScheduled) {
      changesScheduled = true;
      setImmediate(sendChanges);
    }
  };

  /**
   * Frames queued per channel, published as one batch per channel (in one pipeline when
   * several channels have frames) at the end of the turn, or sooner by `flushIfDue`.
   */
  let queued = new Map<string, QueuedFrame[]>();
  let queuedBytes = 0;
  let queuedSinceMs = 0;
  const flush = (): void => {
    if (queued.size === 0) return;
    const batches = queued;
    queued = new Map();
    queuedBytes = 0;
    let count = 0;
    for (const frames of batches.values()) count += frames.length;
    if (!isReady(publisher)) {
      stats.publishesDropped += count;
      return;
    }
    const sent = (published: number): void => {
      stats.published += published;
      stats.publishesDropped += count - published;
    };
    if (batches.size === 1) {
      const [channel, frames] = batches.entries().next().value!;
      stats.batches += 1;
      publisher.publish(channel, encodeBatch(originTag, layout, frames)).then(
        () => sent(count),
        () => sent(0),
      );
      return;
    }
    const pipeline = publisher.pipeline();
    const counts: number[] = [];
    for (const [channel, frames] of batches) {
      pipeline.publish(channel, encodeBatch(originTag, layout, frames));
      counts.push(frames.length);
    }
    stats.batches += batches.size;
    pipeline.exec().then(
      (results) =>
        sent(counts.reduce((total, n, i) => (results?.[i]?.[0] == null ? total + n : total), 0)),
      () => sent(0),
    );
  };
  let flushScheduled = false;
  const flushAtEndOfTurn = (): void => {
    flushScheduled = false;
    flush();
  };
  /** Publishes what is queued if it is large or has waited long enough. */
  const flushIfDue = (): void => {
    if (
      queued.size > 0 &&
      (queuedBytes >= BATCH_MAX_BYTES || performance.now() - queuedSinceMs >= BATCH_MAX_DELAY_MS)
    ) {
      flush();
    }
  };

  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    clearInterval(pingTimer);
    clearInterval(probeTimer);
    publisher?.disconnect();
    subscriber?.disconnect();
    deliver = undefined;
    resync = undefined;
    backpressure = undefined;
    updateState();
  };

  return {
    start(deliverPublish, resyncTopic, setBackpressure) {
      deliver = deliverPublish;
      resync = resyncTopic;
      backpressure = setBackpressure;
      // No auto-pipelining: it keeps one batch in flight at a time, so every publish would
      // wait for the previous batch's round trip (and a lost reply would stall them all).
      publisher = watch(new Redis(options.url, connectionOptions('tandem-relay-pub')), updateState);
      const sub = new Redis(options.url, connectionOptions('tandem-relay-sub'));
      sub.on('messageBuffer', onMessage);
      subscriber = watch(sub, () => {
        subscriberSynced = false;
        subscribeAll(sub);
      });
      // The subscriber is pinged far more often by the lag probe.
      pingTimer = setInterval(() => {
        if (isReady(publisher)) publisher.ping().catch(ignore);
      }, REDIS_PING_INTERVAL_MS);
      pingTimer.unref();
      probeTimer = setInterval(probeLag, REDIS_LAG_PROBE_INTERVAL_MS);
      probeTimer.unref();
    },

    topicOpened(topic) {
      if (topics.has(topic)) return;
      topics.add(topic);
      if (state === 'down') maybeMissed.add(topic);
      const channel = channelOf(topic);
      if (isShared(topic)) {
        const count = (topicsPerSharedChannel.get(channel) ?? 0) + 1;
        topicsPerSharedChannel.set(channel, count);
        if (count > 1) return;
      }
      changeSubscription(channel, true);
    },

    topicClosed(topic) {
      if (!topics.delete(topic)) return;
      const channel = channelOf(topic);
      if (isShared(topic)) {
        const count = (topicsPerSharedChannel.get(channel) ?? 1) - 1;
        if (count > 0) {
          topicsPerSharedChannel.set(channel, count);
          return;
        }
        topicsPerSharedChannel.delete(channel);
      }
      changeSubscription(channel, false);
    },

    publish(topic, publishText) {
      deliver?.(topic, publishText);
      if (topic.length > MAX_BATCH_TOPIC_CHARS) {
        stats.publishesDropped += 1;
        return;
      }
      // Reading our sockets can fill a whole turn while the subscription falls behind.
      if (
        !behind &&
        probeSentAtMs !== undefined &&
        performance.now() - probeSentAtMs >= REDIS_LAG_PAUSE_MS
      ) {
        checkLag();
      }
      if (!isReady(publisher)) {
        stats.publishesDropped += 1;
        return;
      }
      if (queued.size === 0) queuedSinceMs = performance.now();
      const channel = channelOf(topic);
      const frames = queued.get(channel);
      if (frames === undefined) queued.set(channel, [{ topic, publishText }]);
      else frames.push({ topic, publishText });
      // UTF-16 units, not bytes: near enough for a threshold.
      queuedBytes += publishText.length;
      if (!flushScheduled) {
        flushScheduled = true;
        setImmediate(flushAtEndOfTurn);
      }
      flushIfDue();
    },

    stop,

    health: () => ({
      redis: state,
      // Lag of the subscription (ms) and how often local sockets were paused because this
      // relay was behind, or because another relay was: see REDIS_LAG_PAUSE_MS.
      redisLagMs: Math.round(currentLagMs()),
      redisPauses: stats.pauses,
      redisHolds: stats.heldByOthers,
    }),

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
