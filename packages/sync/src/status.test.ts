import { describe, expect, it } from 'vitest';
import { deriveConnection, deriveStatus, type PathFacts } from './status.ts';

const base: PathFacts = {
  networkUp: true,
  relaySocketOpen: false,
  relayFailedAttempts: 0,
  p2pConnections: 0,
  relayPeers: 0,
  lastSyncAt: null,
  rejectedMessages: 0,
  storage: 'ready',
  storageError: null,
};

describe('deriveConnection', () => {
  it('is connecting before the first contact with the relay', () => {
    expect(deriveConnection(base)).toBe('connecting');
  });
  it('is relay once the relay socket is open and no data channel is', () => {
    expect(deriveConnection({ ...base, relaySocketOpen: true })).toBe('relay');
  });
  it('is p2p as soon as a data channel is open, even without the relay', () => {
    expect(deriveConnection({ ...base, p2pConnections: 1 })).toBe('p2p');
    expect(deriveConnection({ ...base, p2pConnections: 1, networkUp: false })).toBe('p2p');
  });
  it('is offline when the browser has no network or the relay keeps failing', () => {
    expect(deriveConnection({ ...base, networkUp: false, relaySocketOpen: true })).toBe('offline');
    expect(deriveConnection({ ...base, relayFailedAttempts: 1 })).toBe('connecting');
    expect(deriveConnection({ ...base, relayFailedAttempts: 5 })).toBe('offline');
  });
});

describe('deriveStatus', () => {
  it('reports the other party online only through a live path', () => {
    expect(deriveStatus({ ...base, relayPeers: 1 }).peerOnline).toBe(false);
    expect(deriveStatus({ ...base, relayPeers: 1, relaySocketOpen: true }).peerOnline).toBe(true);
    expect(deriveStatus({ ...base, p2pConnections: 1 }).peerOnline).toBe(true);
  });
});
