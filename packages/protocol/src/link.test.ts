import { describe, expect, it } from 'vitest';
import { encodeBase64url } from './base64url.ts';
import { crc32 } from './crc32.ts';
import {
  encodeLink,
  encodeLinkFragment,
  LINK_ERROR_MESSAGES,
  parseLinkFragment,
  type BilanLink,
} from './link.ts';
import { SAMPLE_BILAN_ID } from './record-fixtures.ts';
import { seededRandom } from './seeded-random.ts';
import { LinkError } from './wire.ts';

const KEY = Uint8Array.from({ length: 32 }, (_, i) => i);
const LINK: BilanLink = { bilanId: SAMPLE_BILAN_ID, key: KEY, role: 'beneficiary' };
// version 01 ‖ role 02 ‖ id a0…af ‖ key 00…1f ‖ CRC-32 of those 50 bytes.
const KNOWN_FRAGMENT =
  'v1.AQKgoaKjpKWmp6ipqqusra6vAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9C4kaB';

/** A payload with a valid checksum, for testing what the checksum does not cover. */
function fragmentOf(version: number, role: number): string {
  const payload = new Uint8Array(54);
  payload.set([version, role]);
  payload.set(KEY, 18);
  new DataView(payload.buffer).setUint32(50, crc32(payload.subarray(0, 50)));
  return 'v1.' + encodeBase64url(payload);
}

