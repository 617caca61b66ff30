import { describe, expect, it } from 'vitest';
import { decodeBase64url, encodeBase64url } from './base64url.ts';
import { crc32 } from './crc32.ts';
import { seededRandom } from './seeded-random.ts';

const ascii = (text: string) => new TextEncoder().encode(text);

describe('base64url', () => {
  // RFC 4648 §10 vectors, unpadded.
  const vectors: Array<[string, string]> = [
    ['', ''],
    ['f', 'Zg'],
    ['fo', 'Zm8'],
    ['foo', 'Zm9v'],
    ['foob', 'Zm9vYg'],
    ['fooba', 'Zm9vYmE'],
    ['foobar', 'Zm9vYmFy'],
  ];
  it.each(vectors)('encodes %j as %j and back', (plain, encoded) => {
    expect(encodeBase64url(ascii(plain))).toBe(encoded);
    expect(decodeBase64url(encoded)).toEqual(ascii(plain));
  });

  it('uses the URL-safe alphabet', () => {
    expect(encodeBase64url(Uint8Array.of(0xfb, 0xff, 0xbf))).toBe('-_-_');
    expect(decodeBase64url('-_-_')).toEqual(Uint8Array.of(0xfb, 0xff, 0xbf));
  });

  it.each(['Zg==', 'Zm9v+', 'Zm9v/', 'Zm 9v', 'Zm9v\n', 'Z', 'Zm9vY', 'Zh', 'Zm9', 'é'])(
    'rejects %j (padding, wrong alphabet, impossible length or non-canonical bits)',
    (text) => {
      expect(decodeBase64url(text)).toBeUndefined();
    },
  );

  it('round-trips random bytes of every length up to 100', () => {
    const random = seededRandom('base64url');
    for (let length = 0; length <= 100; length++) {
      const bytes = random.bytes(length);
      const text = encodeBase64url(bytes);
      expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
      expect(decodeBase64url(text)).toEqual(bytes);
    }
  });
});

describe('crc32', () => {
  it('matches the standard check value', () => {
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
  });
});
