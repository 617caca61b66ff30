import { describe, expect, it } from 'vitest';
import { intrudersFrom } from './intruders.ts';
import type { Peer } from './presence.ts';

const key = (byte: number) => new Uint8Array(32).fill(byte);
const fp = (publicKey: Uint8Array) => `fp${publicKey[0]}`;
const peer = (byte: number, name: string): Peer => ({
  clientId: byte,
  name,
  color: '#000000',
  claimedRole: 'beneficiary',
  deviceKey: key(byte),
  pinnedRole: 'unknown',
});

describe('unknown devices', () => {
  it('merge presence and authorship by device key', () => {
    const list = intrudersFrom(
      [peer(1, 'Invité'), peer(2, '')],
      [
        { publicKey: key(2), fingerprint: 'fp2', excluded: true },
        { publicKey: key(3), fingerprint: 'fp3', excluded: true },
      ],
      fp,
    );
    expect(list).toEqual([
      {
        fingerprint: 'fp1',
        publicKey: key(1),
        present: true,
        wrote: false,
        name: 'Invité',
        excluded: false,
      },
      // Excluded, yet present under the current key: shown as a live unknown device.
      {
        fingerprint: 'fp2',
        publicKey: key(2),
        present: true,
        wrote: true,
        name: null,
        excluded: false,
      },
      {
        fingerprint: 'fp3',
        publicKey: key(3),
        present: false,
        wrote: true,
        name: null,
        excluded: true,
      },
    ]);
  });

  it('is empty when every device is a party', () => {
    expect(intrudersFrom([], [], fp)).toEqual([]);
  });
});
