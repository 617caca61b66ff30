/**
 * Fan-out across relay processes through Redis pub/sub, used when REDIS_URL is set.
 *
 * Topics are spread over a fixed number of channels (`<prefix><shard>`, the shard a hash of
 * the topic; one channel by default), each subscribed while a local socket wants one of its
 * topics. A publish is delivered to local subscribers at once, as in a single process, and
 * queued; what is queued for a channel goes out as one PUBLISH, a batch (see `encodeBatch`),
 * at the end of the event-loop turn, or sooner once the batch is large or has waited
 * BATCH_MAX_DELAY_MS (a turn can last seconds under load: publishes used to wait for it,
 * and an overloaded relay then sent nothing to Redis for as long). Batches carry this
 * process's origin tag, so the copy Redis echoes to our own subscription is dropped in one
 * comparison, and every local socket gets each frame exactly once.
 * Only PUBLISH / SUBSCRIBE / UNSUBSCRIBE / PING are sent: no key is ever written.
 *
 * A relay that reads its subscription more slowly than the others publish would let Redis
 * buffer the difference until Redis drops it; instead the lag is probed, and while it is
 * too high every relay stops reading its own sockets (see REDIS_LAG_PAUSE_MS).
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
/**
 * Channels topics are spread over; every relay of a deployment must use the same number
 * (batches say theirs, and a mismatch is dropped as malformed). One: each flush is one
 * PUBLISH, however many topics it carries. More channels would let Redis skip sending a
 * relay the frames of topics it does not hold, but only once a relay holds fewer topics
 * than there are channels: with hundreds of topics per relay every relay subscribes to
 * every channel anyway, and the batches are just smaller (measured: 16 channels cost
 * relays and Redis more per frame than one, see docs/deploy.md).
 */
export const DEFAULT_REDIS_SHARDS = 1;
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
 * The batch format and the shard count, after the origin tag: a batch from a relay that
 * differs in either is dropped as malformed (both must match for topics to meet).
 */
export const BATCH_FORMAT = 1;
const BATCH_HEADER_BYTES = ORIGIN_TAG_CHARS + 1 + 2;
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
  /** Channels topics are spread over; the same on every relay. Default DEFAULT_REDIS_SHARDS. */
  readonly shards?: number;
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

export const channelForShard = (prefix: string, shard: number): string => `${prefix}${shard}`;

/** One frame queued for a batch. */
interface QueuedFrame {
  readonly topic: string;
  readonly publishText: string;
}

/**
 * A batch, as published: the origin tag (16 ASCII bytes), the format byte, the shard count
 * (uint16 BE, 0 for 65,536), then for each frame its topic's length in UTF-16 units
 * (uint16 BE), the topic in UTF-16LE (exact for any JavaScript string, lone surrogates
 * included), the frame's length in bytes (uint32 BE) and the frame in UTF-8 (exact: frames
 * are valid UTF-8 text from a WebSocket).
 */
