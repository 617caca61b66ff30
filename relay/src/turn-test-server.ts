/**
 * Test fixture: a throwaway coturn (`turnserver`) on a free loopback port, checking
 * credentials with a shared secret (`use-auth-secret`), its user database in a temporary
 * folder removed on stop; and `allocate`, which asks it for a relay allocation with
 * coturn's own client (`turnutils_uclient`). Never imported by the relay itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port.ts';

export interface TestTurn {
  readonly port: number;
  /** Whether coturn grants an allocation to `username` / `credential` (over UDP). */
  allocate(username: string, credential: string): Promise<boolean>;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
const ALLOCATE_TIMEOUT_MS = 20_000;
const NOT_INSTALLED =
  'coturn is not installed: run `node scripts/ensure-test-deps.mjs` (or apt-get install coturn)';

const spawnFailed = (error: NodeJS.ErrnoException): Error =>
  error.code === 'ENOENT' ? new Error(NOT_INSTALLED) : error;

const startServer = (port: number, dir: string, secret: string): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(
      'turnserver',
      [
        ...['-n', '--listening-ip=127.0.0.1', `--listening-port=${port}`],
        ...['--relay-ip=127.0.0.1', '--allow-loopback-peers', '--realm=tandem.test'],
        ...['--use-auth-secret', `--static-auth-secret=${secret}`],
        ...['--no-tls', '--no-dtls', '--no-cli', `--db=${join(dir, 'turndb')}`],
        ...['--log-file=stdout', '--simple-log'],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`turnserver did not start within ${START_TIMEOUT_MS} ms:\n${output}`));
    }, START_TIMEOUT_MS);
    child.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(spawnFailed(error));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`turnserver exited (${code}) before it was ready:\n${output}`));
    });
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (output.includes('Total General servers')) {
        clearTimeout(timer);
        child.stdout?.off('data', onData);
        // Keep draining its log, or coturn blocks on a full pipe.
        child.stdout?.resume();
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  });

export const startTestTurn = async (secret: string): Promise<TestTurn> => {
  const dir = mkdtempSync(join(tmpdir(), 'tandem-turn-'));
  const port = await freePort();
  const child = await startServer(port, dir, secret);
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    port,
    allocate: (username, credential) =>
      new Promise((resolve, reject) => {
        // -y: two clients relaying to each other through their allocations; one message each.
        const client = spawn(
          'turnutils_uclient',
          ['-y', '-u', username, '-w', credential, '-p', String(port)].concat([
            '-n',
            '1',
            '-m',
            '1',
            '-l',
            '100',
            '127.0.0.1',
          ]),
          { stdio: 'ignore', timeout: ALLOCATE_TIMEOUT_MS },
        );
        client.once('error', (error: NodeJS.ErrnoException) => reject(spawnFailed(error)));
        client.once('exit', (code) => resolve(code === 0));
      }),
    async stop() {
      process.off('exit', killOnExit);
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGKILL');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
};
