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
  channelForTopic,
  createRedisFanOut,
  ORIGIN_TAG_CHARS,
  type RedisFanOut,
} from './redis-fan-out.ts';
import { startTestRedis, type TestRedis } from './redis-test-server.ts';
import { startRelay, type RunningRelay } from './server.ts';
import { isRecord, openClient, signalUrl, until } from './test-clients.ts';

// lib0's WebSocket client (under SignalingConn) expects the browser global; Node 20 has none.
if (!('WebSocket' in globalThis)) Object.assign(globalThis, { WebSocket });

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const ROOM = 'room';
const ROOM_CHANNEL = channelForTopic(DEFAULT_REDIS_CHANNEL_PREFIX, ROOM);
/** Redis restarts and client reconnects take a few backoff rounds. */
const RECOVERY_TIMEOUT_MS = 15_000;

describe('channel names', () => {
  it('keeps ordinary topics readable and maps every topic to its own channel', () => {
    expect(channelForTopic('tandem:topic:', 'Zm9v_bar-1')).toBe('tandem:topic:Zm9v_bar-1');
    // Lone surrogates would all become U+FFFD in UTF-8; escaped, they stay apart.
    const channels = ['\ud800', '\ud801', '\\ud800', '"', '\\"', 'é'].map((topic) =>
      channelForTopic('p:', topic),
    );
    expect(new Set(channels).size).toBe(channels.length);
    for (const channel of channels) {
      expect(Buffer.from(channel, 'utf8').toString('utf8')).toBe(channel);
    }
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
): Promise<{ relay: RunningRelay; fanOut: RedisFanOut }> => {
  const fanOut = createRedisFanOut({ url });
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

  it('holds a channel only while a local socket wants the topic', async () => {
    const { relay, fanOut } = await startRedisRelay();
    await fanOut.whenUp();
    const [a, b] = [
      channelForTopic(DEFAULT_REDIS_CHANNEL_PREFIX, 'a'),
      `${DEFAULT_REDIS_CHANNEL_PREFIX}b`,
    ];
    const first = await openClient(signalUrl(relay.url));
    const second = await openClient(signalUrl(relay.url));
    cleanups.push(
      () => first.close(),
      () => second.close(),
    );
    const expectChannels = (expected: string[], what: string) =>
      untilAsync(
        async () => JSON.stringify(await channelsNow()) === JSON.stringify(expected),
        what,
      );

    first.send({ type: 'subscribe', topics: ['a', 'b'] });
    await expectChannels([a, b], 'a and b');
    second.send({ type: 'subscribe', topics: ['a'] });
    first.send({ type: 'unsubscribe', topics: ['a'] });
    second.send({ type: 'ping' });
    await second.waitFor((m) => isRecord(m) && m['type'] === 'pong');
    await expectChannels([a, b], 'a kept for the second socket');
    expect(await numsub(a)).toBe(1);
    await first.close();
    await expectChannels([a], 'b dropped with the first socket');
    second.send({ type: 'unsubscribe', topics: ['a'] });
    await expectChannels([], 'nothing left');
  });

  it('drops frames on its channels that are not a publish for that topic', async () => {
    const { relay, fanOut } = await startRedisRelay();
    await fanOut.whenUp();
    const client = await openClient(signalUrl(relay.url));
    cleanups.push(() => client.close());
    client.send({ type: 'subscribe', topics: [ROOM] });
    await untilAsync(async () => (await numsub(ROOM_CHANNEL)) === 1, 'subscribed');
    const otherRelay = 'x'.repeat(ORIGIN_TAG_CHARS);
    await redis.command('PUBLISH', ROOM_CHANNEL, 'short');
    await redis.command('PUBLISH', ROOM_CHANNEL, `${otherRelay}not json`);
    await redis.command(
      'PUBLISH',
      ROOM_CHANNEL,
      `${otherRelay}{"type":"publish","topic":"elsewhere"}`,
    );
    await redis.command(
      'PUBLISH',
      ROOM_CHANNEL,
      `${otherRelay}{"type":"subscribe","topics":["room"]}`,
    );
    await redis.command(
      'PUBLISH',
      ROOM_CHANNEL,
      `${otherRelay}{"type":"publish","topic":"room","data":"ok"}`,
    );
    await client.waitFor((m) => isRecord(m) && m['data'] === 'ok');
    expect(client.messages).toEqual([{ type: 'publish', topic: ROOM, data: 'ok', clients: 1 }]);
    expect(fanOut.stats).toMatchObject({ malformed: 4, received: 1 });
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
