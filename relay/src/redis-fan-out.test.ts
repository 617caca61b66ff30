/**
 * Two relays sharing topics through a real redis-server (started by the fixture on a free
 * loopback port, nothing on disk), driven by the stock y-webrtc SignalingConn and plain
 * sockets. Redis is killed and restarted under them. What Redis sends each relay is read
 * from Redis itself (PUBSUB CHANNELS / NUMSUB, a subscriber of our own) and from the
 * fan-out's counters of batches and frames received and skipped.
 */
import { CloseCode } from '@tandem/protocol';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { SignalingConn } from 'y-webrtc';
import { DEFAULT_REDIS_CHANNEL_PREFIX } from './redis-config.ts';
import {
  channelForShard,
  channelForTopic,
  controlChannel,
  createRedisFanOut,
  decodeBatch,
  encodeBatch,
  ORIGIN_TAG_CHARS,
  shardOfTopic,
  type RedisFanOut,
} from './redis-fan-out.ts';
import { startTestRedis, type TestRedis } from './redis-test-server.ts';
import { startRelay, type RunningRelay } from './server.ts';
import { isRecord, openClient, signalUrl, until, type RecordingClient } from './test-clients.ts';

// lib0's WebSocket client (under SignalingConn) expects the browser global; Node 20 has none.
if (!('WebSocket' in globalThis)) Object.assign(globalThis, { WebSocket });

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const ROOM = 'room';
const PREFIX = DEFAULT_REDIS_CHANNEL_PREFIX;
/** A topic's channel: its own by default, a shared one with `shards` (REDIS_SHARDS). */
const channelOf = (topic: string, shards?: number) => channelForTopic(PREFIX, topic, shards);
const ROOM_CHANNEL = channelOf(ROOM);
const CONTROL = controlChannel(PREFIX);
/** Layouts as batch headers say them: 0 for a channel per topic, else the shard count. */
const PER_TOPIC = 0;
/** Another relay's origin tag. */
const OTHER_RELAY = Buffer.from('x'.repeat(ORIGIN_TAG_CHARS), 'latin1');
/** Redis restarts and client reconnects take a few backoff rounds. */
const RECOVERY_TIMEOUT_MS = 15_000;

