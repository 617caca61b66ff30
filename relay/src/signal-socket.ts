/**
 * Thin ws adapter: turns WebSocket upgrades on `/signal` into router connections. Frame
 * size is enforced by ws itself (maxPayload), so an oversize frame is never buffered whole.
 */
import { CloseCode } from '@tandem/protocol';
import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { SIGNAL_PATH } from './app.ts';
import { SHUTDOWN_GRACE_MS, type RelayLimits } from './limits.ts';
import { idleSweepIntervalMs, type OutboundFrame, type Router, type Socket } from './router.ts';

/** RFC 6455 "Message Too Big", which ws sends by itself when maxPayload is exceeded. */
const WS_MESSAGE_TOO_BIG = 1009;

/** Reports ws's own oversize close with the relay's defined code. */
class RelayWebSocket extends WebSocket {
  override close(code?: number, data?: string | Buffer): void {
    super.close(code === WS_MESSAGE_TOO_BIG ? CloseCode.FrameTooLarge : code, data);
  }
}

/**
 * Frames sent to one socket during a tick go out in one write: the first send corks the
 * socket, and all corked sockets are uncorked together once the tick's frames are queued.
 * A publisher's burst then costs each subscriber one syscall, not one per frame.
 */
class WriteBatch {
  readonly #corked: WsSocket[] = [];
  #flushScheduled = false;

  add(socket: WsSocket): void {
    this.#corked.push(socket);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      process.nextTick(this.#flush);
    }
  }

  readonly #flush = (): void => {
    this.#flushScheduled = false;
    for (const socket of this.#corked) socket.uncork();
    this.#corked.length = 0;
  };
}

class WsSocket implements Socket {
  #corked = false;

  constructor(
    readonly ws: RelayWebSocket,
    readonly stream: Duplex,
    readonly batch: WriteBatch,
  ) {}

  send(frame: OutboundFrame): void {
    if (!this.#corked) {
      this.#corked = true;
      this.stream.cork();
      this.batch.add(this);
    }
    this.ws.send(frame.utf8, { binary: false });
  }

  uncork(): void {
    this.#corked = false;
    this.stream.uncork();
  }

  close(code: CloseCode, reason: string): void {
    this.ws.close(code, reason);
  }

  pauseReading(paused: boolean): void {
    if (paused) this.ws.pause();
    else this.ws.resume();
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }
}

export interface SignalEndpoint {
  /** For the HTTP server's 'upgrade' event: accepts `/signal`, refuses anything else. */
  handleUpgrade(request: IncomingMessage, stream: Duplex, head: Buffer): void;
  /** Closes every socket with GoingAway, cutting those that do not answer in time. */
  close(): Promise<void>;
}

const refuseUpgrade = (stream: Duplex, status: string): void => {
  stream.on('error', () => {});
  stream.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () =>
    stream.destroy(),
  );
};

const closed = (ws: WebSocket): Promise<void> =>
  new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) resolve();
    else ws.once('close', () => resolve());
  });

/** Resolves when `promise` settles or after `ms`, whichever comes first. */
const withDeadline = async (promise: Promise<unknown>, ms: number): Promise<void> => {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([promise, deadline]);
  clearTimeout(timer);
};

export const createSignalEndpoint = (router: Router, limits: RelayLimits): SignalEndpoint => {
  const wss = new WebSocketServer({
    noServer: true,
    WebSocket: RelayWebSocket,
    maxPayload: limits.MAX_FRAME_BYTES,
    perMessageDeflate: false,
    // Checked below with isUtf8, so invalid text closes with the relay's BadFrame code.
    skipUTF8Validation: true,
  });
  const batch = new WriteBatch();
  let closing = false;
  const idleSweep = setInterval(() => router.closeIdle(), idleSweepIntervalMs(limits));
  idleSweep.unref();

  const accept = (ws: RelayWebSocket, stream: Duplex): void => {
    const connection = router.connect(new WsSocket(ws, stream, batch));
    ws.on('message', (data, isBinary) => {
      if (isBinary || !Buffer.isBuffer(data)) {
        router.close(connection, CloseCode.BadFrame, 'binary frames are not accepted');
      } else if (!isUtf8(data)) {
        router.close(connection, CloseCode.BadFrame, 'frame is not valid UTF-8');
      } else {
        router.receive(connection, data.toString('utf8'));
      }
    });
    ws.on('close', () => router.disconnect(connection));
    // ws closes the socket itself after an error (oversize, protocol violation); the close
    // event above does the bookkeeping. Errors are not logged: they can quote input.
    ws.on('error', () => {});
  };

  return {
    handleUpgrade(request, stream, head) {
      const path = (request.url ?? '').split('?', 1)[0];
      if (path !== SIGNAL_PATH) {
        refuseUpgrade(stream, '404 Not Found');
        return;
      }
      if (closing) {
        refuseUpgrade(stream, '503 Service Unavailable');
        return;
      }
      wss.handleUpgrade(request, stream, head, (ws) => accept(ws, stream));
    },

    async close() {
      closing = true;
      clearInterval(idleSweep);
      router.closeAll(CloseCode.GoingAway, 'relay shutting down');
      await withDeadline(Promise.all([...wss.clients].map(closed)), SHUTDOWN_GRACE_MS);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
};
