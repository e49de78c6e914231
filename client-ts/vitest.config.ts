import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Examples import the package by name; in tests that is the source.
    alias: { 'pgflow-ts': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests run the built dist/cli/main.js.
    globalSetup: ['test/global-setup.ts'],
  },
});