describe('batches', () => {
  const decodeAll = (batch: Buffer, layout = PER_TOPIC) => {
    const frames: [string, string][] = [];
    const ok = decodeBatch(
      batch,
      layout,
      () => true,
      (topic, text) => frames.push([topic, text]),
    );
    return { ok, frames };
  };

  it('carries any topic and frame exactly, lone surrogates and non-ASCII included', () => {
    const frames = ['\ud800', '\ud801', 'é', 'Zm9v_bar-1', 'x'.repeat(256)].map((topic, i) => ({
      topic,
      publishText: `{"type":"publish","topic":${JSON.stringify(topic)},"data":"${'é€😀'.repeat(i)}"}`,
    }));
    const batch = encodeBatch(OTHER_RELAY, PER_TOPIC, frames);
    expect(batch.subarray(0, ORIGIN_TAG_CHARS).equals(OTHER_RELAY)).toBe(true);
    expect(decodeAll(batch)).toEqual({
      ok: true,
      frames: frames.map(({ topic, publishText }) => [topic, publishText]),
    });
  });

  it('decodes only the frames whose topic is wanted, and counts the others', () => {
    const batch = encodeBatch(OTHER_RELAY, 16, [
      { topic: 'a', publishText: '{"type":"publish","topic":"a"}' },
      { topic: 'b', publishText: '{"type":"publish","topic":"b"}' },
      { topic: 'c', publishText: '{"type":"publish","topic":"c"}' },
    ]);
    const seen: string[] = [];
    let skipped = 0;
    expect(
      decodeBatch(
        batch,
        16,
        (topic) => topic === 'b',
        (topic) => seen.push(topic),
        () => (skipped += 1),
      ),
    ).toBe(true);
    expect({ seen, skipped }).toEqual({ seen: ['b'], skipped: 2 });
  });

  it('refuses truncated batches, other formats and other layouts', () => {
    const frames = [{ topic: 'a', publishText: '{"type":"publish","topic":"a"}' }];
    const batch = encodeBatch(OTHER_RELAY, PER_TOPIC, frames);
    for (let length = 0; length < batch.length; length += 1) {
      if (length === ORIGIN_TAG_CHARS + 5) continue; // a header alone is an empty batch
      expect(decodeAll(batch.subarray(0, length)).ok).toBe(false);
    }
    expect(decodeAll(batch).ok).toBe(true);
    // A relay on a channel per topic and one on shards drop each other's batches.
    for (const layout of [1, 16, 65_536]) {
      expect(decodeAll(batch, layout).ok).toBe(false);
      const sharded = encodeBatch(OTHER_RELAY, layout, frames);
      expect(decodeAll(sharded, layout).ok).toBe(true);
      expect(decodeAll(sharded, PER_TOPIC).ok).toBe(false);
      expect(decodeAll(sharded, layout === 1 ? 16 : 1).ok).toBe(false);
    }
    // Format 1 (shards, a uint16 count) and anything else unknown.
    for (const format of [1, 3]) {
      const otherFormat = Buffer.from(batch);
      otherFormat[ORIGIN_TAG_CHARS] = format;
      expect(decodeAll(otherFormat).ok).toBe(false);
    }
  });

  it('gives each topic its own channel, which no topic can share with control or a shard', () => {
    const topics = ['room', 'control', '0', 's:0', 't:room', 'a b', '*', 'a?c', '[ab]', 'é😀'];
    const channels = topics.map((topic) => channelOf(topic));
    expect(channels).toEqual(topics.map((topic) => `${PREFIX}t:${topic}`));
    expect(new Set(channels).size).toBe(topics.length);
    const reserved = [CONTROL, ...[0, 1, 15].map((shard) => channelForShard(PREFIX, shard))];
    for (const channel of [...channels, channelOf('\ud800')]) {
      expect(reserved).not.toContain(channel);
      expect(channel.startsWith(`${PREFIX}t:`)).toBe(true);
    }
    // Redis sees channel names in UTF-8, where every lone surrogate is U+FFFD: the name
    // says so (the frames on it carry the exact topic).
    expect(channelOf('\ud800')).toBe(`${PREFIX}t:\ufffd`);
    expect(channelOf('\ud801x')).toBe(channelOf('\udc00x'));
    expect(channelOf('\ud83d\ude00')).toBe(`${PREFIX}t:😀`);
    // With REDIS_SHARDS, topics share a few channels.
    expect(channelOf('room', 16)).toBe(channelForShard(PREFIX, shardOfTopic('room', 16)));
    expect(channelOf('a', 1)).toBe(channelOf('b', 1));
  });

  it('spreads topics over the shards the same way in every process', () => {
    expect(shardOfTopic('room', 16)).toBe(shardOfTopic('room', 16));
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 16_000; i += 1) counts[shardOfTopic(`topic-${i}`, 16)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(shardOfTopic('\ud800', 16)).not.toBe(shardOfTopic('\ud801', 16));
  });
});

interface StockClient {
  readonly conn: SignalingConn;
  readonly messages: unknown[];
  /** Times the socket (re)connected. */
  connects: number;
}

let redis: TestRedis;
const cleanups: (() => unknown)[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
});

