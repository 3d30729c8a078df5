import { defineConfig } from 'vitest/config';

// Two projects. `unit`: the engine, steps, views and adapters against fakes and real SQLite files — no Docker engine,
// no sshd, no root (`npm run test:unit`). `integration`: everything that talks to a real Docker engine, a real OpenSSH
// server or a real terminal — test/integration, test/e2e and any `*.int.test.ts` — one file at a time, since they
// share one Docker engine.
const INTEGRATION = ['test/integration/**/*.test.{ts,tsx}', 'test/e2e/**/*.test.{ts,tsx}', 'test/**/*.int.test.{ts,tsx}'];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 300_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.{ts,tsx}'], exclude: INTEGRATION } },
      { extends: true, test: { name: 'integration', include: INTEGRATION, globalSetup: ['test/global-setup.ts'], fileParallelism: false } },
    ],
  },
});
