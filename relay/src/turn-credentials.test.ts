import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IceServer } from './ice-servers.ts';
import { RelayConfigError } from './limits.ts';
import { startRelay, type RunningRelay } from './server.ts';
import {
  DEFAULT_TURN_TTL_SECONDS,
  mintTurnServer,
  readTurnConfig,
  type TurnConfig,
} from './turn-credentials.ts';
import { startTestTurn, type TestTurn } from './turn-test-server.ts';

const SECRET = '0123456789abcdef0123456789abcdef';
const URLS = 'turn:turn.example.org:3478?transport=udp, turns:turn.example.org:5349';

describe('readTurnConfig', () => {
  it('is off unless TURN_SECRET and TURN_URLS are set', () => {
    expect(readTurnConfig({})).toBeUndefined();
    expect(readTurnConfig({ TURN_SECRET: ' ', TURN_URLS: '' })).toBeUndefined();
  });

  it('reads the secret, the URLs and the lifetime', () => {
    expect(readTurnConfig({ TURN_SECRET: SECRET, TURN_URLS: URLS })).toEqual({
      secret: SECRET,
      urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:5349'],
      ttlSeconds: DEFAULT_TURN_TTL_SECONDS,
    });
    const hour = { TURN_SECRET: SECRET, TURN_URLS: URLS, TURN_TTL_SECONDS: '3600' };
    expect(readTurnConfig(hour)?.ttlSeconds).toBe(3600);
  });

  it.each([
    ['URLs without a secret', { TURN_URLS: URLS }, /TURN_SECRET is not/],
    ['a secret without URLs', { TURN_SECRET: SECRET }, /TURN_URLS is not/],
    ['a short secret', { TURN_SECRET: 'short', TURN_URLS: URLS }, /at least 32/],
    ['a stun URL', { TURN_SECRET: SECRET, TURN_URLS: 'stun:a.example' }, /TURN_URLS\[0\]/],
    [
      'a lifetime under ten minutes',
      { TURN_SECRET: SECRET, TURN_URLS: URLS, TURN_TTL_SECONDS: '60' },
      /TURN_TTL_SECONDS/,
    ],
    [
      'a lifetime that is not a number',
      { TURN_SECRET: SECRET, TURN_URLS: URLS, TURN_TTL_SECONDS: '1h' },
      /TURN_TTL_SECONDS/,
    ],
  ])('refuses %s with a clear error that never quotes the secret', (_name, env, message) => {
    expect(() => readTurnConfig(env)).toThrow(RelayConfigError);
    expect(() => readTurnConfig(env)).toThrow(message);
    try {
      readTurnConfig(env);
    } catch (error) {
      expect((error as Error).message).not.toContain(SECRET);
    }
  });
});

describe('mintTurnServer', () => {
  const config: TurnConfig = { secret: SECRET, urls: ['turn:127.0.0.1:3478'], ttlSeconds: 3600 };

  it('names an expiry and no one, and signs it as coturn expects', () => {
    // Reference value from `printf %s 1795469264:tandem | openssl dgst -sha1 -hmac <secret> -binary | base64`.
    const server = mintTurnServer(config, (1_795_469_264 - 3600) * 1000 + 999);
    expect(server).toEqual({
      urls: ['turn:127.0.0.1:3478'],
      username: '1795469264:tandem',
      credential: 'kyMV0KNMAwEmMrBnB9LA2T2MvVM=',
    });
  });

  it('changes the credential with the expiry', () => {
    const first = mintTurnServer(config, 1_000_000_000_000);
    const later = mintTurnServer(config, 1_000_000_001_000);
    expect(later.username).not.toBe(first.username);
    expect(later.credential).not.toBe(first.credential);
  });
});

describe('GET /config with a real coturn', () => {
  let turn: TestTurn;
  let relay: RunningRelay;
  let config: TurnConfig;

  const turnEntry = async (): Promise<IceServer & { username: string; credential: string }> => {
    const response = await fetch(new URL('/config', relay.url));
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { iceServers } = (await response.json()) as { iceServers: IceServer[] };
    // The static servers first, the minted TURN entry last.
    expect(iceServers[0]).toEqual({ urls: 'stun:stun.example.org:3478' });
    const entry = iceServers.at(-1)!;
    expect(entry.urls).toEqual(config.urls);
    return entry as IceServer & { username: string; credential: string };
  };

  beforeAll(async () => {
    turn = await startTestTurn(SECRET);
    config = readTurnConfig({
      TURN_SECRET: SECRET,
      TURN_URLS: `turn:127.0.0.1:${turn.port}`,
      TURN_TTL_SECONDS: '600',
    })!;
    relay = await startRelay({
      port: 0,
      iceServers: [{ urls: 'stun:stun.example.org:3478' }],
      turn: config,
    });
  }, 20_000);

  afterAll(async () => {
    await relay?.close();
    await turn?.stop();
  });

  it('hands out a credential coturn accepts, fresh on each request', async () => {
    const entry = await turnEntry();
    expect(entry.username).toMatch(/^\d+:tandem$/);
    const expiry = Number(entry.username.split(':')[0]);
    expect(expiry - Date.now() / 1000).toBeGreaterThan(590);
    expect(expiry - Date.now() / 1000).toBeLessThanOrEqual(600);
    expect(await turn.allocate(entry.username, entry.credential)).toBe(true);
  }, 30_000);

  it('coturn refuses a tampered credential, another user name and an expired one', async () => {
    const entry = await turnEntry();
    const tampered = (entry.credential.startsWith('A') ? 'B' : 'A') + entry.credential.slice(1);
    expect(await turn.allocate(entry.username, tampered)).toBe(false);
    expect(await turn.allocate(entry.username.replace('tandem', 'other'), entry.credential)).toBe(
      false,
    );
    const expired = mintTurnServer(config, Date.now() - 601_000);
    expect(await turn.allocate(expired.username as string, expired.credential as string)).toBe(
      false,
    );
  }, 60_000);
});
