import type { DataSourceOptions } from 'typeorm';

/**
 * better-sqlite3 options for this runtime: on the second Node line the run
 * points at a copy of the addon built for it (BENCH_SQLITE_BINDING, see
 * scripts/toolchain/node.mjs --addon), since the repo's node_modules hold a
 * build for the Node that installed them.
 */
export function sqliteOptions(database: string): DataSourceOptions {
  const nativeBinding = process.env.BENCH_SQLITE_BINDING;
  return { type: 'better-sqlite3', database, ...(nativeBinding ? { nativeBinding } : {}) };
}
