import { CloseCode, encodePublish, encodeSubscribe, encodeUnsubscribe } from '@tandem/protocol';
import { describe, expect, it } from 'vitest';
import type { DeliverPublish, FanOut, SetBackpressure } from './fan-out.ts';
import { resolveLimits, type RelayLimits } from './limits.ts';
import { Router, type OutboundFrame, type Socket } from './router.ts';

/** A socket that records what it is sent; `draining = false` makes its queue grow. */
class RecordingSocket implements Socket {
  readonly frames: OutboundFrame[] = [];
  readonly closes: { code: number; reason: string }[] = [];
  bufferedAmount = 0;
  maxBufferedAmount = 0;
  draining = true;
  /** Every pauseReading call, in order. */
  readonly pauses: boolean[] = [];

  pauseReading(paused: boolean): void {
    this.pauses.push(paused);
  }

  send(frame: OutboundFrame): void {
    this.frames.push(frame);
    if (!this.draining) {
      this.bufferedAmount += frame.utf8.byteLength;
      this.maxBufferedAmount = Math.max(this.maxBufferedAmount, this.bufferedAmount);
    }
  }

  close(code: number, reason: string): void {
    this.closes.push({ code, reason });
  }

  get messages(): unknown[] {
    return this.frames.map((frame) => JSON.parse(frame.text));
  }
}

const setup = (overrides: Partial<RelayLimits> = {}, options: { fanOut?: FanOut } = {}) => {
  let nowMs = 1_000;
  const taps: { topic: string; frame: string }[] = [];
  const router = new Router({
    limits: resolveLimits(overrides),
    now: () => nowMs,
    onPublish: (topic, frame) => taps.push({ topic, frame }),
    ...options,
  });
  const connect = () => {
    const socket = new RecordingSocket();
    return { socket, connection: router.connect(socket) };
  };
  const advance = (ms: number) => {
    nowMs += ms;
  };
  return { router, connect, advance, taps };
};

describe('Router: the y-webrtc protocol', () => {
  it('delivers a publish to every subscriber, sender included, with the clients count', () => {
    const { router, connect } = setup();
    const alice = connect();
    const bob = connect();
    router.receive(alice.connection, encodeSubscribe(['room']));
    router.receive(bob.connection, encodeSubscribe(['room', 'other']));
    router.receive(alice.connection, encodePublish('room', { data: 'sealed' }));

    const expected = { type: 'publish', topic: 'room', data: 'sealed', clients: 2 };
    expect(alice.socket.messages).toEqual([expected]);
    expect(bob.socket.messages).toEqual([expected]);
  });

  it('serializes a publish once and sends the same frame to all subscribers', () => {
    const { router, connect } = setup();
    const subscribers = [connect(), connect(), connect()];
    for (const { connection } of subscribers) router.receive(connection, encodeSubscribe(['t']));
    const publisher = connect();
    router.receive(publisher.connection, encodePublish('t', { data: 'x' }));

    const [first, ...rest] = subscribers.map(({ socket }) => socket.frames[0]);
    expect(first).toBeDefined();
    for (const frame of rest) expect(frame).toBe(first);
    expect(publisher.socket.frames).toEqual([]);
  });

  it('taps every accepted publish as sent, even with no subscriber', () => {
    const { router, connect, taps } = setup();
    const alice = connect();
    const frame = encodePublish('empty-room', { data: 'c2VhbGVk' });
    router.receive(alice.connection, frame);
    expect(taps).toEqual([{ topic: 'empty-room', frame }]);
    expect(alice.socket.frames).toEqual([]);
  });

  it('stops delivering after unsubscribe and forgets empty topics', () => {
    const { router, connect } = setup();
    const alice = connect();
    const bob = connect();
    router.receive(alice.connection, encodeSubscribe(['a', 'b']));
    router.receive(bob.connection, encodeSubscribe(['a']));
    router.receive(alice.connection, encodeUnsubscribe(['a', 'b', 'never-subscribed']));
    expect(router.topicCount).toBe(1);
    router.receive(bob.connection, encodePublish('a'));
    expect(alice.socket.frames).toEqual([]);
    expect(bob.socket.messages).toEqual([{ type: 'publish', topic: 'a', clients: 1 }]);
    // Unsubscribing freed a topic slot: Alice may subscribe again.
    router.receive(alice.connection, encodeSubscribe(['a']));
    expect(router.subscriberCount('a')).toBe(2);
  });

  it('answers ping with pong and ignores pong', () => {
    const { router, connect } = setup();
    const alice = connect();
    router.receive(alice.connection, '{"type":"ping"}');
    router.receive(alice.connection, '{"type":"pong"}');
    expect(alice.socket.messages).toEqual([{ type: 'pong' }]);
    expect(alice.socket.closes).toEqual([]);
  });

  it('forgets a disconnected socket', () => {
    const { router, connect } = setup();
    const alice = connect();
    router.receive(alice.connection, encodeSubscribe(['a', 'b']));
    router.disconnect(alice.connection);
    expect(router.connectionCount).toBe(0);
    expect(router.topicCount).toBe(0);
    router.receive(alice.connection, encodePublish('a'));
    expect(alice.socket.frames).toEqual([]);
    expect(alice.socket.closes).toEqual([]);
  });
});

