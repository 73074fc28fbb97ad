import type { DataSource } from 'typeorm';
import { enableTenantRls } from './enable-tenant-rls.migration.js';
import { tenantRlsTables } from './rls-tables.js';

/**
 * Creates (or re-creates) the policies of every `@TenantScoped` table in one
 * transaction: a failure leaves the previous policies, never half of them.
 * Needs the table owner, like synchronize itself.
 */
export async function syncTenantRls(dataSource: DataSource): Promise<void> {
  const tables = tenantRlsTables(dataSource);
  if (tables.length === 0) return;
  const queryRunner = dataSource.createQueryRunner('master');
  try {
    await queryRunner.startTransaction();
    for (const table of tables) await enableTenantRls(queryRunner, table);
    await queryRunner.commitTransaction();
  } catch (error) {
    if (queryRunner.isTransactionActive) await queryRunner.rollbackTransaction();
    throw error;
  } finally {
    await queryRunner.release();
  }
}

/**
 * `synchronize` re-creates tables (and so drops their policies) without
 * knowing about RLS: the policies follow every schema sync, including the one
 * `initialize()` runs for `synchronize: true`.
 */
export function syncTenantRlsAfterSchemaSync(dataSource: DataSource): void {
  const synchronize = dataSource.synchronize.bind(dataSource);
  dataSource.synchronize = async (dropBeforeSync?: boolean) => {
    await synchronize(dropBeforeSync);
    await syncTenantRls(dataSource);
  };
}
