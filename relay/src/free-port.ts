/**
 * Test and bench support: a TCP port on the loopback interface that was free a moment ago,
 * for servers that cannot be told to pick one themselves (redis-server, coturn, a stock
 * y-webrtc server). Never imported by the relay itself.
 */
import { createServer } from 'node:net';

export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address !== null
          ? resolve(address.port)
          : reject(new Error('no free port')),
      );
    });
  });
