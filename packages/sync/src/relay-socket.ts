import { reconnectDelayMs } from './backoff.ts';
import { MAX_RELAY_DATA_CHARS } from './constants.ts';

/** The part of the WebSocket API we use, so Node tests can pass the `ws` package. */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onclose: ((event: { code: number }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
}

export type WebSocketFactory = (url: string) => WebSocketLike;

export const browserWebSocket: WebSocketFactory = (url) =>
  new WebSocket(url) as unknown as WebSocketLike;

const OPEN = 1;

export interface RelaySocketEvents {
  /** A publish on our topic: its base64 data and the relay's subscriber count, if given. */
  onPublish(data: string, clients: number | null): void;
  /** The socket opened (subscribed) or closed; failedAttempts counts misses since the last open. */
  onState(open: boolean, failedAttempts: number): void;
  /** A frame from the relay that does not parse: counted, never used. */
  onMalformed(): void;
}

/**
 * One WebSocket to the relay's /signal endpoint, subscribed to one topic, speaking the
 * y-webrtc signaling protocol. Reconnects with jittered backoff until closed.
 */
export class RelaySocket {
  private socket: WebSocketLike | null = null;
  private failedAttempts = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly topic: string,
    private readonly events: RelaySocketEvents,
    private readonly createSocket: WebSocketFactory = browserWebSocket,
  ) {
    this.connect();
  }

  get isOpen(): boolean {
    return this.socket !== null && this.socket.readyState === OPEN;
  }

  /** Publishes base64 data on the topic; false when the socket is not open (nothing is queued). */
  publish(data: string): boolean {
    if (!this.isOpen || !this.socket) return false;
    this.socket.send(JSON.stringify({ type: 'publish', topic: this.topic, data }));
    return true;
  }

  /** Drops the current socket and reconnects now (e.g. when the browser comes back online). */
  reconnectNow(): void {
    if (this.closed || this.isOpen) return;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.detach();
    this.connect();
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.detach();
    if (socket && socket.readyState <= OPEN) {
      if (socket.readyState === OPEN) {
        socket.send(JSON.stringify({ type: 'unsubscribe', topics: [this.topic] }));
      }
      socket.close(1000, 'closed');
    }
  }

  private connect(): void {
    let socket: WebSocketLike;
    try {
      socket = this.createSocket(this.url);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onopen = () => {
      this.failedAttempts = 0;
      socket.send(JSON.stringify({ type: 'subscribe', topics: [this.topic] }));
      this.events.onState(true, 0);
    };
    socket.onmessage = (event) => this.receive(event.data);
    socket.onerror = () => {
      // A close event always follows; reconnecting happens there.
    };
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.detach();
      this.failedAttempts++;
      this.events.onState(false, this.failedAttempts);
      this.scheduleReconnect();
    };
  }

  private receive(raw: unknown): void {
    if (typeof raw !== 'string' || raw.length > MAX_RELAY_DATA_CHARS + 512) {
      this.events.onMalformed();
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(raw);
    } catch {
      this.events.onMalformed();
      return;
    }
    if (typeof message !== 'object' || message === null) {
      this.events.onMalformed();
      return;
    }
    const { type, topic, data, clients } = message as Record<string, unknown>;
    if (type === 'pong') return;
    if (type !== 'publish' || topic !== this.topic) return;
    if (typeof data !== 'string' || data.length > MAX_RELAY_DATA_CHARS) {
      this.events.onMalformed();
      return;
    }
    const count =
      typeof clients === 'number' && Number.isInteger(clients) && clients >= 0 ? clients : null;
    this.events.onPublish(data, count);
  }

  private detach(): void {
    const socket = this.socket;
    if (!socket) return;
    socket.onopen = null;
    socket.onmessage = null;
    socket.onerror = null;
    socket.onclose = null;
    this.socket = null;
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      if (!this.closed) this.connect();
    }, reconnectDelayMs(this.failedAttempts));
  }
}
