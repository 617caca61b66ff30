/**
 * A test-only remote peer for y-webrtc in Node. Node has no WebRTC: `FakePeerConnection`
 * is just enough of RTCPeerConnection for simple-peer (inside stock y-webrtc) to build its
 * connections; negotiation never completes, but a test hands any message to a connection's
 * data channel, as the remote peer would send it. `announceAsPeer` makes a session's
 * y-webrtc open such a connection, the way a real peer does: a sealed "announce" on the
 * room's signaling topic of the relay.
 */
import * as encoding from 'lib0/encoding';
import WebSocket from 'ws';

export class FakeDataChannel {
  binaryType = 'blob';
  readyState = 'connecting';
  bufferedAmount = 0;
  bufferedAmountLowThreshold = 0;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onbufferedamountlow: (() => void) | null = null;
  /** What the session sent back over this channel. */
  readonly sent: Uint8Array[] = [];

  constructor(readonly label: string) {}

  send(data: Uint8Array): void {
    this.sent.push(new Uint8Array(data));
  }

  close(): void {
    this.readyState = 'closed';
  }

  /** Delivers `data` as the remote peer's message (an ArrayBuffer, as browsers do). */
  deliver(data: Uint8Array): void {
    this.onmessage?.({ data: data.slice().buffer });
  }
}

export class FakePeerConnection {
  /** Every data channel any FakePeerConnection created, oldest first. */
  static readonly channels: FakeDataChannel[] = [];
  oniceconnectionstatechange: (() => void) | null = null;
  onicegatheringstatechange: (() => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  onsignalingstatechange: (() => void) | null = null;
  onicecandidate: ((event: unknown) => void) | null = null;
  ondatachannel: ((event: unknown) => void) | null = null;
  ontrack: ((event: unknown) => void) | null = null;
  iceConnectionState = 'new';
  iceGatheringState = 'new';
  connectionState = 'new';
  signalingState = 'stable';

  createDataChannel(label: string): FakeDataChannel {
    const channel = new FakeDataChannel(label);
    FakePeerConnection.channels.push(channel);
    return channel;
  }

  /** Never settles: the connection stays in negotiation for the whole test. */
  createOffer(): Promise<never> {
    return new Promise(() => {});
  }

  close(): void {
    this.connectionState = 'closed';
  }
}

/** y-webrtc's room key: PBKDF2 (SHA-256, 100,000 rounds, the room name as salt) → AES-GCM. */
async function roomKey(password: string, room: string): Promise<CryptoKey> {
  const utf8 = new TextEncoder();
  const material = await crypto.subtle.importKey('raw', utf8.encode(password), 'PBKDF2', false, [
    'deriveKey',
  ]);
  return crypto.subtle.deriveKey(
    { name: 'PBKDF2', salt: utf8.encode(room), iterations: 100_000, hash: 'SHA-256' },
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt'],
  );
}

/** A signaling message sealed as y-webrtc seals them (lib0 `writeAny`, then AES-GCM). */
async function sealSignal(key: CryptoKey, data: unknown): Promise<string> {
  const plain = encoding.createEncoder();
  encoding.writeAny(plain, data as Parameters<typeof encoding.writeAny>[1]);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const cipher = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv },
    key,
    encoding.toUint8Array(plain),
  );
  const sealed = encoding.createEncoder();
  encoding.writeVarString(sealed, 'AES-GCM');
  encoding.writeVarUint8Array(sealed, iv);
  encoding.writeVarUint8Array(sealed, new Uint8Array(cipher));
  return Buffer.from(encoding.toUint8Array(sealed)).toString('base64');
}

/** Announces peer `from` in a y-webrtc room, which makes every device in it connect to it. */
export async function announceAsPeer(
  signalUrl: string,
  room: string,
  password: string,
  from: string,
): Promise<void> {
  const data = await sealSignal(await roomKey(password, room), { type: 'announce', from });
  const ws = new WebSocket(signalUrl);
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  await new Promise<void>((resolve, reject) =>
    ws.send(JSON.stringify({ type: 'publish', topic: room, data }), (error) =>
      error ? reject(error) : resolve(),
    ),
  );
  ws.close();
}
