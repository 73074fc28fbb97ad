import pg from 'pg';
import { postgresUrl } from '../../support/postgres.js';

export interface Termination {
  /** Backends of the database that were terminated. */
  terminated: number;
  /** Of those, the ones running a statement at that moment (mid-request). */
  active: number;
}

/**
 * pg_terminate_backend on every client backend of one database: what a
 * failover, an idle-session killer or an operator does to a running server.
 * Runs from the `postgres` database, so it never terminates itself.
 */
export async function terminateBackends(database: string, sparePids: number[] = []): Promise<Termination> {
  const admin = new pg.Client({ connectionString: postgresUrl() });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ state: string | null; killed: boolean }>(
      `SELECT state, pg_terminate_backend(pid) AS killed FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND NOT (pid = ANY($2::int[]))`,
      [database, sparePids],
    );
    const killed = rows.filter((row) => row.killed);
    return { terminated: killed.length, active: killed.filter((row) => row.state === 'active').length };
  } finally {
    await admin.end();
  }
}
