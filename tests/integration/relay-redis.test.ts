/**
 * Tandem's sealed relay path across two relay processes (`relay/src/main.ts` with
 * REDIS_URL, as deployed) sharing topics through a real redis-server, which is killed and
 * restarted under them while both sides keep editing.
 */
import { createBilanKey, ready } from '@tandem/crypto';
import { startTestRedis, type TestRedis } from '@tandem/relay/testing';
import { openSession, type OpenedSession, type WebSocketFactory } from '@tandem/sync';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const RELAY_MAIN = fileURLToPath(new URL('../../relay/src/main.ts', import.meta.url));
const MARKER = 'MARQUEUR-REDIS-91c2 projet maraîchage';
const SYNC_TIMEOUT_MS = 20_000;
/**
 * Below the sync layer's 15 s presence timeout, after which peers would rediscover each
 * other by themselves: recovery must come from the relays asking their sockets to resync.
 */
const RECOVERY_TIMEOUT_MS = 10_000;

const nodeSocket: WebSocketFactory = (url) =>
  new WebSocket(url) as unknown as ReturnType<WebSocketFactory>;

async function until(check: () => boolean, what: string, timeoutMs = SYNC_TIMEOUT_MS) {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

interface RelayProcess {
  readonly url: string;
  readonly child: ChildProcess;
  output(): string;
}

/** One relay process on a free port; resolves once it listens and Redis is up. */
const startRelayProcess = (redisUrl: string): Promise<RelayProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', RELAY_MAIN], {
      env: { ...process.env, HOST: '127.0.0.1', PORT: '0', REDIS_URL: redisUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      if (url !== undefined && output.includes('relay: redis up')) {
        resolve({ url, child, output: () => output });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => reject(new Error(`relay exited (${code}):\n${output}`)));
  });

const stopRelayProcess = (relay: RelayProcess): Promise<void> =>
  new Promise((resolve) => {
    if (relay.child.exitCode !== null || relay.child.signalCode !== null) return resolve();
    relay.child.once('exit', () => resolve());
    relay.child.kill('SIGTERM');
  });

describe('sealed relay path across two relay processes sharing Redis', () => {
  let redis: TestRedis;
  let relays: RelayProcess[] = [];
  const sessions: OpenedSession[] = [];

  beforeAll(async () => {
    await ready();
    redis = await startTestRedis();
  });

  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((session) => session.close()));
    await Promise.all(relays.map(stopRelayProcess));
    relays = [];
  });

  afterAll(async () => {
    await redis?.stop();
  });

  const open = async (key: ReturnType<typeof createBilanKey>, relayUrl: string) => {
    const session = await openSession({
      bilanId: 'AAAAAAAAAAAAAAAAAAAAAA',
      key,
      relayUrl,
      createSocket: nodeSocket,
      localCopy: false,
      p2p: false,
    });
    sessions.push(session);
    return session;
  };

  const text = (session: OpenedSession) => session.doc.getText('synthesis').toString();

  it('converges, carries only ciphertext through Redis, and survives a Redis restart', async () => {
    relays = await Promise.all([startRelayProcess(redis.url), startRelayProcess(redis.url)]);
    const [one, two] = relays;
    if (one === undefined || two === undefined) throw new Error('relays not started');
    const tap = await redis.capture('tandem:topic:*');
    const key = createBilanKey();
    const a = await open(key, one.url);
    const b = await open(key, two.url);
    await until(() => a.status().peerOnline && b.status().peerOnline, 'both peers online');
    expect(a.status().connection).toBe('relay');

    a.doc.getText('synthesis').insert(0, MARKER);
    await until(() => text(b) === MARKER, 'b to receive a through the other relay');
    b.doc.getText('synthesis').insert(MARKER.length, ' / B');
    await until(() => text(a) === `${MARKER} / B`, 'a to receive b');
    tap.stop();
    expect(tap.messages.length).toBeGreaterThan(0);
    expect(tap.messages.filter((m) => m.includes('maraîchage') || m.includes('MARQUEUR'))).toEqual(
      [],
    );

    // Redis crashes; both keep editing (each relay only reaches its own sockets meanwhile).
    await redis.kill();
    await until(
      () => one.output().includes('redis down') && two.output().includes('redis down'),
      'both relays to notice',
    );
    a.doc.getText('synthesis').insert(0, 'pendant-A ');
    b.doc.getText('synthesis').insert(text(b).length, ' pendant-B');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(text(b)).not.toContain('pendant-A');

    await redis.restart();
    // Edits made meanwhile arrive once Redis is back (the relays make both sides resync),
    // and so do edits that build on them.
    await until(
      () => text(a) === text(b) && text(a).includes('pendant-A') && text(a).includes('pendant-B'),
      'convergence after the Redis restart',
      RECOVERY_TIMEOUT_MS,
    );
    a.doc.getText('synthesis').insert(text(a).length, ' après');
    await until(() => text(b).endsWith(' après'), 'an edit after the restart');
    expect(text(b)).toBe(`pendant-A ${MARKER} / B pendant-B après`);
    expect(a.status().rejectedMessages).toBe(0);
    expect(b.status().rejectedMessages).toBe(0);
    expect(await redis.command('DBSIZE')).toBe(0);
  }, 60_000);
});
