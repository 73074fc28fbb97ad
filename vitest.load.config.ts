import tsconfigPaths from 'vite-tsconfig-paths';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:load`: load and fault runs against the real demo server
 * process. Not part of `npm test` (its files are *.load.ts, which the default
 * config does not include); one file at a time, so that runs do not compete
 * for the machine's cores.
 */
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ['test/load/**/*.load.ts'],
    globalSetup: ['test/setup/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
