import { describe, expect, it } from 'vitest';
import { CloseCode } from './close-codes.ts';
import {
  encodePublish,
  encodePublishForSubscribers,
  encodeSubscribe,
  encodeUnsubscribe,
  parseSignalingMessage,
  PING_FRAME,
  PONG_FRAME,
  SIGNALING_ERROR_CLOSE_CODE,
  type SignalingErrorKind,
} from './signaling.ts';

const expectError = (text: string, kind: SignalingErrorKind) => {
  const result = parseSignalingMessage(text);
  expect(result.ok).toBe(false);
  if (!result.ok) expect(result.error.kind).toBe(kind);
};

describe('parseSignalingMessage', () => {
  it('parses the four client messages y-webrtc sends', () => {
    expect(parseSignalingMessage(encodeSubscribe(['a', 'b']))).toEqual({
      ok: true,
      message: { type: 'subscribe', topics: ['a', 'b'] },
    });
    expect(parseSignalingMessage(encodeUnsubscribe(['a']))).toEqual({
      ok: true,
      message: { type: 'unsubscribe', topics: ['a'] },
    });
    expect(parseSignalingMessage(PING_FRAME)).toEqual({ ok: true, message: { type: 'ping' } });
    expect(parseSignalingMessage(PONG_FRAME)).toEqual({ ok: true, message: { type: 'pong' } });
  });

  it('keeps every other field of a publish', () => {
    const text = encodePublish('room', { data: 'c2VhbGVk', from: 'peer-1', clients: 3 });
    expect(parseSignalingMessage(text)).toEqual({
      ok: true,
      message: { type: 'publish', topic: 'room', data: 'c2VhbGVk', from: 'peer-1', clients: 3 },
    });
  });

  it('treats a missing topic list as empty, like the stock server', () => {
    expect(parseSignalingMessage('{"type":"subscribe"}')).toEqual({
      ok: true,
      message: { type: 'subscribe', topics: [] },
    });
  });

  it('rejects frames that are not JSON objects', () => {
    for (const text of ['', 'not json', '{"type":', '[]', '"publish"', '42', 'null', 'true']) {
      expectError(text, 'bad-frame');
    }
  });

  it('rejects a missing or non-string type', () => {
    for (const text of ['{}', '{"type":1}', '{"type":null}', '{"type":["ping"]}']) {
      expectError(text, 'bad-field');
    }
  });

  it('rejects unknown types', () => {
    for (const type of ['announce', 'signal', 'PING', '', 'constructor', '__proto__']) {
      expectError(JSON.stringify({ type }), 'unknown-type');
    }
  });

  it('rejects topic lists of the wrong shape', () => {
    for (const topics of ['a', 1, null, {}, [1], ['a', null], [''], [['a']]]) {
      expectError(JSON.stringify({ type: 'subscribe', topics }), 'bad-field');
      expectError(JSON.stringify({ type: 'unsubscribe', topics }), 'bad-field');
    }
  });

  it('rejects a publish without a non-empty string topic', () => {
    for (const topic of [undefined, '', 1, null, ['a'], { a: 1 }]) {
      expectError(JSON.stringify({ type: 'publish', topic, data: 'x' }), 'bad-field');
    }
  });

  it('does not let a __proto__ field change the prototype of the parsed message', () => {
    const result = parseSignalingMessage('{"type":"publish","topic":"t","__proto__":{"x":1}}');
    expect(result.ok).toBe(true);
    if (result.ok) {
      expect(Object.getPrototypeOf(result.message)).toBe(Object.prototype);
      expect((result.message as Record<string, unknown>)['x']).toBeUndefined();
    }
  });

  it('maps every error kind to a defined close code', () => {
    expect(SIGNALING_ERROR_CLOSE_CODE).toEqual({
      'bad-frame': CloseCode.BadFrame,
      'unknown-type': CloseCode.UnknownType,
      'bad-field': CloseCode.BadField,
    });
  });
});

describe('encodePublishForSubscribers', () => {
  it('adds the subscriber count and keeps the rest exactly as sent', () => {
    const sent = '{"type":"publish","topic":"room","data":{"to":"b","n":[1,2]}}';
    const fannedOut = encodePublishForSubscribers(sent, 9);
    expect(fannedOut).toBe(
      '{"type":"publish","topic":"room","data":{"to":"b","n":[1,2]},"clients":9}',
    );
    expect(JSON.parse(fannedOut)).toEqual({ ...JSON.parse(sent), clients: 9 });
  });

  it('tolerates whitespace after the closing brace', () => {
    const fannedOut = encodePublishForSubscribers(' { "type" : "publish", "topic":"t" } \n', 2);
    expect(JSON.parse(fannedOut)).toEqual({ type: 'publish', topic: 't', clients: 2 });
  });

  it("overrides a sender's own clients field, as the stock server does", () => {
    const fannedOut = encodePublishForSubscribers('{"type":"publish","topic":"t","clients":99}', 1);
    expect(JSON.parse(fannedOut)).toEqual({ type: 'publish', topic: 't', clients: 1 });
  });
});
