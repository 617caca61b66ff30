/**
 * Every kind of bad input, on a real relay on a real port: the offending socket is closed
 * with its defined code, and a bystander in the same topic keeps receiving publishes.
 */
import { CloseCode } from '@tandem/protocol';
import { afterEach, describe, expect, it } from 'vitest';
import type { RelayLimits } from './limits.ts';
import { startRelay, type RunningRelay } from './server.ts';
import {
  isRecord,
  openClient,
  publishOf,
  signalUrl,
  until,
  type RecordingClient,
} from './test-clients.ts';

let relay: RunningRelay | undefined;
let clients: RecordingClient[] = [];

afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  clients = [];
  await relay?.close();
  relay = undefined;
});

const connect = async (): Promise<RecordingClient> => {
  if (relay === undefined) throw new Error('start the relay first');
  const client = await openClient(signalUrl(relay.url));
  clients.push(client);
  return client;
};

const pong = (message: unknown) => isRecord(message) && message['type'] === 'pong';

/** Subscribes and waits until the relay has applied it (a pong comes after it). */
const subscribe = async (client: RecordingClient, topics: string[]) => {
  const pongs = client.messages.filter(pong).length;
  client.send({ type: 'subscribe', topics });
  client.send({ type: 'ping' });
  await until(() => client.messages.filter(pong).length > pongs, 'subscribe to apply');
};

/**
 * Starts a relay with `limits` and a bystander subscribed to `room`, then after `offend`
 * checks the bystander still receives a publish from a fresh publisher.
 */
const withBystander = async (limits: Partial<RelayLimits> = {}) => {
  relay = await startRelay({ port: 0, host: '127.0.0.1', staticDir: '/nonexistent', limits });
  const bystander = await connect();
  await subscribe(bystander, ['room']);
  let round = 0;
  const expectBystanderServed = async () => {
    round += 1;
    const publisher = await connect();
    const data = `still-served-${round}`;
    publisher.send({ type: 'publish', topic: 'room', data });
    expect(await bystander.waitFor(publishOf(data), 'the bystander to be served')).toMatchObject({
      topic: 'room',
      data,
    });
    expect(bystander.ws.readyState).toBe(bystander.ws.OPEN);
  };
  return { bystander, expectBystanderServed };
};

