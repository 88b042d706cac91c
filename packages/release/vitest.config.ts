import { defineConfig } from 'vitest/config';

// Packing, then installing twice (npm install -g and npx), each compiling
// better-sqlite3 (~50 s on 2 cores, run side by side), dominates this suite.
export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 200_000,
  },
});
