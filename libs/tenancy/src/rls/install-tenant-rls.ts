import type { DataSource, QueryRunner, ReplicationMode } from 'typeorm';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { refuseExplainInTenant } from './explain-guard.js';
import type { PgModule, PgQueryClass } from './pg-internals.js';
import { hookQueryRunner } from './rls-query-runner.hook.js';
import { syncTenantRls, syncTenantRlsAfterSchemaSync } from './sync-tenant-rls.js';

const installed = new WeakSet<DataSource>();

function pgQueryClassOf(dataSource: DataSource): PgQueryClass {
  if (dataSource.options.type !== 'postgres') {
    throw new TenancyConfigurationError(
      'rls',
      `needs a PostgreSQL DataSource; "${dataSource.options.type}" has no Row-Level Security. Remove rls or use PostgreSQL.`,
    );
  }
  const Query = (dataSource.driver as unknown as { postgres?: PgModule }).postgres?.Query;
  if (typeof Query?.prototype?.prepare !== 'function') {
    throw new TenancyConfigurationError(
      'rls',
      'needs the JavaScript client of the "pg" package; pg-native cannot send the tenant setting with the statement.',
    );
  }
  return Query;
}

/**
 * `rls: true` for one DataSource: every query runner it creates sends the
 * context's tenant (or bypass) as transaction-local settings, and schema syncs
 * create the policies. When the DataSource already ran `synchronize: true`
 * (Nest initialises it before TenancyModule binds), the policies are created
 * now. Idempotent.
 */
export async function installTenantRls(dataSource: DataSource): Promise<void> {
  const Query = pgQueryClassOf(dataSource);
  if (!installed.has(dataSource)) {
    installed.add(dataSource);
    const driver = dataSource.driver as unknown as { createQueryRunner(mode: ReplicationMode): QueryRunner };
    const createQueryRunner = driver.createQueryRunner.bind(driver);
    driver.createQueryRunner = (mode) => {
      const runner = createQueryRunner(mode);
      hookQueryRunner(runner, Query);
      refuseExplainInTenant(runner);
      return runner;
    };
    syncTenantRlsAfterSchemaSync(dataSource);
  }
  if (dataSource.isInitialized && dataSource.options.synchronize) await syncTenantRls(dataSource);
}

export function isTenantRlsInstalled(dataSource: DataSource): boolean {
  return installed.has(dataSource);
}
