import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests build bentos and start real servers: give them room.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