export const encodeBatch = (
  originTag: Buffer,
  shards: number,
  frames: readonly QueuedFrame[],
): Buffer => {
  let bytes = BATCH_HEADER_BYTES;
  for (const { topic, publishText } of frames) {
    bytes += RECORD_HEADER_BYTES + topic.length * 2 + Buffer.byteLength(publishText, 'utf8');
  }
  const batch = Buffer.allocUnsafe(bytes);
  originTag.copy(batch, 0, 0, ORIGIN_TAG_CHARS);
  batch.writeUInt8(BATCH_FORMAT, ORIGIN_TAG_CHARS);
  let at = batch.writeUInt16BE(shards & 0xffff, ORIGIN_TAG_CHARS + 1);
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
 * accepts (the frame is decoded only then). Returns false if the batch is malformed; the
 * frames before the fault were already handed over.
 */
export const decodeBatch = (
  batch: Buffer,
  shards: number,
  wanted: (topic: string) => boolean,
  onFrame: (topic: string, publishText: string) => void,
): boolean => {
  if (
    batch.length < BATCH_HEADER_BYTES ||
    batch[ORIGIN_TAG_CHARS] !== BATCH_FORMAT ||
    batch.readUInt16BE(ORIGIN_TAG_CHARS + 1) !== (shards & 0xffff)
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
  const shards = options.shards ?? DEFAULT_REDIS_SHARDS;
  if (!Number.isInteger(shards) || shards < 1 || shards > 65_536) {
    throw new RangeError('shards must be an integer between 1 and 65536');
  }
  const channelNames = Array.from({ length: shards }, (_, shard) => channelForShard(prefix, shard));
  const shardByChannel = new Map(channelNames.map((channel, shard) => [channel, shard]));
  const originTag = Buffer.from(randomBytes(ORIGIN_TAG_BYTES).toString('base64url'), 'latin1');
  const stats: RedisFanOutStats = {
    published: 0,
    batches: 0,
    publishesDropped: 0,
    received: 0,
    malformed: 0,
    recoveries: 0,
    pauses: 0,
    heldByOthers: 0,
    lagMs: 0,
  };
  /** Every topic a local socket wants, and how many of them each shard holds. */
  const topics = new Set<string>();
  const topicsPerShard = new Uint32Array(shards);
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

  const controlChannel = `${prefix}control`;
  const control = (holdMs: number): Buffer => {
    const message = Buffer.allocUnsafe(CONTROL_BYTES);
    originTag.copy(message, 0, 0, ORIGIN_TAG_CHARS);
    message.writeUInt8(CONTROL_FORMAT, ORIGIN_TAG_CHARS);
    message.writeUInt16BE(holdMs, ORIGIN_TAG_CHARS + 1);
    return message;
  };
  const holdOthers = (holdMs: number): void => {
    if (isReady(publisher)) publisher.publish(controlChannel, control(holdMs)).catch(ignore);
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

  /** Subscribes the fresh connection to the control channel and every wanted shard. */
  const subscribeAll = (connection: Redis): void => {
    const round = ++subscribeRound;
    const channels = channelNames.filter((_, shard) => topicsPerShard[shard]);
    connection.subscribe(controlChannel, ...channels).then(
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
    if (message.length < BATCH_HEADER_BYTES) {
      stats.malformed += 1;
      return;
    }
    // Our own batch, echoed: its frames were delivered locally when they were published.
    if (message.compare(originTag, 0, ORIGIN_TAG_CHARS, 0, ORIGIN_TAG_CHARS) === 0) return;
    const channel = channelBytes.toString('utf8');
    if (channel === controlChannel) {
      onControl(message);
      return;
    }
    const shard = shardByChannel.get(channel);
    // Unsubscribed meanwhile.
    if (shard === undefined || topicsPerShard[shard] === 0) return;
    const wellFormed = decodeBatch(message, shards, wanted, (topic, publishText) => {
      if (!isPublishFor(topic, publishText)) {
        stats.malformed += 1;
        return;
      }
      stats.received += 1;
      deliver?.(topic, publishText);
    });
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
   * during this turn, in one command each (a burst of connections, or of reconnections
   * after an outage, opens thousands of topics at once). The latest change wins.
   */
  const pendingChanges = new Map<number, boolean>();
  let changesScheduled = false;
  const sendChanges = (): void => {
    changesScheduled = false;
    const subscribe: string[] = [];
    const unsubscribe: string[] = [];
    for (const [shard, wantedNow] of pendingChanges) {
      (wantedNow ? subscribe : unsubscribe).push(channelNames[shard]!);
    }
    pendingChanges.clear();
    // Not ready: the next 'ready' subscribes to the whole current set anyway.
    if (!isReady(subscriber)) return;
    if (subscribe.length > 0) subscriber.subscribe(...subscribe).catch(ignore);
    if (unsubscribe.length > 0) subscriber.unsubscribe(...unsubscribe).catch(ignore);
  };
  const changeSubscription = (shard: number, wantedNow: boolean): void => {
    pendingChanges.set(shard, wantedNow);
    if (!changesScheduled) {
      changesScheduled = true;
      setImmediate(sendChanges);
    }
  };

  /**
   * Frames queued per shard, published as one batch per shard (in one pipeline when several
   * shards have frames) at the end of the turn, or sooner by `flushIfDue`.
   */
  let queued = new Map<number, QueuedFrame[]>();
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
      const [shard, frames] = batches.entries().next().value!;
      stats.batches += 1;
      publisher.publish(channelNames[shard]!, encodeBatch(originTag, shards, frames)).then(
        () => sent(count),
        () => sent(0),
      );
      return;
    }
    const pipeline = publisher.pipeline();
    const counts: number[] = [];
    for (const [shard, frames] of batches) {
      pipeline.publish(channelNames[shard]!, encodeBatch(originTag, shards, frames));
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
      const shard = shardOfTopic(topic, shards);
      topicsPerShard[shard] = topicsPerShard[shard]! + 1;
      if (topicsPerShard[shard] === 1) changeSubscription(shard, true);
    },

    topicClosed(topic) {
      if (!topics.delete(topic)) return;
      const shard = shardOfTopic(topic, shards);
      topicsPerShard[shard] = topicsPerShard[shard]! - 1;
      if (topicsPerShard[shard] === 0) changeSubscription(shard, false);
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
      const shard = shardOfTopic(topic, shards);
      const frames = queued.get(shard);
      if (frames === undefined) queued.set(shard, [{ topic, publishText }]);
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
