/** The relay's configuration, and the relay as a process: startup line, errors, shutdown. */
import { CloseCode } from '@tandem/protocol';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readRelayConfig } from './config.ts';
import { DEFAULT_LIMITS, RelayConfigError } from './limits.ts';
import { openClient, signalUrl } from './test-clients.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
/** Starting Node with the TypeScript loader can take seconds on a busy machine. */
const PROCESS_TEST_TIMEOUT_MS = 60_000;

const startMain = (env: Record<string, string>) => {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { child, exited, output: () => ({ stdout, stderr }) };
};

describe('readRelayConfig', () => {
  it('defaults to 127.0.0.1:8787, no ICE servers, default limits', () => {
    expect(readRelayConfig({})).toEqual({
      port: 8787,
      host: '127.0.0.1',
      limits: DEFAULT_LIMITS,
      iceServers: [],
    });
  });

  it('reads PORT, HOST, STATIC_DIR, ICE_SERVERS and limits', () => {
    expect(
      readRelayConfig({
        PORT: '0',
        HOST: '0.0.0.0',
        STATIC_DIR: '/srv/client',
        ICE_SERVERS: '[{"urls":"stun:stun.example.org"}]',
        TURN_SECRET: 'a'.repeat(32),
        TURN_URLS: 'turn:turn.example.org',
        RELAY_MAX_TOPICS_PER_SOCKET: '8',
      }),
    ).toEqual({
      port: 0,
      host: '0.0.0.0',
      staticDir: '/srv/client',
      iceServers: [{ urls: 'stun:stun.example.org' }],
      turn: { secret: 'a'.repeat(32), urls: ['turn:turn.example.org'], ttlSeconds: 86_400 },
      limits: { ...DEFAULT_LIMITS, MAX_TOPICS_PER_SOCKET: 8 },
    });
  });

  it.each([
    [{ ICE_SERVERS: '[{"urls":' }, /ICE_SERVERS is not valid JSON/],
    [{ ICE_SERVERS: '[{"urls":"http://x"}]' }, /ICE_SERVERS\[0\]\.urls/],
    [{ RELAY_MAX_FRAME_BYTES: 'lots' }, /RELAY_MAX_FRAME_BYTES must be a positive integer/],
    [{ PORT: '70000' }, /PORT must be an integer/],
    [{ PORT: '80a' }, /PORT must be an integer/],
    [{ TURN_URLS: 'turn:turn.example.org' }, /TURN_URLS is set but TURN_SECRET is not/],
  ])('rejects %j with a message naming the setting', (env, message) => {
    expect(() => readRelayConfig(env)).toThrow(RelayConfigError);
    expect(() => readRelayConfig(env)).toThrow(message);
  });
});

describe.concurrent('relay main process', () => {
  it(
    'exits with one readable line on bad configuration',
    async () => {
      const relay = startMain({ ICE_SERVERS: '[{"urls":' });
      expect(await relay.exited).toBe(1);
      const { stdout, stderr } = relay.output();
      expect(stderr).toMatch(/^relay: cannot start: ICE_SERVERS is not valid JSON/);
      expect(stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
      expect(stdout).toBe('');
    },
    PROCESS_TEST_TIMEOUT_MS,
  );

  it(
    'logs one line with its URL, then closes sockets with GoingAway on SIGTERM',
    async () => {
      const relay = startMain({});
      try {
        const url = await new Promise<string>((resolve, reject) => {
          relay.child.stdout.on('data', () => {
            const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(relay.output().stdout);
            if (match?.[1]) resolve(match[1]);
          });
          relay.child.once('exit', () => reject(new Error(relay.output().stderr)));
        });
        expect(relay.output().stdout.trim().split('\n')).toHaveLength(1);
        const client = await openClient(signalUrl(url));
        client.send({ type: 'publish', topic: 'secret-topic', data: 'PAYLOAD-MARKER' });
        relay.child.kill('SIGTERM');
        expect(await client.closed).toMatchObject({ code: CloseCode.GoingAway });
        expect(await relay.exited).toBe(0);
        const { stdout, stderr } = relay.output();
        expect(stdout + stderr).not.toContain('PAYLOAD-MARKER');
        expect(stdout + stderr).not.toContain('secret-topic');
      } finally {
        relay.child.kill('SIGKILL');
      }
    },
    PROCESS_TEST_TIMEOUT_MS,
  );
});
