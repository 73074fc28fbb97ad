import pg from 'pg';
import { holdLock, type TableLock } from './table-lock.js';

/**
 * Stalls one tenant only:
 * - schema strategy: an ACCESS EXCLUSIVE lock on the tenant's own products
 *   table, so every statement on it waits;
 * - row strategy: the tenant's product rows locked FOR UPDATE, so every
 *   write to them waits (reads are not blocked by row locks).
 */
export function lockTenantProducts(database: string, strategy: 'row' | 'schema', tenantId: string): Promise<TableLock> {
  return holdLock(database, (session) =>
    strategy === 'schema'
      ? session.query(`LOCK TABLE ${pg.escapeIdentifier(`tenant_${tenantId}`)}.products IN ACCESS EXCLUSIVE MODE`)
      : session.query('SELECT id FROM products WHERE tenant_id = $1 FOR UPDATE', [tenantId]),
  );
}
