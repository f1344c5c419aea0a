import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Probes PostgreSQL once: its suites skip with one line on a plain machine, and fail CI if absent.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: two test files at a time; the database and browser suites are heavy.
    pool: 'forks',
    maxWorkers: 2,
  },
});
