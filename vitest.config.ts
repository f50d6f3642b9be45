import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run against the sources, so `npm test` never depends on a stale build.
    alias: [
      { find: /^@steward\/core$/, replacement: src('core') },
      {
        find: /^@steward\/core\/node$/,
        replacement: fileURLToPath(new URL('./packages/core/src/node/index.ts', import.meta.url)),
      },
      { find: /^@steward\/client$/, replacement: src('client') },
      { find: /^@steward\/api$/, replacement: src('api') },
    ],
  },
  test: {
    include: ['packages/*/src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
