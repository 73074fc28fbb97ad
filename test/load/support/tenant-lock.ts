import pg from 'pg';
import { postgresUrl } from '../../support/postgres.js';
import type { TableLock } from './table-lock.js';

/**
 * Stalls one tenant only, from a session of our own holding a transaction:
 * - schema strategy: an ACCESS EXCLUSIVE lock on the tenant's own products
 *   table, so every statement on it waits;
 * - row strategy: the tenant's product rows locked FOR UPDATE, so every
 *   write to them waits (reads are not blocked by row locks).
 */
export async function lockTenantProducts(database: string, strategy: 'row' | 'schema', tenantId: string): Promise<TableLock> {
  const session = new pg.Client({ connectionString: postgresUrl(database) });
  await session.connect();
  await session.query('BEGIN');
  if (strategy === 'schema') {
    await session.query(`LOCK TABLE ${pg.escapeIdentifier(`tenant_${tenantId}`)}.products IN ACCESS EXCLUSIVE MODE`);
  } else {
    await session.query('SELECT id FROM products WHERE tenant_id = $1 FOR UPDATE', [tenantId]);
  }
  const [{ pid }] = (await session.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows;
  return {
    pid,
    async release() {
      await session.query('COMMIT');
      await session.end();
    },
  };
}
