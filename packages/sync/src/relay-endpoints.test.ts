import { describe, expect, it } from 'vitest';
import { parseIceServers, signalUrlFor } from './relay-endpoints.ts';

describe('signalUrlFor', () => {
  it('maps http to ws and https to wss on /signal', () => {
    expect(signalUrlFor('http://127.0.0.1:8787')).toBe('ws://127.0.0.1:8787/signal');
    expect(signalUrlFor('https://relay.example/app/')).toBe('wss://relay.example/signal');
  });
});

describe('parseIceServers', () => {
  it('keeps well-formed STUN/TURN entries', () => {
    expect(
      parseIceServers({
        iceServers: [
          { urls: 'stun:stun.example:3478' },
          { urls: ['turn:turn.example:3478'], username: 'u', credential: 'c' },
        ],
      }),
    ).toEqual([
      { urls: ['stun:stun.example:3478'] },
      { urls: ['turn:turn.example:3478'], username: 'u', credential: 'c' },
    ]);
  });

  it('drops anything malformed instead of trusting it', () => {
    expect(parseIceServers(null)).toEqual([]);
    expect(parseIceServers({ iceServers: 'stun:x' })).toEqual([]);
    expect(
      parseIceServers({
        iceServers: [{ urls: 'http://evil' }, { urls: [] }, 3, { urls: 'stun:ok' }],
      }),
    ).toEqual([{ urls: ['stun:ok'] }]);
  });
});
