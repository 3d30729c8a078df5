import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.{ts,tsx}'],
    testTimeout: 30_000,
    hookTimeout: 300_000,
    globalSetup: ['test/global-setup.ts'],
    // Integration files share one Docker engine; they run one file at a time to keep timings and names sane.
    fileParallelism: false,
  },
});
