import { decodeBase64url, encodeBase64url } from '@tandem/protocol';
import type { BilanMeta, DeviceRole, Role } from '@tandem/workspace';

/** Caret and presence colours (white text on each: ≥ 6:1). */
export const PARTY_COLORS: Readonly<Record<Role | 'unknown', string>> = {
  counsellor: '#1d4ed8',
  beneficiary: '#9d174d',
  unknown: '#4a5261',
};

/**
 * What each device announces in its awareness state under `user`. Awareness is not
 * authenticated: this drives presence and the unknown-device alert, never a decision.
 */
export interface PresenceUser {
  readonly name: string;
  readonly color: string;
  /** The role the device believes it has. */
  readonly role: Role;
  /** The device's Ed25519 public key, base64url. */
  readonly deviceKey: string;
}

export interface Peer {
  readonly clientId: number;
  readonly name: string;
  readonly color: string;
  readonly claimedRole: Role;
  readonly deviceKey: Uint8Array;
  /** What the pinned keys in the document say the device is. */
  readonly pinnedRole: DeviceRole;
}

const MAX_PRESENCE_NAME_CHARS = 120;

export function presenceUser(name: string, role: Role, deviceKey: Uint8Array): PresenceUser {
  return { name, color: PARTY_COLORS[role], role, deviceKey: encodeBase64url(deviceKey) };
}

/** Parses one awareness state; anything malformed is ignored (a peer without presence). */
export function parsePresence(state: unknown): Omit<Peer, 'clientId' | 'pinnedRole'> | null {
  if (typeof state !== 'object' || state === null) return null;
  const user = (state as { user?: unknown }).user;
  if (typeof user !== 'object' || user === null) return null;
  const { name, color, role, deviceKey } = user as Record<string, unknown>;
  if (typeof name !== 'string' || typeof deviceKey !== 'string') return null;
  if (role !== 'counsellor' && role !== 'beneficiary') return null;
  const key = decodeBase64url(deviceKey);
  if (!key || key.length !== 32) return null;
  return {
    name: name.trim().slice(0, MAX_PRESENCE_NAME_CHARS),
    color:
      typeof color === 'string' && /^#[0-9a-f]{6}$/i.test(color) ? color : PARTY_COLORS.unknown,
    claimedRole: role,
    deviceKey: key,
  };
}

/**
 * The other devices present on the bilan, classified against the pinned keys
 * (`classify` is @tandem/workspace's `classifyDevice` bound to the document).
 */
export function peersFrom(
  states: ReadonlyMap<number, unknown>,
  selfClientId: number,
  classify: (publicKey: Uint8Array) => DeviceRole,
): Peer[] {
  const peers: Peer[] = [];
  for (const [clientId, state] of states) {
    if (clientId === selfClientId) continue;
    const presence = parsePresence(state);
    if (!presence) continue;
    peers.push({ ...presence, clientId, pinnedRole: classify(presence.deviceKey) });
  }
  return peers.sort((a, b) => a.clientId - b.clientId);
}

/**
 * Devices to warn about: present, but neither pinned party. While no beneficiary is
 * pinned yet, a device announcing itself as the beneficiary is the invitee on the join
 * screen, not an intruder.
 */
export function unknownDevices(peers: readonly Peer[], meta: BilanMeta): Peer[] {
  return peers.filter(
    (peer) =>
      peer.pinnedRole === 'unknown' &&
      !(meta.beneficiary === null && peer.claimedRole === 'beneficiary'),
  );
}
