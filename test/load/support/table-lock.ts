import pg from 'pg';
import { postgresUrl } from '../../support/postgres.js';

export interface TableLock {
  /** The backend holding the lock (to spare it when terminating the others). */
  pid: number;
  release(): Promise<void>;
}

/**
 * Holds an ACCESS EXCLUSIVE lock on tables of the server's database from a
 * session of our own, so that every request touching them blocks while
 * holding a pooled connection: slow requests on demand, without a slow route.
 */
export async function lockTables(database: string, tables: string[]): Promise<TableLock> {
  const session = new pg.Client({ connectionString: postgresUrl(database) });
  await session.connect();
  await session.query('BEGIN');
  await session.query(`LOCK TABLE ${tables.join(', ')} IN ACCESS EXCLUSIVE MODE`);
  const [{ pid }] = (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
  return {
    pid,
    async release() {
      await session.query('COMMIT');
      await session.end();
    },
  };
}
