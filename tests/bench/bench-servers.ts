/**
 * Processes for the sync benchmarks, each a child of the bench, so their work never
 * shares an event loop with the clients being timed:
 *   - our relay (`relay/src/main.ts`, the same entry point as `pnpm relay`);
 *   - the stock unencrypted y-websocket server (`@y/websocket-server`'s own bin);
 *   - a synthesis holder (`synthesis-holder.ts`): the peer that already has the document,
 *     as the other party's device would be.
 * Every child is killed when the bench process exits, even on an exception.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface BenchServer {
  /** http(s) origin for ours; ws:// origin for y-websocket. */
  readonly url: string;
  readonly pid: number;
  close(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RELAY_MAIN = join(REPO_ROOT, 'relay/src/main.ts');
const HOLDER_MAIN = fileURLToPath(new URL('./synthesis-holder.ts', import.meta.url));
const START_TIMEOUT_MS = 20_000;
const STOP_GRACE_MS = 3_000;

const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * Waits for the child's stdout to match `ready`; returns the match. `input` is written to
 * its stdin (how secrets such as a bilan key reach it: not argv, not the environment).
 */
function startChild(
  name: string,
  args: readonly string[],
  env: Record<string, string>,
  ready: RegExp,
  input?: string,
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
  // The stock server persists to disk when this is set; the bench keeps it in memory.
  delete childEnv['YPERSISTENCE'];
  const child = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: childEnv,
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) child.stdin?.end(input);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = output.match(ready);
      if (match) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        // Keep draining so a chatty child never blocks on a full pipe.
        child.stdout?.resume();
        resolve({ child, match });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it was ready:\n${output}`));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Our relay on a free loopback port; `staticDir` serves a built client. */
export async function spawnTandemRelay(staticDir?: string): Promise<BenchServer> {
  const { child, match } = await startChild(
    'tandem relay',
    ['--import', 'tsx', RELAY_MAIN],
    { PORT: '0', HOST: '127.0.0.1', ...(staticDir ? { STATIC_DIR: staticDir } : {}) },
    /listening on (http:\/\/127\.0\.0\.1:\d+)/,
  );
  return { url: match[1]!, pid: child.pid!, close: () => stopChild(child) };
}

/** A free loopback port (the stock y-websocket server cannot report one it picked). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** The stock `@y/websocket-server` bin, unencrypted, in memory (no YPERSISTENCE). */
export async function spawnYWebsocketServer(): Promise<BenchServer> {
  const require = createRequire(import.meta.url);
  const serverJs = join(
    dirname(require.resolve('@y/websocket-server/package.json')),
    'src/server.js',
  );
  const port = await freePort();
  const { child } = await startChild(
    'y-websocket server',
    [serverJs],
    { PORT: String(port), HOST: '127.0.0.1' },
    /running at/,
  );
  return { url: `ws://127.0.0.1:${port}`, pid: child.pid!, close: () => stopChild(child) };
}

export interface HolderConfig {
  readonly kind: 'ours' | 'y-websocket';
  /** Relay origin (ours) or ws:// server origin (y-websocket). */
  readonly url: string;
  /** Base64 bilan key (ours) or room name (y-websocket). */
  readonly room: string;
}

export interface RunningHolder {
  readonly pid: number;
  readonly words: number;
  /** Size of the holder's full-state update (Y.encodeStateAsUpdate). */
  readonly updateBytes: number;
  close(): Promise<void>;
}

/** A peer in its own process holding the 10,000-word synthesis, connected and idle. */
export async function spawnSynthesisHolder(config: HolderConfig): Promise<RunningHolder> {
  const { child, match } = await startChild(
    `synthesis holder (${config.kind})`,
    ['--import', 'tsx', HOLDER_MAIN],
    {},
    /holding (\d+) words, (\d+) bytes/,
    JSON.stringify(config),
  );
  return {
    pid: child.pid!,
    words: Number(match[1]),
    updateBytes: Number(match[2]),
    close: () => stopChild(child),
  };
}