describe('invite link', () => {
  it('has a fixed encoding', () => {
    expect(encodeLinkFragment(LINK)).toBe(KNOWN_FRAGMENT);
    expect(encodeLink('https://tandem.example', LINK)).toBe(
      `https://tandem.example/#${KNOWN_FRAGMENT}`,
    );
    expect(encodeLink('http://127.0.0.1:8787/', LINK)).toBe(
      `http://127.0.0.1:8787/#${KNOWN_FRAGMENT}`,
    );
  });

  it('round-trips both roles, with or without "#" and surrounding spaces', () => {
    for (const role of ['counsellor', 'beneficiary'] as const) {
      const fragment = encodeLinkFragment({ ...LINK, role });
      for (const input of [fragment, `#${fragment}`, `  #${fragment}\n`]) {
        expect(parseLinkFragment(input)).toEqual({ ok: true, value: { ...LINK, role } });
      }
    }
    expect(parseLinkFragment(new URL(encodeLink('http://x.test', LINK)).hash)).toEqual({
      ok: true,
      value: LINK,
    });
  });

  it.each<[string, string, LinkError]>([
    ['nothing', '', LinkError.Empty],
    ['a bare #', '#', LinkError.Empty],
    ['spaces', '  ', LinkError.Empty],
    ['another app’s fragment', '#/settings', LinkError.UnknownScheme],
    ['no version', 'AQKgoaKj', LinkError.UnknownScheme],
    ['a newer version', KNOWN_FRAGMENT.replace('v1.', 'v2.'), LinkError.UnknownVersion],
    ['a padded version', KNOWN_FRAGMENT.replace('v1.', 'v01.'), LinkError.UnknownVersion],
    ['padding', KNOWN_FRAGMENT + '==', LinkError.BadBase64],
    ['standard base64 (+)', KNOWN_FRAGMENT.replace('AQKg', 'AQ+g'), LinkError.BadBase64],
    ['standard base64 (/)', KNOWN_FRAGMENT.replace('AQKg', 'AQ/g'), LinkError.BadBase64],
    [
      'an inner space',
      KNOWN_FRAGMENT.slice(0, 20) + ' ' + KNOWN_FRAGMENT.slice(20),
      LinkError.BadBase64,
    ],
    ['percent-encoding', KNOWN_FRAGMENT + '%20', LinkError.BadBase64],
    ['a cut link', KNOWN_FRAGMENT.slice(0, -1), LinkError.Truncated],
    ['a badly cut link', KNOWN_FRAGMENT.slice(0, 30), LinkError.Truncated],
    ['a scheme only', 'v1.', LinkError.Truncated],
    ['text pasted after it', KNOWN_FRAGMENT + 'merci', LinkError.TooLong],
    ['a typo', KNOWN_FRAGMENT.replace('AQKg', 'AQKh'), LinkError.ChecksumMismatch],
    ['a typo in the checksum', KNOWN_FRAGMENT.slice(0, -1) + 'C', LinkError.ChecksumMismatch],
    ['a payload version it does not know', fragmentOf(2, 1), LinkError.UnknownVersion],
    ['role 0', fragmentOf(1, 0), LinkError.BadRole],
    ['role 3', fragmentOf(1, 3), LinkError.BadRole],
  ])('rejects %s', (_name, fragment, error) => {
    expect(parseLinkFragment(fragment)).toEqual({ ok: false, error });
  });

  it('has a French and an English message for every error', () => {
    for (const error of Object.values(LinkError)) {
      expect(LINK_ERROR_MESSAGES[error].fr.length).toBeGreaterThan(10);
      expect(LINK_ERROR_MESSAGES[error].en.length).toBeGreaterThan(10);
    }
  });

  it('refuses to encode a malformed id, key, role or origin', () => {
    expect(() => encodeLinkFragment({ ...LINK, bilanId: 'short' })).toThrow(RangeError);
    expect(() => encodeLinkFragment({ ...LINK, key: KEY.subarray(1) })).toThrow(RangeError);
    expect(() => encodeLinkFragment({ ...LINK, role: 'admin' as 'counsellor' })).toThrow(
      RangeError,
    );
    expect(() => encodeLink('https://x.test/#old', LINK)).toThrow(RangeError);
  });

  it('fuzz: typos and cuts are always caught; nothing else throws or passes', () => {
    const random = seededRandom('link fuzz');
    const alphabet = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];
    const noise = [...alphabet, ...'#.=+/ %v1é\n'];
    const errors = Object.values(LinkError);
    for (let i = 0; i < 5_000; i++) {
      const link: BilanLink = {
        bilanId: encodeBase64url(random.bytes(16)),
        key: random.bytes(32),
        role: random.pick(['counsellor', 'beneficiary'] as const),
      };
      const fragment = encodeLinkFragment(link);
      expect(parseLinkFragment(fragment)).toEqual({ ok: true, value: link });
      switch (random.int(4)) {
        case 0: {
          // One mistyped character: CRC-32 catches every error burst of up to 32 bits.
          const at = 3 + random.int(fragment.length - 3);
          let typo = random.pick(alphabet);
          while (typo === fragment[at]) typo = random.pick(alphabet);
          const input = fragment.slice(0, at) + typo + fragment.slice(at + 1);
          expect(parseLinkFragment(input)).toEqual({
            ok: false,
            error: LinkError.ChecksumMismatch,
          });
          break;
        }
        case 1: {
          const cut = random.int(fragment.length);
          const expected =
            cut === 0 ? LinkError.Empty : cut < 3 ? LinkError.UnknownScheme : LinkError.Truncated;
          expect(parseLinkFragment(fragment.slice(0, cut))).toEqual({ ok: false, error: expected });
          break;
        }
        default: {
          // Noise spliced in, or a random string: any typed error, or (rarely) a valid link
          // that must then be the canonical spelling of what it carries.
          const input =
            random.int(2) === 0
              ? fragment.slice(0, random.int(fragment.length)) +
                random.pick(noise) +
                fragment.slice(random.int(fragment.length))
              : Array.from({ length: random.int(90) }, () => random.pick(noise)).join('');
          const parsed = parseLinkFragment(input);
          if (parsed.ok)
            expect(encodeLinkFragment(parsed.value)).toBe(input.trim().replace(/^#/, '').trim());
          else expect(errors).toContain(parsed.error);
        }
      }
    }
  });
});