describe('bad input closes only the offending socket', () => {
  const textCases: [string, string, number][] = [
    ['non-JSON text', 'hello relay', CloseCode.BadFrame],
    ['a JSON value that is not an object', '["subscribe"]', CloseCode.BadFrame],
    ['an unknown type', '{"type":"announce","from":"x"}', CloseCode.UnknownType],
    ['a missing type', '{"topics":["room"]}', CloseCode.BadField],
    ['topics of the wrong type', '{"type":"subscribe","topics":"room"}', CloseCode.BadField],
    ['a non-string topic in the list', '{"type":"unsubscribe","topics":[1]}', CloseCode.BadField],
    ['a publish with a non-string topic', '{"type":"publish","topic":{"x":1}}', CloseCode.BadField],
  ];

  for (const [name, text, code] of textCases) {
    it(`${name} → ${code}`, async () => {
      const { expectBystanderServed } = await withBystander();
      const offender = await connect();
      await subscribe(offender, ['room']);
      offender.send(text);
      expect(await offender.closed).toMatchObject({ code });
      await expectBystanderServed();
    });
  }

  it('a binary frame → BadFrame', async () => {
    const { expectBystanderServed } = await withBystander();
    const offender = await connect();
    offender.ws.send(Buffer.from('{"type":"ping"}'), { binary: true });
    expect(await offender.closed).toMatchObject({ code: CloseCode.BadFrame });
    await expectBystanderServed();
  });

  it('a text frame that is not UTF-8 → BadFrame', async () => {
    const { expectBystanderServed } = await withBystander();
    const offender = await connect();
    // Valid JSON around the bad bytes: only the UTF-8 check can catch it.
    const bytes = Buffer.concat([
      Buffer.from('{"type":"ping","x":"'),
      Buffer.from([0xff, 0xfe]),
      Buffer.from('"}'),
    ]);
    offender.ws.send(bytes, { binary: false });
    expect(await offender.closed).toMatchObject({ code: CloseCode.BadFrame });
    await expectBystanderServed();
  });

  it('a frame over MAX_FRAME_BYTES → FrameTooLarge, even the exact byte after the limit', async () => {
    const { bystander, expectBystanderServed } = await withBystander({ MAX_FRAME_BYTES: 4096 });
    const fits = await connect();
    const atLimit = JSON.stringify({ type: 'publish', topic: 'room', data: '' });
    const padding = 'x'.repeat(4096 - atLimit.length);
    fits.send({ type: 'publish', topic: 'room', data: padding });
    await bystander.waitFor(publishOf(padding), 'the frame at the limit to be delivered');
    const offender = await connect();
    offender.send({ type: 'publish', topic: 'room', data: `${padding}x` });
    expect(await offender.closed).toMatchObject({ code: CloseCode.FrameTooLarge });
    expect(fits.ws.readyState).toBe(fits.ws.OPEN);
    await expectBystanderServed();
  });

  it('a fragmented message adding up to more than MAX_FRAME_BYTES → FrameTooLarge', async () => {
    const { expectBystanderServed } = await withBystander({ MAX_FRAME_BYTES: 4096 });
    const offender = await connect();
    offender.ws.send('{"type":"publish","topic":"room","data":"', { fin: false });
    for (let i = 0; i < 5; i += 1) offender.ws.send('x'.repeat(1000), { fin: false });
    offender.ws.send('"}', { fin: true });
    expect(await offender.closed).toMatchObject({ code: CloseCode.FrameTooLarge });
    await expectBystanderServed();
  });

  it('subscribing to more than MAX_TOPICS_PER_SOCKET topics → TooManyTopics', async () => {
    const { expectBystanderServed } = await withBystander({ MAX_TOPICS_PER_SOCKET: 3 });
    const offender = await connect();
    await subscribe(offender, ['room', 'a', 'b']);
    offender.send({ type: 'subscribe', topics: ['c'] });
    expect(await offender.closed).toMatchObject({ code: CloseCode.TooManyTopics });
    await expectBystanderServed();
  });

  it('joining a topic at MAX_SUBSCRIBERS_PER_TOPIC → TopicFull for the newcomer only', async () => {
    const { expectBystanderServed } = await withBystander({ MAX_SUBSCRIBERS_PER_TOPIC: 2 });
    const second = await connect();
    await subscribe(second, ['room']);
    const offender = await connect();
    offender.send({ type: 'subscribe', topics: ['room'] });
    expect(await offender.closed).toMatchObject({ code: CloseCode.TopicFull });
    await expectBystanderServed();
    await second.waitFor(publishOf('still-served-1'), 'the second subscriber to be served');
  });

  it('sending faster than MAX_MESSAGES_PER_SECOND → RateLimited', async () => {
    const { expectBystanderServed } = await withBystander({ MAX_MESSAGES_PER_SECOND: 20 });
    const offender = await connect();
    for (let i = 0; i < 40; i += 1) offender.send({ type: 'ping' });
    expect(await offender.closed).toMatchObject({ code: CloseCode.RateLimited });
    expect(offender.messages.filter(pong).length).toBeLessThanOrEqual(20);
    await expectBystanderServed();
  });

  it('a subscriber that stops reading → SlowConsumer, its queue bounded by the high-water mark', async () => {
    const frameBytes = 64 * 1024;
    const { bystander, expectBystanderServed } = await withBystander({
      MAX_FRAME_BYTES: frameBytes,
      SEND_BUFFER_HIGH_WATER_BYTES: 4 * frameBytes,
      MAX_MESSAGES_PER_SECOND: 100_000,
    });
    const slow = await connect();
    await subscribe(slow, ['room']);
    slow.ws.pause();
    const publisher = await connect();
    const payload = 'y'.repeat(frameBytes - 100);
    // Publish until the relay reports one subscriber fewer, or give up after 256 MiB:
    // loopback buffers absorb several MiB before the relay has to queue anything.
    let sent = 0;
    const slowDropped = () =>
      bystander.messages.some((m) => isRecord(m) && m['type'] === 'publish' && m['clients'] === 1);
    while (!slowDropped() && sent < 4096) {
      publisher.send({ type: 'publish', topic: 'room', data: payload });
      sent += 1;
      if (sent % 16 === 0) await until(() => publisher.ws.bufferedAmount === 0, 'publisher drain');
      if (sent % 64 === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await until(slowDropped, 'the relay to drop the slow consumer', 10_000);
    slow.ws.resume();
    expect(await slow.closed).toMatchObject({ code: CloseCode.SlowConsumer });
    // It got what fitted before it stopped reading, not everything that was published.
    const received = slow.messages.filter((m) => isRecord(m) && m['type'] === 'publish').length;
    expect(received).toBeLessThan(sent);
    await expectBystanderServed();
  });

  it('a socket silent for PING_TIMEOUT_MS → IdleTimeout, while a pinging one stays', async () => {
    relay = await startRelay({
      port: 0,
      host: '127.0.0.1',
      staticDir: '/nonexistent',
      limits: { PING_TIMEOUT_MS: 300 },
    });
    const pinging = await connect();
    await subscribe(pinging, ['room']);
    const keepAlive = setInterval(() => pinging.send({ type: 'ping' }), 50);
    try {
      const silent = await connect();
      await subscribe(silent, ['room']);
      const silentSince = Date.now();
      expect(await silent.closed).toMatchObject({ code: CloseCode.IdleTimeout });
      expect(Date.now() - silentSince).toBeGreaterThanOrEqual(250);
      await new Promise((resolve) => setTimeout(resolve, 400));
      const publisher = await connect();
      publisher.send({ type: 'publish', topic: 'room', data: 'after-idle' });
      expect(await pinging.waitFor(publishOf('after-idle'))).toMatchObject({ clients: 1 });
    } finally {
      clearInterval(keepAlive);
    }
  });
});
