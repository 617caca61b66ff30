#!/usr/bin/env node
/**
 * `pnpm start`: builds the client if its build is missing or older than its sources, then
 * runs the relay serving it on http://127.0.0.1:8787 (PORT and HOST override). Signals are
 * forwarded so the relay can close its sockets cleanly.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const builtIndex = join(root, 'dist', 'client', 'index.html');
const clientIndex = join(root, 'client', 'index.html');

/** Everything the client bundle is built from. */
const BUILD_INPUTS = [
  'client',
  'packages',
  'vite.config.ts',
  'svelte.config.js',
  'tsconfig.base.json',
  'package.json',
  'pnpm-lock.yaml',
];
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.tsbuild', 'dist']);

/** Newest modification time under `path`, in ms (0 if it does not exist). */
const newestMtimeMs = (path) => {
  let stats;
  try {
    stats = statSync(path);
  } catch {
    return 0;
  }
  if (!stats.isDirectory()) return stats.mtimeMs;
  let newest = stats.mtimeMs;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.isDirectory() && SKIPPED_DIRECTORIES.has(entry.name)) continue;
    newest = Math.max(newest, newestMtimeMs(join(path, entry.name)));
  }
  return newest;
};

const buildIsStale = () => {
  if (!existsSync(builtIndex)) return true;
  const builtAt = statSync(builtIndex).mtimeMs;
  return BUILD_INPUTS.some((input) => newestMtimeMs(join(root, input)) > builtAt);
};

/** Runs `pnpm build` with the pnpm that runs us, or pnpm 9 through npx when run directly. */
const runBuild = () =>
  new Promise((resolve) => {
    const pnpm = process.env.npm_execpath;
    const [command, args] =
      pnpm && /pnpm/.test(pnpm)
        ? [process.execPath, [pnpm, 'build']]
        : ['npx', ['-y', 'pnpm@9', 'build']];
    const build = spawn(command, args, { cwd: root, stdio: 'inherit' });
    build.on('error', () => resolve(false));
    build.on('exit', (code) => resolve(code === 0));
  });

if (!existsSync(clientIndex)) {
  console.warn('start: client/index.html is missing; serving whatever dist/client holds.');
} else if (buildIsStale()) {
  console.info('start: building the client (pnpm build)…');
  if (!(await runBuild())) {
    console.warn(
      existsSync(builtIndex)
        ? 'start: the build failed; serving the previous build in dist/client.'
        : 'start: the build failed and there is no previous build; serving the API only.',
    );
  }
}

// The relay runs in its own process group so a terminal's Ctrl-C reaches it once, through us.
const relay = spawn(process.execPath, ['--import', 'tsx', join('relay', 'src', 'main.ts')], {
  cwd: root,
  stdio: 'inherit',
  detached: true,
});

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (relay.exitCode === null) relay.kill(signal);
  });
}
process.on('exit', () => {
  if (relay.exitCode === null && relay.signalCode === null) relay.kill('SIGKILL');
});
relay.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