describe('Router: bad input closes only the offending socket', () => {
  const cases: [string, string, number][] = [
    ['not JSON', '{"type":"publish"', CloseCode.BadFrame],
    ['a JSON array', '[1,2]', CloseCode.BadFrame],
    ['an unknown type', '{"type":"announce"}', CloseCode.UnknownType],
    ['a non-string type', '{"type":7}', CloseCode.BadField],
    ['topics not an array', '{"type":"subscribe","topics":"room"}', CloseCode.BadField],
    ['a non-string topic', '{"type":"subscribe","topics":["room",7]}', CloseCode.BadField],
    ['a publish without topic', '{"type":"publish","data":"x"}', CloseCode.BadField],
    ['a publish with a numeric topic', '{"type":"publish","topic":7}', CloseCode.BadField],
    ['an overlong topic', encodeSubscribe(['x'.repeat(257)]), CloseCode.BadField],
    ['an overlong publish topic', encodePublish('x'.repeat(257)), CloseCode.BadField],
    ['an overlong unsubscribe topic', encodeUnsubscribe(['x'.repeat(257)]), CloseCode.BadField],
    ['a frame over MAX_FRAME_BYTES', encodePublish('room', { data: 'x'.repeat(2000) }), 4001],
  ];

  for (const [name, frame, code] of cases) {
    it(`${name} → ${code}`, () => {
      const { router, connect } = setup({ MAX_FRAME_BYTES: 1024 });
      const offender = connect();
      const bystander = connect();
      router.receive(offender.connection, encodeSubscribe(['room']));
      router.receive(bystander.connection, encodeSubscribe(['room']));

      router.receive(offender.connection, frame);
      expect(offender.socket.closes).toEqual([{ code, reason: expect.any(String) }]);
      expect(router.subscriberCount('room')).toBe(1);

      router.receive(bystander.connection, encodePublish('room', { data: 'after' }));
      expect(bystander.socket.messages.at(-1)).toEqual({
        type: 'publish',
        topic: 'room',
        data: 'after',
        clients: 1,
      });
      expect(offender.socket.frames).toEqual([]);
      expect(bystander.socket.closes).toEqual([]);
    });
  }

  it('closes a socket once and ignores its later frames', () => {
    const { router, connect, taps } = setup();
    const alice = connect();
    router.receive(alice.connection, 'nope');
    router.receive(alice.connection, 'nope again');
    router.receive(alice.connection, encodePublish('room'));
    expect(alice.socket.closes).toHaveLength(1);
    expect(taps).toEqual([]);
  });
});

