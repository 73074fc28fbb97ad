import tsconfigPaths from 'vite-tsconfig-paths';
import { defineConfig } from 'vitest/config';

/**
 * `npm run test:consumer`: packs libs/tenancy, installs the tarball from the
 * registry into fresh apps in a temporary folder, and runs them over HTTP.
 * Not part of `npm test` (it needs the registry); `.ci/run` runs it after.
 */
export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ['test/consumer/**/*.consumer.ts'],
    globalSetup: ['test/consumer/setup.ts'],
    testTimeout: 180_000,
    // The one npm install compiles better-sqlite3 from source: 8 to 15 minutes on this shared 2-core machine.
    hookTimeout: 1_800_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
