import { describe, expect, it } from 'vitest';
import { parseIceServers } from './ice-servers.ts';
import { RelayConfigError } from './limits.ts';

describe('parseIceServers', () => {
  it('defaults to no ICE servers', () => {
    expect(parseIceServers(undefined)).toEqual([]);
    expect(parseIceServers('  ')).toEqual([]);
    expect(parseIceServers('[]')).toEqual([]);
  });

  it('accepts STUN and TURN servers with credentials', () => {
    const text = JSON.stringify([
      { urls: 'stun:stun.example.org:3478' },
      {
        urls: ['turn:turn.example.org:3478?transport=udp', 'turns:turn.example.org:443'],
        username: 'u',
        credential: 'p',
      },
    ]);
    expect(parseIceServers(text)).toEqual(JSON.parse(text));
  });

  it('drops fields RTCIceServer does not have', () => {
    expect(parseIceServers('[{"urls":"stun:a.example","note":"x"}]')).toEqual([
      { urls: 'stun:a.example' },
    ]);
  });

  it.each([
    ['not JSON', '[{urls:'],
    ['not an array', '{"urls":"stun:a.example"}'],
    ['an entry that is not an object', '["stun:a.example"]'],
    ['a missing urls', '[{}]'],
    ['an http url', '[{"urls":"https://a.example"}]'],
    ['an empty url list', '[{"urls":[]}]'],
    ['a non-string url', '[{"urls":["stun:a.example",3]}]'],
    ['a numeric credential', '[{"urls":"turn:a.example","username":"u","credential":1}]'],
  ])('rejects %s with a clear error', (_name, text) => {
    expect(() => parseIceServers(text)).toThrow(RelayConfigError);
    expect(() => parseIceServers(text)).toThrow(/ICE_SERVERS/);
  });
});