afterAll(async () => {
  await redis?.stop();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A relay with its own Redis fan-out, as a separate relay process would have. */
const startRedisRelay = async (
  url = redis.url,
  shards?: number,
): Promise<{ relay: RunningRelay; fanOut: RedisFanOut }> => {
  const fanOut = createRedisFanOut({ url, shards });
  const relay = await startRelay({
    port: 0,
    host: '127.0.0.1',
    staticDir: '/nonexistent',
    fanOut,
  });
  cleanups.push(async () => {
    await relay.close();
    await fanOut.close();
  });
  return { relay, fanOut };
};

/** SignalingConn subscribes only to y-webrtc's own rooms on reconnect; this mimics that. */
const stockClient = async (relay: RunningRelay, topics: string[]): Promise<StockClient> => {
  const conn = new SignalingConn(signalUrl(relay.url));
  const client: StockClient = { conn, messages: [], connects: 0 };
  const subscribe = () => {
    client.connects += 1;
    conn.send({ type: 'subscribe', topics });
  };
  conn.on('connect', subscribe);
  if (conn.connected) subscribe();
  conn.on('message', (message: unknown) => client.messages.push(message));
  cleanups.push(() => conn.destroy());
  await until(() => client.connects > 0, 'SignalingConn to connect');
  return client;
};

const numsub = async (channel: string): Promise<number> => {
  const reply = await redis.command('PUBSUB', 'NUMSUB', channel);
  return Array.isArray(reply) ? Number(reply[1]) : Number.NaN;
};

const untilAsync = async (check: () => Promise<boolean>, what: string, timeoutMs = 5_000) => {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
};

/** Every channel someone subscribes to: `PUBSUB CHANNELS` with no pattern. */
const channelsNow = async (): Promise<string[]> => {
  const reply = await redis.command('PUBSUB', 'CHANNELS');
  return Array.isArray(reply) ? reply.map(String).sort() : [];
};

/** Waits until exactly `expected` and the control channel are subscribed. */
const expectChannels = (expected: string[], what: string) =>
  untilAsync(
    async () =>
      JSON.stringify(await channelsNow()) ===
      JSON.stringify([...new Set([...expected, CONTROL])].sort()),
    what,
  );

/** A plain socket on `relay`, subscribed to `topics` once the relay has answered a ping. */
const socketOn = async (relay: RunningRelay, topics: string[]): Promise<RecordingClient> => {
  const client = await openClient(signalUrl(relay.url));
  cleanups.push(() => client.close());
  client.send({ type: 'subscribe', topics });
  await roundTrip(client);
  return client;
};

/** Everything `client` sent before is handled once this resolves. */
const roundTrip = async (client: RecordingClient) => {
  const before = client.messages.filter((m) => isRecord(m) && m['type'] === 'pong').length;
  client.send({ type: 'ping' });
  await until(
    () => client.messages.filter((m) => isRecord(m) && m['type'] === 'pong').length > before,
    'pong',
  );
};

const publishesOf = (client: RecordingClient): unknown[] =>
  client.messages.filter((m) => isRecord(m) && m['type'] === 'publish');

const health = async (relay: RunningRelay): Promise<unknown> =>
  (await fetch(`${relay.url}/healthz`)).json();

const dataOf = (client: StockClient): unknown[] =>
  client.messages.filter(isRecord).flatMap((m) => (m['type'] === 'publish' ? [m['data']] : []));

const publish = (client: StockClient, data: string) =>
  client.conn.send({ type: 'publish', topic: ROOM, data });

describe('two relays sharing topics through Redis', () => {
  it('delivers across relays exactly once, with each relay counting its own sockets', async () => {
    const one = await startRedisRelay();
    const two = await startRedisRelay();
    await Promise.all([one.fanOut.whenUp(), two.fanOut.whenUp()]);
    expect(await health(one.relay)).toMatchObject({ ok: true, redis: 'up' });

    const alice = await stockClient(one.relay, [ROOM]);
    const carol = await stockClient(one.relay, [ROOM]);
    const bob = await stockClient(two.relay, [ROOM]);
    // One subscription per relay process, however many sockets it holds on the topic.
    await untilAsync(async () => (await numsub(ROOM_CHANNEL)) === 2, 'both relays subscribed');

    publish(alice, 'from-alice');
    publish(bob, 'from-bob');
    await until(
      () => dataOf(bob).includes('from-alice') && dataOf(alice).includes('from-bob'),
      'x',
    );
    // A last publish from each side: anything duplicated would have arrived before it.
    publish(bob, 'last-bob');
    publish(alice, 'last-alice');
    const all = ['from-alice', 'from-bob', 'last-alice', 'last-bob'];
    for (const client of [alice, bob, carol]) {
      await until(() => all.every((d) => dataOf(client).includes(d)), 'every publish');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
    for (const client of [alice, bob, carol]) {
      expect(dataOf(client).sort()).toEqual(all);
    }
    const clientsOf = (client: StockClient, data: string) =>
      client.messages.find((m) => isRecord(m) && m['data'] === data);
    expect(clientsOf(bob, 'from-alice')).toMatchObject({ clients: 1 });
    expect(clientsOf(alice, 'from-bob')).toMatchObject({ clients: 2 });
    expect(clientsOf(carol, 'from-alice')).toMatchObject({ clients: 2 });
    expect(one.fanOut.stats).toMatchObject({
      received: 2,
      skipped: 0,
      malformed: 0,
      publishesDropped: 0,
    });
    expect(await redis.command('DBSIZE')).toBe(0);
  });

  it("subscribes to a topic's channel while a local socket wants it, and only then", async () => {
    const { relay, fanOut } = await startRedisRelay();
    await fanOut.whenUp();
    const [a, b] = [channelOf('a'), channelOf('b')];
    // The control channel (holds, see the lag tests below) is always subscribed.
    await expectChannels([], 'the control channel alone');
    const first = await socketOn(relay, ['a', 'b']);
    await expectChannels([a, b], 'a channel for each of a and b');
    const second = await socketOn(relay, ['a']);
    first.send({ type: 'unsubscribe', topics: ['a'] });
    await roundTrip(first);
    await roundTrip(second);
    await expectChannels([a, b], "a's channel kept for the second socket");
    expect(await numsub(a)).toBe(1);
    await first.close();
    // The last socket on b left while a is still wanted: b's channel is unsubscribed.
    await untilAsync(async () => (await numsub(b)) === 0, "b's channel unsubscribed");
    await expectChannels([a], 'a alone');
    expect(await numsub(a)).toBe(1);
    second.send({ type: 'unsubscribe', topics: ['a'] });
    await expectChannels([], 'nothing left');
    // Wanted again: subscribed again.
    await socketOn(relay, ['b']);
    await expectChannels([b], 'b again');
  });

  it('with REDIS_SHARDS, holds a shared channel while a local socket wants one of its topics', async () => {
    const { relay, fanOut } = await startRedisRelay(redis.url, 16);
    await fanOut.whenUp();
    // Over 16 channels, 'a' and 'b' are on different ones; `sibling` shares the one of 'a'.
    const [a, b] = [channelOf('a', 16), channelOf('b', 16)];
    expect(a).not.toBe(b);
    const sibling = Array.from({ length: 1_000 }, (_, i) => `a${i}`).find(
      (topic) => channelOf(topic, 16) === a,
    );
    if (sibling === undefined) throw new Error('no topic shares the channel of "a"');
    const first = await socketOn(relay, ['a', 'b']);
    await expectChannels([a, b], 'a and b');
    const second = await socketOn(relay, [sibling]);
    first.send({ type: 'unsubscribe', topics: ['a'] });
    await roundTrip(first);
    await expectChannels([a, b], "a's channel kept for the second socket's topic");
    expect(await numsub(a)).toBe(1);
    await first.close();
    await expectChannels([a], 'b dropped with the first socket');
    second.send({ type: 'unsubscribe', topics: [sibling] });
    await expectChannels([], 'nothing left');
  });

  it('is sent only the frames of the topics it holds', async () => {
    const one = await startRedisRelay();
    const two = await startRedisRelay();
    await Promise.all([one.fanOut.whenUp(), two.fanOut.whenUp()]);
    // Relay one holds topic a; relay two holds a and b.
    const onA = await socketOn(one.relay, ['a']);
    const twoOnA = await socketOn(two.relay, ['a']);
    const twoOnB = await socketOn(two.relay, ['b']);
    await untilAsync(async () => (await numsub(channelOf('a'))) === 2, 'a on both relays');
    expect(await numsub(channelOf('b'))).toBe(1);
    // Many frames on b, then one on a: Redis sends a subscriber its messages in the order
    // it received them, so once a's frame is in, any of b's sent to relay one would be too.
    for (let i = 0; i < 20; i += 1) twoOnB.send({ type: 'publish', topic: 'b', data: `b${i}` });
    await roundTrip(twoOnB);
    twoOnA.send({ type: 'publish', topic: 'a', data: 'a0' });
    await onA.waitFor((m) => isRecord(m) && m['data'] === 'a0', "a's frame on relay one");
    await until(() => publishesOf(twoOnB).length === 20, "b's frames on relay two");
    expect(publishesOf(onA)).toEqual([{ type: 'publish', topic: 'a', data: 'a0', clients: 1 }]);
    // Relay one read one batch, a's: not one of b's frames was sent to it.
    expect(one.fanOut.stats).toMatchObject({
      batchesReceived: 1,
      received: 1,
      skipped: 0,
      malformed: 0,
    });
    await until(() => two.fanOut.stats.published === 21, 'every publish handed to Redis');
    expect(two.fanOut.stats).toMatchObject({ skipped: 0, publishesDropped: 0 });
    expect(await numsub(channelOf('b'))).toBe(1);
  });

  it('delivers topics of any characters exactly, none of them acting as a pattern', async () => {
    const one = await startRedisRelay();
    const two = await startRedisRelay();
    await Promise.all([one.fanOut.whenUp(), two.fanOut.whenUp()]);
    const odd = ['a b', '*', 'a?c', '[ab]c', 'h*llo', 'é€😀', 'x'.repeat(256), 'room\n'];
    // Topics each of the above would match as a glob pattern, held by relay two only.
    const matches = ['anything', 'abc', 'bc', 'hello', 'room'];
    const onOne = await Promise.all(odd.map((topic) => socketOn(one.relay, [topic])));
    const onTwo = await Promise.all(
      [...odd, ...matches].map((topic) => socketOn(two.relay, [topic])),
    );
    for (const topic of odd) {
      await untilAsync(async () => (await numsub(channelOf(topic))) === 2, 'both relays');
    }
    // Subscriptions, not patterns: Redis has no pattern subscriber.
    expect(await redis.command('PUBSUB', 'NUMPAT')).toBe(0);
    for (const [i, topic] of [...odd, ...matches].entries()) {
      onTwo[i]!.send({ type: 'publish', topic, data: `d${i}` });
    }
    for (const client of onTwo) {
      await until(() => publishesOf(client).length === 1, 'each publish on relay two');
    }
    for (const [i, client] of onOne.entries()) {
      await client.waitFor((m) => isRecord(m) && m['type'] === 'publish', `topic ${i}`);
    }
    // A last frame on the first topic: anything misdelivered would have arrived before it.
    onTwo[0]!.send({ type: 'publish', topic: odd[0], data: 'last' });
    await onOne[0]!.waitFor((m) => isRecord(m) && m['data'] === 'last', 'the last frame');
    for (const [i, client] of onOne.entries()) {
      const expected = [{ type: 'publish', topic: odd[i], data: `d${i}`, clients: 1 }];
      if (i === 0) expected.push({ type: 'publish', topic: odd[0], data: 'last', clients: 1 });
      expect(publishesOf(client)).toEqual(expected);
    }
    expect(one.fanOut.stats).toMatchObject({
      received: odd.length + 1,
      skipped: 0,
      malformed: 0,
    });
  });

  it('tells apart topics that share a channel through lone surrogates, and keeps it for each', async () => {
    const one = await startRedisRelay();
    const two = await startRedisRelay();
    await Promise.all([one.fanOut.whenUp(), two.fanOut.whenUp()]);
    // Two lone surrogates and U+FFFD itself: one channel name in UTF-8.
    const topics = ['\ud800', '\ud801', '\ufffd'];
    const channel = channelOf(topics[0]!);
    for (const topic of topics) expect(channelOf(topic)).toBe(channel);
    const onOne = await Promise.all(topics.map((topic) => socketOn(one.relay, [topic])));
    const onTwo = await Promise.all(topics.map((topic) => socketOn(two.relay, [topic])));
    await untilAsync(async () => (await numsub(channel)) === 2, 'one channel per relay');
    /** Relay two publishes `data` on each of `indexes`, in order, one at a time. */
    const publishFromTwo = async (data: string, indexes: number[]) => {
      for (const i of indexes) {
        onTwo[i]!.send({ type: 'publish', topic: topics[i], data });
        await roundTrip(onTwo[i]!);
      }
    };
    const dataOn = (i: number) => publishesOf(onOne[i]!).map((m) => isRecord(m) && m['data']);
    await publishFromTwo('1', [0, 1, 2]);
    await until(() => [0, 1, 2].every((i) => dataOn(i).includes('1')), 'each on relay one');
    // The last socket on each of two of them leaves relay one: the channel stays for the
    // third (a relay that dropped it would unsubscribe everyone's shared channel).
    await onOne[1]!.close();
    await onOne[0]!.close();
    await roundTrip(onOne[2]!);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await numsub(channel)).toBe(2);
    await publishFromTwo('2', [0, 1, 2]);
    await until(() => dataOn(2).includes('2'), 'the third topic still served');
    for (const [i, client] of onOne.entries()) {
      expect(publishesOf(client)).toEqual(
        (i === 2 ? ['1', '2'] : ['1']).map((data) => ({
          type: 'publish',
          topic: topics[i],
          data,
          clients: 1,
        })),
      );
    }
    // The frames of the two closed topics reached relay one on the shared channel and were
    // skipped, not delivered.
    expect(one.fanOut.stats).toMatchObject({ received: 4, skipped: 2, malformed: 0 });
  });

  it('keeps every topic off the control channel', async () => {
    const one = await startRedisRelay();
    const two = await startRedisRelay();
    await Promise.all([one.fanOut.whenUp(), two.fanOut.whenUp()]);
    // A subscriber of our own on the exact control channel (no glob characters in it).
    const tap = await redis.capture(CONTROL);
    cleanups.push(() => tap.stop());
    const topics = ['control', CONTROL, 't:control', '../control', 'control\u0000'];
    const onOne = await Promise.all(topics.map((topic) => socketOn(one.relay, [topic])));
    const onTwo = await Promise.all(topics.map((topic) => socketOn(two.relay, [topic])));
    for (const topic of topics) {
      await untilAsync(async () => (await numsub(channelOf(topic))) === 2, 'both relays');
    }
    // Holds would look like this: a tag, the control format, a hold in ms.
    const holdLike = String.fromCharCode(0x81, 0x03, 0xe8);
    for (const [i, topic] of topics.entries()) {
      onTwo[i]!.send({ type: 'publish', topic, data: holdLike });
    }
    for (const [i, client] of onOne.entries()) {
      await client.waitFor((m) => isRecord(m) && m['data'] === holdLike, `topic ${i}`);
    }
    expect(tap.messages).toEqual([]);
    expect(await numsub(CONTROL)).toBe(2); // the two relays, nothing else
    expect(one.fanOut.stats).toMatchObject({
      received: topics.length,
      heldByOthers: 0,
      malformed: 0,
    });
    expect(one.fanOut.health?.()).toMatchObject({ redisHolds: 0 });
  });

  it('drops what on its channels is not a batch of publishes for their topics', async () => {
    const { relay, fanOut } = await startRedisRelay();
    await fanOut.whenUp();
    const client = await openClient(signalUrl(relay.url));
    cleanups.push(() => client.close());
    client.send({ type: 'subscribe', topics: [ROOM] });
    await untilAsync(async () => (await numsub(ROOM_CHANNEL)) === 1, 'subscribed');
    const batchOf = (...publishTexts: string[]) =>
      encodeBatch(
        OTHER_RELAY,
        PER_TOPIC,
        publishTexts.map((publishText) => ({ topic: ROOM, publishText })),
      );
    const publishRaw = (message: Buffer | string) =>
      redis.command('PUBLISH', ROOM_CHANNEL, message);
    await publishRaw('short');
    await publishRaw(batchOf('{"type":"publish","topic":"room","data":"cut"}').subarray(0, -3));
    // From a relay on REDIS_SHARDS=4: another layout.
    await publishRaw(
      encodeBatch(OTHER_RELAY, 4, [
        { topic: ROOM, publishText: '{"type":"publish","topic":"room","data":"4"}' },
      ]),
    );
    await publishRaw(
      batchOf(
        'not json',
        '{"type":"publish","topic":"elsewhere"}',
        '{"type":"subscribe","topics":["room"]}',
        '{"type":"publish","topic":"room","data":"ok"}',
      ),
    );
    await client.waitFor((m) => isRecord(m) && m['data'] === 'ok');
    expect(client.messages).toEqual([{ type: 'publish', topic: ROOM, data: 'ok', clients: 1 }]);
    expect(fanOut.stats).toMatchObject({ malformed: 6, received: 1 });
  });

  it('survives Redis being killed and restarted: reports it, then reconnects its sockets', async () => {
    const one = await startRedisRelay();
    const two = await startRedisRelay();
    await Promise.all([one.fanOut.whenUp(), two.fanOut.whenUp()]);
    const alice = await stockClient(one.relay, [ROOM]);
    const dave = await stockClient(one.relay, [ROOM]);
    const bob = await stockClient(two.relay, [ROOM]);
    await untilAsync(async () => (await numsub(ROOM_CHANNEL)) === 2, 'both relays subscribed');
    publish(alice, 'before');
    await until(() => dataOf(bob).includes('before'), 'bob to get "before"');

    await redis.kill();
    for (const { relay } of [one, two]) {
      await untilAsync(
        async () => JSON.stringify(await health(relay)).includes('"redis":"down"'),
        '/healthz to report redis down',
      );
    }
    expect(await health(one.relay)).toMatchObject({ ok: true, redis: 'down' });
    // Sockets on the same relay keep talking; the other relay cannot hear them.
    publish(alice, 'during');
    await until(() => dataOf(dave).includes('during'), 'dave to get "during" locally');
    expect(one.fanOut.stats.publishesDropped).toBeGreaterThan(0);

    await redis.restart();
    await Promise.all([one.fanOut.whenUp(), two.fanOut.whenUp()]);
    expect(await health(two.relay)).toMatchObject({ ok: true, redis: 'up' });
    // Every socket on the room was asked to reconnect (its client resyncs on a fresh
    // connection) and came back; both relays subscribe again.
    await until(
      () => [alice, dave, bob].every((client) => client.connects === 2),
      'every client to reconnect',
      RECOVERY_TIMEOUT_MS,
    );
    await untilAsync(
      async () => (await numsub(ROOM_CHANNEL)) === 2,
      'both relays subscribed again',
      RECOVERY_TIMEOUT_MS,
    );
    publish(alice, 'after-alice');
    publish(bob, 'after-bob');
    await until(
      () => dataOf(bob).includes('after-alice') && dataOf(alice).includes('after-bob'),
      'traffic across relays after the restart',
    );
    expect(dataOf(bob)).not.toContain('during');
    expect(one.fanOut.stats.recoveries).toBe(1);
    expect(await redis.command('DBSIZE')).toBe(0);
  });

  it('asks the router to stop reading its sockets while the subscription lags', async () => {
    const fanOut = createRedisFanOut({ url: redis.url });
    const behind: boolean[] = [];
    fanOut.start(
      () => {},
      () => {},
      (isBehind) => behind.push(isBehind),
    );
    cleanups.push(() => fanOut.close());
    fanOut.topicOpened(ROOM);
    await fanOut.whenUp();
    // Redis answers nobody for 1.5 s: the lag probe on the subscription waits as long.
    await redis.command('CLIENT', 'PAUSE', '1500', 'ALL');
    await until(() => behind.length === 2, 'paused, then resumed', 10_000);
    expect(behind).toEqual([true, false]);
    expect(fanOut.stats.pauses).toBe(1);
    expect(fanOut.state).toBe('up');
  });

  it('stops reading its sockets while another relay asks it to hold', async () => {
    const fanOut = createRedisFanOut({ url: redis.url });
    const paused: boolean[] = [];
    fanOut.start(
      () => {},
      () => {},
      (isPaused) => paused.push(isPaused),
    );
    cleanups.push(() => fanOut.close());
    await fanOut.whenUp();
    const hold = (ms: number) => {
      const message = Buffer.alloc(ORIGIN_TAG_CHARS + 3);
      OTHER_RELAY.copy(message);
      message[ORIGIN_TAG_CHARS] = 0x81;
      message.writeUInt16BE(ms, ORIGIN_TAG_CHARS + 1);
      return redis.command('PUBLISH', CONTROL, message);
    };
    await hold(60_000); // capped at REDIS_HOLD_MS
    await until(() => paused.length === 1, 'held');
    await hold(0);
    await until(() => paused.length === 2, 'released');
    // A hold that is not renewed lapses by itself (the relay that sent it may be gone).
    await hold(300);
    await until(() => paused.length === 4, 'held, then lapsed', 5_000);
    expect(paused).toEqual([true, false, true, false]);
    expect(fanOut.stats).toMatchObject({ heldByOthers: 2, pauses: 0 });
  });

  it('starts while Redis is down and comes up when it appears', async () => {
    await redis.kill();
    const { relay, fanOut } = await startRedisRelay();
    const client = await openClient(signalUrl(relay.url));
    cleanups.push(() => client.close());
    client.send({ type: 'subscribe', topics: [ROOM] });
    client.send({ type: 'publish', topic: ROOM, data: 'alone' });
    await client.waitFor((m) => isRecord(m) && m['data'] === 'alone');
    expect(await health(relay)).toMatchObject({ redis: 'down' });

    await redis.restart();
    await fanOut.whenUp();
    // Its socket may have missed messages from other relays: asked to reconnect.
    expect(await client.closed).toMatchObject({ code: CloseCode.GoingAway });
    expect(await health(relay)).toMatchObject({ ok: true, redis: 'up' });
  });
});

describe('relay process with REDIS_URL', () => {
  const runMain = (env: Record<string, string>) => {
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    cleanups.push(() => child.kill('SIGKILL'));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    return { child, exited, output: () => output };
  };

  it('refuses a REDIS_URL that is not redis:// without printing it', async () => {
    const relay = runMain({ REDIS_URL: 'http://user:hunter2@redis.internal:6379' });
    expect(await relay.exited).toBe(1);
    expect(relay.output()).toMatch(/relay: cannot start: REDIS_URL must start with redis:\/\//);
    expect(relay.output()).not.toContain('hunter2');
  });

  it('refuses a bad REDIS_SHARDS without printing REDIS_URL', async () => {
    const relay = runMain({
      REDIS_URL: 'redis://user:hunter2@redis.internal:6379',
      REDIS_SHARDS: '0',
    });
    expect(await relay.exited).toBe(1);
    expect(relay.output()).toMatch(/relay: cannot start: REDIS_SHARDS must be an integer/);
    expect(relay.output()).not.toContain('hunter2');
  });

  it('shares channels between topics with REDIS_SHARDS', async () => {
    const relay = runMain({ REDIS_URL: redis.url, REDIS_SHARDS: '1' });
    await until(() => /redis up/.test(relay.output()), 'the redis up line', 10_000);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(relay.output())?.[1];
    if (url === undefined) throw new Error('no relay URL');
    const client = await openClient(signalUrl(url));
    cleanups.push(() => client.close());
    client.send({ type: 'subscribe', topics: ['a', 'b'] });
    await expectChannels([channelForShard(PREFIX, 0)], 'the one shared channel');
    relay.child.kill('SIGTERM');
    expect(await relay.exited).toBe(0);
  });

  it('reports redis up in /healthz and in its log, never the URL', async () => {
    const relay = runMain({ REDIS_URL: redis.url });
    await until(() => /redis up/.test(relay.output()), 'the redis up line', 10_000);
    const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(relay.output());
    expect(match?.[1]).toBeDefined();
    const body = await (await fetch(`${match?.[1]}/healthz`)).json();
    expect(body).toMatchObject({ ok: true, redis: 'up' });
    expect(relay.output()).not.toContain('redis://');
    relay.child.kill('SIGTERM');
    expect(await relay.exited).toBe(0);
  });
});
