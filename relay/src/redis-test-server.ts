/**
 * Test and bench fixture: a throwaway `redis-server` on a free loopback port, nothing on
 * disk (`--save '' --appendonly no`, working directory in a temporary folder removed on
 * stop). `kill()` then `restart()` simulates a Redis crash and its return on the same port.
 * Never imported by the relay itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from './free-port.ts';

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** The running server's process id (changes on restart; undefined while killed). */
  readonly pid: number | undefined;
  /** SIGKILL, as in a crash; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts a fresh server on the same port (empty: nothing was persisted). */
  restart(): Promise<void>;
  /** One command on a short-lived connection, e.g. `command('PUBSUB', 'NUMSUB', channel)`. */
  command(name: string, ...args: (string | Buffer)[]): Promise<unknown>;
  /** Records every message published on channels matching `pattern` (PSUBSCRIBE) from now on. */
  capture(pattern: string): Promise<Capture>;
  /** Lines of the server's log matching `pattern` since it (re)started, e.g. clients it dropped. */
  logLines(pattern: RegExp): string[];
  /** Kills the server and removes its directory. */
  stop(): Promise<void>;
}

export interface Capture {
  readonly messages: string[];
  stop(): void;
}

const START_TIMEOUT_MS = 10_000;

export interface TestRedisOptions {
  /** More `redis-server` arguments, e.g. `['--client-output-buffer-limit', 'pubsub 0 0 0']`. */
  readonly args?: readonly string[];
}

/** The server's log lines are kept (a test server logs a few dozen), at most this many. */
const MAX_LOG_LINES = 10_000;

const spawnServer = (
  port: number,
  dir: string,
  args: readonly string[],
  log: string[],
): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    log.length = 0;
    const child = spawn(
      'redis-server',
      [
        ...['--port', String(port), '--bind', '127.0.0.1', '--dir', dir],
        ...['--save', '', '--appendonly', 'no', '--daemonize', 'no'],
        ...args,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        error.code === 'ENOENT'
          ? new Error(
              'redis-server is not installed: run `node scripts/ensure-test-deps.mjs` ' +
                '(or apt-get install redis-server)',
            )
          : error,
      );
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`));
    });
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Ready to accept connections')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        let partial = '';
        child.stdout?.on('data', (more: Buffer) => {
          const lines = (partial + more.toString('utf8')).split('\n');
          partial = lines.pop() ?? '';
          log.push(...lines.slice(0, MAX_LOG_LINES - log.length));
        });
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  });

const killed = (child: ChildProcess): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });

export const startTestRedis = async (options: TestRedisOptions = {}): Promise<TestRedis> => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-redis-'));
  const port = await freePort();
  const args = options.args ?? [];
  const log: string[] = [];
  let child: ChildProcess | undefined = await spawnServer(port, dir, args, log);
  const url = `redis://127.0.0.1:${port}`;
  const killOnExit = () => child?.kill('SIGKILL');
  process.once('exit', killOnExit);

  const kill = async () => {
    if (child !== undefined) await killed(child);
    child = undefined;
  };

  return {
    url,
    port,
    get pid() {
      return child?.pid;
    },
    kill,
    async restart() {
      await kill();
      child = await spawnServer(port, dir, args, log);
    },
    async command(name, ...args) {
      const connection = new Redis(url, {
        lazyConnect: true,
        maxRetriesPerRequest: 0,
        retryStrategy: () => null,
      });
      connection.on('error', () => {}); // the rejected command says it
      try {
        await connection.connect();
        return await connection.call(name, ...args);
      } finally {
        connection.disconnect();
      }
    },
    async capture(pattern) {
      const connection = new Redis(url, { lazyConnect: true, retryStrategy: () => null });
      const messages: string[] = [];
      connection.on('pmessage', (_pattern: string, _channel: string, message: string) => {
        messages.push(message);
      });
      connection.on('error', () => {});
      await connection.connect();
      await connection.psubscribe(pattern);
      return { messages, stop: () => connection.disconnect() };
    },
    logLines(pattern) {
      return log.filter((line) => pattern.test(line));
    },
    async stop() {
      await kill();
      process.off('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
