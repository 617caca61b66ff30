// Installs what the test suite needs when it is missing: a Chromium for Playwright
// (Debian's package when we are root on Debian), Redis for the multi-relay tests,
// poppler-utils (pdftotext) for checking exported PDFs, and coturn for the TURN credentials.
// Does nothing when all are present.
import { execFileSync, spawnSync } from 'node:child_process';
import { hasChromium } from './find-chromium.mjs';

const onPath = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

const missing = [];
if (!hasChromium()) missing.push({ pkg: 'chromium', what: 'a Chromium browser' });
if (!onPath('redis-server')) missing.push({ pkg: 'redis-server', what: 'redis-server' });
if (!onPath('pdftotext')) missing.push({ pkg: 'poppler-utils', what: 'pdftotext' });
if (!onPath('turnserver') || !onPath('turnutils_uclient')) {
  missing.push({ pkg: 'coturn', what: 'coturn (turnserver, turnutils_uclient)' });
}

if (missing.length === 0) process.exit(0);

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
if (!isRoot || !onPath('apt-get')) {
  console.error(
    `Tests need ${missing.map((m) => m.what).join(', ')}. Install them (Debian: apt-get install ${missing
      .map((m) => m.pkg)
      .join(' ')}), or set TANDEM_CHROMIUM to a Chromium executable.`,
  );
  process.exit(1);
}

console.info(`Installing ${missing.map((m) => m.pkg).join(' ')} with apt-get…`);
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', ...missing.map((m) => m.pkg)], {
  stdio: 'inherit',
  env,
});