describe('Router: limits', () => {
  it('closes a socket that subscribes to more than MAX_TOPICS_PER_SOCKET topics', () => {
    const { router, connect } = setup({ MAX_TOPICS_PER_SOCKET: 3 });
    const alice = connect();
    router.receive(alice.connection, encodeSubscribe(['a', 'b']));
    router.receive(alice.connection, encodeSubscribe(['a', 'b', 'c'])); // re-subscribing is free
    expect(alice.socket.closes).toEqual([]);
    router.receive(alice.connection, encodeSubscribe(['d']));
    expect(alice.socket.closes).toEqual([
      { code: CloseCode.TooManyTopics, reason: expect.any(String) },
    ]);
    expect(router.topicCount).toBe(0);
  });

  it('closes the subscriber that would pass MAX_SUBSCRIBERS_PER_TOPIC, not the others', () => {
    const { router, connect } = setup({ MAX_SUBSCRIBERS_PER_TOPIC: 2 });
    const [first, second, third] = [connect(), connect(), connect()];
    router.receive(first.connection, encodeSubscribe(['room']));
    router.receive(second.connection, encodeSubscribe(['room']));
    router.receive(third.connection, encodeSubscribe(['elsewhere', 'room']));
    expect(third.socket.closes).toEqual([
      { code: CloseCode.TopicFull, reason: expect.any(String) },
    ]);
    expect(router.subscriberCount('elsewhere')).toBe(0);

    router.receive(first.connection, encodePublish('room'));
    expect(second.socket.messages).toEqual([{ type: 'publish', topic: 'room', clients: 2 }]);
    expect(first.socket.closes).toEqual([]);
    expect(second.socket.closes).toEqual([]);
  });

  it('allows bursts up to MAX_MESSAGES_PER_SECOND and closes beyond', () => {
    const { router, connect } = setup({ MAX_MESSAGES_PER_SECOND: 5 });
    const alice = connect();
    for (let i = 0; i < 5; i += 1) router.receive(alice.connection, '{"type":"ping"}');
    expect(alice.socket.closes).toEqual([]);
    router.receive(alice.connection, '{"type":"ping"}');
    expect(alice.socket.closes).toEqual([
      { code: CloseCode.RateLimited, reason: expect.any(String) },
    ]);
    expect(alice.socket.frames).toHaveLength(5);
  });

  it('lets a socket send at MAX_MESSAGES_PER_SECOND indefinitely', () => {
    const { router, connect, advance } = setup({ MAX_MESSAGES_PER_SECOND: 5 });
    const alice = connect();
    for (let i = 0; i < 100; i += 1) {
      router.receive(alice.connection, '{"type":"ping"}');
      advance(200);
    }
    expect(alice.socket.closes).toEqual([]);
    expect(alice.socket.frames).toHaveLength(100);
  });

  it('closes a slow consumer before its queue passes the high-water mark', () => {
    const { router, connect } = setup({
      MAX_FRAME_BYTES: 1024,
      SEND_BUFFER_HIGH_WATER_BYTES: 4096,
    });
    const slow = connect();
    const healthy = connect();
    const publisher = connect();
    slow.socket.draining = false;
    router.receive(slow.connection, encodeSubscribe(['room']));
    router.receive(healthy.connection, encodeSubscribe(['room']));
    const frame = encodePublish('room', { data: 'x'.repeat(900) });
    for (let i = 0; i < 20; i += 1) router.receive(publisher.connection, frame);

    expect(slow.socket.closes).toEqual([
      { code: CloseCode.SlowConsumer, reason: expect.any(String) },
    ]);
    expect(slow.socket.maxBufferedAmount).toBeLessThanOrEqual(4096);
    expect(slow.socket.frames.length).toBe(4);
    expect(healthy.socket.frames).toHaveLength(20);
    expect(healthy.socket.closes).toEqual([]);
    expect(router.subscriberCount('room')).toBe(1);
  });

  it('closes sockets silent for PING_TIMEOUT_MS, keeps the ones that ping', () => {
    const { router, connect, advance } = setup({ PING_TIMEOUT_MS: 1000 });
    const silent = connect();
    const pinging = connect();
    router.receive(silent.connection, encodeSubscribe(['room']));
    router.receive(pinging.connection, encodeSubscribe(['room']));
    advance(600);
    router.receive(pinging.connection, '{"type":"ping"}');
    expect(router.closeIdle()).toBe(0);
    advance(400);
    expect(router.closeIdle()).toBe(1);
    expect(silent.socket.closes).toEqual([
      { code: CloseCode.IdleTimeout, reason: expect.any(String) },
    ]);
    expect(pinging.socket.closes).toEqual([]);
    expect(router.subscriberCount('room')).toBe(1);
  });

  it('survives a socket whose send throws', () => {
    const { router, connect } = setup();
    const broken = connect();
    const healthy = connect();
    broken.socket.send = () => {
      throw new Error('transport gone');
    };
    router.receive(broken.connection, encodeSubscribe(['room']));
    router.receive(healthy.connection, encodeSubscribe(['room']));
    router.receive(healthy.connection, encodePublish('room'));
    router.receive(healthy.connection, encodePublish('room'));
    expect(router.subscriberCount('room')).toBe(1);
    expect(healthy.socket.messages.at(-1)).toEqual({ type: 'publish', topic: 'room', clients: 1 });
  });

  it('closes every socket on closeAll', () => {
    const { router, connect } = setup();
    const sockets = [connect(), connect()];
    for (const { connection } of sockets) router.receive(connection, encodeSubscribe(['room']));
    router.closeAll(CloseCode.GoingAway, 'shutdown');
    for (const { socket } of sockets)
      expect(socket.closes).toEqual([{ code: 1001, reason: 'shutdown' }]);
    expect(router.connectionCount).toBe(0);
    expect(router.topicCount).toBe(0);
  });
});

