import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // End-to-end tests build bentos and start real servers: give them room.
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // Each file writes to its own TMPDIR, removed after it; the run fails if anything is left (test/setup/).
    globalSetup: ['test/setup/temp-root.global.ts'],
    setupFiles: ['test/setup/per-file-tmpdir.ts'],
  },
});
