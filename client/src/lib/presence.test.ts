import { describe, expect, it } from 'vitest';
import { bytesEqual } from '@tandem/protocol';
import type { BilanMeta, DeviceRole } from '@tandem/workspace';
import { parsePresence, peersFrom, presenceUser, unknownDevices } from './presence.ts';

const key = (byte: number) => new Uint8Array(32).fill(byte);
const COUNSELLOR = key(1);
const BENEFICIARY = key(2);
const STRANGER = key(3);

function classify(publicKey: Uint8Array, pinned: Uint8Array[]): DeviceRole {
  if (pinned[0] && bytesEqual(publicKey, pinned[0])) return 'counsellor';
  if (pinned[1] && bytesEqual(publicKey, pinned[1])) return 'beneficiary';
  return 'unknown';
}

function meta(beneficiaryPinned: boolean): BilanMeta {
  return {
    beneficiary: beneficiaryPinned ? { name: 'Bea', publicKey: BENEFICIARY } : null,
  } as unknown as BilanMeta;
}

describe('presence', () => {
  it('round-trips what a device announces', () => {
    const user = presenceUser('Camille', 'counsellor', COUNSELLOR);
    expect(parsePresence({ user })).toEqual({
      name: 'Camille',
      color: user.color,
      claimedRole: 'counsellor',
      deviceKey: COUNSELLOR,
    });
  });

  it('ignores malformed awareness states', () => {
    expect(parsePresence(null)).toBeNull();
    expect(parsePresence({ user: 'x' })).toBeNull();
    expect(parsePresence({ user: { name: 'x', role: 'admin', deviceKey: 'AAAA' } })).toBeNull();
    expect(
      parsePresence({ user: { name: 'x', role: 'beneficiary', deviceKey: 'AAAA' } }),
    ).toBeNull();
  });

  it('flags devices that are neither pinned party, except the invitee before joining', () => {
    const states = new Map<number, unknown>([
      [1, { user: presenceUser('Camille', 'counsellor', COUNSELLOR) }],
      [2, { user: presenceUser('Bea', 'beneficiary', BENEFICIARY) }],
      [3, { user: presenceUser('Eve', 'beneficiary', STRANGER) }],
      [4, { cursor: null }],
    ]);
    const before = peersFrom(states, 1, (k) => classify(k, [COUNSELLOR]));
    expect(before.map((p) => p.clientId)).toEqual([2, 3]);
    expect(unknownDevices(before, meta(false))).toEqual([]);

    const after = peersFrom(states, 1, (k) => classify(k, [COUNSELLOR, BENEFICIARY]));
    expect(after.map((p) => p.pinnedRole)).toEqual(['beneficiary', 'unknown']);
    expect(unknownDevices(after, meta(true)).map((p) => p.name)).toEqual(['Eve']);
  });
});
