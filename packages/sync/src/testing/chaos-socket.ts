import * as prng from 'lib0/prng';
import WebSocket from 'ws';
import type { WebSocketFactory, WebSocketLike } from '../relay-socket.ts';

/**
 * A faulty network between a session and the real relay, for tests: every frame is
 * delayed by a random amount (so frames of different connections overtake each other,
 * while each connection stays in order, as TCP does), some are delivered twice, some
 * (`reorderRate`) may overtake earlier frames of their own connection (as a relay that
 * reorders, or two paths racing, would deliver them), and `cut()` kills connections
 * abruptly, losing whatever was in flight.
 * All randomness comes from one seeded generator so a failing run replays.
 */
export class ChaosNetwork {
  private readonly sockets = new Set<ChaosSocket>();
  calm = false;
  /** Connections opened and cut so far (a test asserts the chaos really happened). */
  opened = 0;
  cuts = 0;

  constructor(
    readonly random: prng.PRNG,
    readonly maxDelayMs = 15,
    readonly duplicateRate = 0.05,
    readonly reorderRate = 0,
  ) {}

  factory(): WebSocketFactory {
    return (url) => {
      const socket = new ChaosSocket(url, this);
      this.opened++;
      this.sockets.add(socket);
      return socket;
    };
  }

  /** Kills one random open connection, dropping its in-flight frames. */
  cutOne(): void {
    const open = [...this.sockets].filter((s) => s.readyState === 1);
    if (open.length === 0) return;
    prng.oneOf(this.random, open).cut();
    this.cuts++;
  }

  delay(): number {
    return this.calm ? 0 : prng.uint32(this.random, 0, this.maxDelayMs);
  }

  duplicate(): boolean {
    return !this.calm && prng.real53(this.random) < this.duplicateRate;
  }

  reorder(): boolean {
    return !this.calm && prng.real53(this.random) < this.reorderRate;
  }

  forget(socket: ChaosSocket): void {
    this.sockets.delete(socket);
  }
}

class ChaosSocket implements WebSocketLike {
  private readonly inner: WebSocket;
  private generation = 0;
  private lastSendAt = 0;
  private lastReceiveAt = 0;
  onopen: ((event: unknown) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;

  constructor(
    url: string,
    private readonly network: ChaosNetwork,
  ) {
    this.inner = new WebSocket(url);
    this.inner.on('open', () => this.onopen?.({}));
    this.inner.on('error', () => this.onerror?.({}));
    this.inner.on('close', (code) => {
      this.generation++;
      this.network.forget(this);
      this.onclose?.({ code });
    });
    this.inner.on('message', (data) => {
      const text = data.toString();
      this.lastReceiveAt = this.later(this.lastReceiveAt, () => this.onmessage?.({ data: text }));
    });
  }

  get readyState(): number {
    return this.inner.readyState;
  }

  send(data: string): void {
    this.lastSendAt = this.later(this.lastSendAt, () => {
      if (this.inner.readyState === 1) this.inner.send(data);
    });
  }

  close(code?: number, reason?: string): void {
    this.inner.close(code, reason);
  }

  cut(): void {
    this.generation++;
    this.inner.terminate();
  }

  /**
   * Runs `deliver` after a random delay but never before the previous frame in the same
   * direction (timers of equal deadline fire in order) unless this frame is one to
   * reorder, maybe twice; frames of a cut connection are lost. Returns the new deadline
   * of that direction.
   */
  private later(previousAt: number, deliver: () => void): number {
    const generation = this.generation;
    const delayed = Date.now() + this.network.delay();
    const at = this.network.reorder() ? delayed : Math.max(previousAt, delayed);
    const times = this.network.duplicate() ? 2 : 1;
    for (let i = 0; i < times; i++) {
      setTimeout(() => {
        if (generation === this.generation) deliver();
      }, at - Date.now());
    }
    return Math.max(previousAt, at);
  }
}
