import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: two test files at a time; the database and browser suites are heavy.
    pool: 'forks',
    maxWorkers: 2,
  },
});