describe('Router: fan-out seam', () => {
  it('routes publishes through the FanOut and delivers what it hands back', () => {
    const events: string[] = [];
    const published: [string, string][] = [];
    let deliver: DeliverPublish = () => {};
    const fanOut: FanOut = {
      start: (deliverPublish) => {
        deliver = deliverPublish;
      },
      topicOpened: (topic) => events.push(`open ${topic}`),
      topicClosed: (topic) => events.push(`close ${topic}`),
      publish: (topic, text) => published.push([topic, text]),
      stop: () => events.push('stop'),
    };
    const { router, connect } = setup({}, { fanOut });
    const alice = connect();
    router.receive(alice.connection, encodeSubscribe(['room']));
    const frame = encodePublish('room', { data: 'x' });
    router.receive(alice.connection, frame);
    // Held by the fan-out (as a remote bus would) until it delivers.
    expect(published).toEqual([['room', frame]]);
    expect(alice.socket.frames).toEqual([]);

    deliver('room', encodePublish('room', { data: 'from another process' }));
    expect(alice.socket.messages).toEqual([
      { type: 'publish', topic: 'room', data: 'from another process', clients: 1 },
    ]);
    router.receive(alice.connection, encodeUnsubscribe(['room']));
    router.closeAll(CloseCode.GoingAway, 'shutdown');
    expect(events).toEqual(['open room', 'close room', 'stop']);
  });

  it('stops reading every socket while the fan-out is behind, and forgives the silence', () => {
    let backpressure: SetBackpressure = () => {};
    const fanOut: FanOut = {
      start: (_deliver, _resync, setBackpressure) => {
        backpressure = setBackpressure ?? backpressure;
      },
      topicOpened: () => {},
      topicClosed: () => {},
      publish: () => {},
      stop: () => {},
    };
    const { router, connect, advance } = setup({ PING_TIMEOUT_MS: 1_000 }, { fanOut });
    const alice = connect();
    advance(600);
    backpressure(true);
    expect(router.readingPaused).toBe(true);
    const bob = connect();
    expect(alice.socket.pauses).toEqual([true]);
    expect(bob.socket.pauses).toEqual([true]);
    // Nobody could be heard: nobody is idle, and the pause does not count.
    advance(5_000);
    expect(router.closeIdle()).toBe(0);
    backpressure(true);
    backpressure(false);
    expect(alice.socket.pauses).toEqual([true, false]);
    expect(bob.socket.pauses).toEqual([true, false]);
    advance(399);
    expect(router.closeIdle()).toBe(0);
    advance(1);
    expect(router.closeIdle()).toBe(1); // alice: 600 ms before the pause, 400 after
    expect(alice.socket.closes).toEqual([{ code: CloseCode.IdleTimeout, reason: 'idle timeout' }]);
    advance(600);
    expect(router.closeIdle()).toBe(1); // bob: connected during the pause
  });
});
