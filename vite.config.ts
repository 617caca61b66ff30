import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// One config for the client build and every unit test in the workspace.
// Yjs (and the libraries built on it) must exist once in the bundle: two copies
// break sync silently, so they are deduped here.
export default defineConfig({
  root: 'client',
  plugins: [svelte()],
  resolve: {
    dedupe: [
      'yjs',
      'y-protocols',
      'lib0',
      '@tiptap/pm',
      '@tiptap/core',
      'prosemirror-model',
      'prosemirror-state',
      'prosemirror-view',
    ],
  },
  build: {
    outDir: '../dist/client',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
  server: { host: '127.0.0.1', port: 5173 },
  test: {
    root: '.',
    include: [
      'packages/*/src/**/*.test.ts',
      'relay/src/**/*.test.ts',
      'client/src/**/*.test.ts',
      'tests/integration/**/*.test.ts',
    ],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
