import type { DataSourceOptions } from 'typeorm';

/** The part of better-sqlite3's Database that seeding needs. */
interface SqliteDatabase {
  exec(sql: string): unknown;
  prepare(sql: string): { all(): unknown[] };
}

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

/**
 * An in-memory copy of the seeded file `seed` (same DDL, same rows) for one
 * measuring process: every process starts from the same state (no rows left
 * by an earlier round's inserts), and no disk writes (fsync on a shared disk)
 * enter the CPU figures.
 */
export function sqliteMemoryCopy(seed: string): DataSourceOptions {
  return {
    ...sqliteOptions(':memory:'),
    prepareDatabase: (db: SqliteDatabase) => {
      db.exec(`ATTACH DATABASE '${seed.replaceAll("'", "''")}' AS seed`);
      const objects = db
        .prepare(`SELECT type, name, sql FROM seed.sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY rowid`)
        .all() as Array<{ type: string; name: string; sql: string }>;
      for (const object of objects) db.exec(object.sql);
      for (const object of objects.filter((o) => o.type === 'table')) {
        db.exec(`INSERT INTO main."${object.name}" SELECT * FROM seed."${object.name}"`);
      }
      db.exec('DETACH DATABASE seed');
    },
  } as DataSourceOptions;
}
