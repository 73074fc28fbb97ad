import pg from 'pg';
import { postgresUrl } from '../../support/postgres.js';

export interface TableLock {
  /** The backend holding the lock (to spare it when terminating the others). */
  pid: number;
  release(): Promise<void>;
}

/**
 * Runs `lock` in a transaction of a session of our own and keeps that
 * transaction open until release(): every request that needs what it locked
 * blocks while holding a pooled connection, slow requests on demand.
 */
export async function holdLock(database: string, lock: (session: pg.Client) => Promise<unknown>): Promise<TableLock> {
  const session = new pg.Client({ connectionString: postgresUrl(database) });
  await session.connect();
  await session.query('BEGIN');
  await lock(session);
  const [{ pid }] = (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
  return {
    pid,
    async release() {
      await session.query('COMMIT');
      await session.end();
    },
  };
}

/** An ACCESS EXCLUSIVE lock on tables of the server's database. */
export function lockTables(database: string, tables: string[]): Promise<TableLock> {
  return holdLock(database, (session) => session.query(`LOCK TABLE ${tables.join(', ')} IN ACCESS EXCLUSIVE MODE`));
}
