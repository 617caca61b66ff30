/**
 * Two relays sharing topics through a real redis-server (started by the fixture on a free
 * loopback port, nothing on disk), driven by the stock y-webrtc SignalingConn. Redis is
 * killed and restarted under them.
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
  createRedisFanOut,
  decodeBatch,
  DEFAULT_REDIS_SHARDS,
  encodeBatch,
  ORIGIN_TAG_CHARS,
  shardOfTopic,
  type RedisFanOut,
} from './redis-fan-out.ts';
import { startTestRedis, type TestRedis } from './redis-test-server.ts';
import { startRelay, type RunningRelay } from './server.ts';
import { isRecord, openClient, signalUrl, until } from './test-clients.ts';

// lib0's WebSocket client (under SignalingConn) expects the browser global; Node 20 has none.
if (!('WebSocket' in globalThis)) Object.assign(globalThis, { WebSocket });

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const ROOM = 'room';
const channelOf = (topic: string, shards = DEFAULT_REDIS_SHARDS) =>
  channelForShard(DEFAULT_REDIS_CHANNEL_PREFIX, shardOfTopic(topic, shards));
const ROOM_CHANNEL = channelOf(ROOM);
/** Another relay's origin tag. */
const OTHER_RELAY = Buffer.from('x'.repeat(ORIGIN_TAG_CHARS), 'latin1');
/** Redis restarts and client reconnects take a few backoff rounds. */
const RECOVERY_TIMEOUT_MS = 15_000;

describe('batches', () => {
  const decodeAll = (batch: Buffer, shards = 16) => {
    const frames: [string, string][] = [];
    const ok = decodeBatch(
      batch,
      shards,
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
    const batch = encodeBatch(OTHER_RELAY, 16, frames);
    expect(batch.subarray(0, ORIGIN_TAG_CHARS).equals(OTHER_RELAY)).toBe(true);
    expect(decodeAll(batch)).toEqual({
      ok: true,
      frames: frames.map(({ topic, publishText }) => [topic, publishText]),
    });
  });

  it('decodes only the frames whose topic is wanted', () => {
    const batch = encodeBatch(OTHER_RELAY, 16, [
      { topic: 'a', publishText: '{"type":"publish","topic":"a"}' },
      { topic: 'b', publishText: '{"type":"publish","topic":"b"}' },
    ]);
    const seen: string[] = [];
    expect(
      decodeBatch(
        batch,
        16,
        (topic) => topic === 'b',
        (topic) => seen.push(topic),
      ),
    ).toBe(true);
    expect(seen).toEqual(['b']);
  });

  it('refuses truncated batches, other formats and other shard counts', () => {
    const batch = encodeBatch(OTHER_RELAY, 16, [
      { topic: 'a', publishText: '{"type":"publish","topic":"a"}' },
    ]);
    for (let length = 0; length < batch.length; length += 1) {
      if (length === ORIGIN_TAG_CHARS + 3) continue; // a header alone is an empty batch
      expect(decodeAll(batch.subarray(0, length)).ok).toBe(false);
    }
    expect(decodeAll(batch, 8).ok).toBe(false);
    const otherFormat = Buffer.from(batch);
    otherFormat[ORIGIN_TAG_CHARS] = 2;
    expect(decodeAll(otherFormat).ok).toBe(false);
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
  shards = DEFAULT_REDIS_SHARDS,
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

const channelsNow = async (): Promise<string[]> => {
  const reply = await redis.command('PUBSUB', 'CHANNELS', `${DEFAULT_REDIS_CHANNEL_PREFIX}*`);
  return Array.isArray(reply) ? reply.map(String).sort() : [];
};

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
    expect(one.fanOut.stats).toMatchObject({ received: 2, malformed: 0, publishesDropped: 0 });
    expect(await redis.command('DBSIZE')).toBe(0);
  });

  it('holds a channel only while a local socket wants one of its topics', async () => {
    const { relay, fanOut } = await startRedisRelay(redis.url, 16);
    await fanOut.whenUp();
    // Over 16 channels, 'a' and 'b' are on different ones; `sibling` shares the one of 'a'.
    const [a, b] = [channelOf('a', 16), channelOf('b', 16)];
    expect(a).not.toBe(b);
    const sibling = Array.from({ length: 1_000 }, (_, i) => `a${i}`).find(
      (topic) => channelOf(topic, 16) === a,
    );
    if (sibling === undefined) throw new Error('no topic shares the channel of "a"');
    const first = await openClient(signalUrl(relay.url));
    const second = await openClient(signalUrl(relay.url));
    cleanups.push(
      () => first.close(),
      () => second.close(),
    );
    // The control channel (holds, see the lag tests below) is always subscribed.
    const control = `${DEFAULT_REDIS_CHANNEL_PREFIX}control`;
    const expectChannels = (expected: string[], what: string) =>
      untilAsync(
        async () =>
          JSON.stringify(await channelsNow()) === JSON.stringify([...expected, control].sort()),
        what,
      );

    first.send({ type: 'subscribe', topics: ['a', 'b'] });
    await expectChannels([a, b], 'a and b');
    second.send({ type: 'subscribe', topics: [sibling] });
    first.send({ type: 'unsubscribe', topics: ['a'] });
    second.send({ type: 'ping' });
    await second.waitFor((m) => isRecord(m) && m['type'] === 'pong');
    await expectChannels([a, b], "a's channel kept for the second socket's topic");
    expect(await numsub(a)).toBe(1);
    await first.close();
    await expectChannels([a], 'b dropped with the first socket');
    second.send({ type: 'unsubscribe', topics: [sibling] });
    await expectChannels([], 'nothing left');
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
        DEFAULT_REDIS_SHARDS,
        publishTexts.map((publishText) => ({ topic: ROOM, publishText })),
      );
    const publishRaw = (message: Buffer | string) =>
      redis.command('PUBLISH', ROOM_CHANNEL, message);
    await publishRaw('short');
    await publishRaw(batchOf('{"type":"publish","topic":"room","data":"cut"}').subarray(0, -3));
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
    const control = `${DEFAULT_REDIS_CHANNEL_PREFIX}control`;
    const hold = (ms: number) => {
      const message = Buffer.alloc(ORIGIN_TAG_CHARS + 3);
      OTHER_RELAY.copy(message);
      message[ORIGIN_TAG_CHARS] = 0x81;
      message.writeUInt16BE(ms, ORIGIN_TAG_CHARS + 1);
      return redis.command('PUBLISH', control, message);
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
