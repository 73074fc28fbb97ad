import type { DataSource, QueryRunner, ReplicationMode } from 'typeorm';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { preflightDataSource } from '../typeorm/data-source.preflight.js';
import { installTenancyPatches } from '../typeorm/install-tenancy-patches.js';
import { refuseExplainInTenant } from './explain-guard.js';
import type { PgModule, PgQueryClass } from '../typeorm/pg-internals.js';
import { assertPartitionsProtected } from './rls-partitions.check.js';
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
 * now. Once connected, a partition of a scoped table without the policies
 * refuses start-up (the DataSource is closed). Idempotent.
 */
export async function installTenantRls(dataSource: DataSource): Promise<void> {
  const Query = pgQueryClassOf(dataSource);
  installTenancyPatches();
  preflightDataSource(dataSource, { rls: true });
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
    checkPartitionsAfterInitialize(dataSource);
  }
  if (dataSource.isInitialized && dataSource.options.synchronize) await syncTenantRls(dataSource);
  if (dataSource.isInitialized) await refuseUnprotectedPartitions(dataSource);
}

/** A DataSource with an unprotected partition is closed rather than used: nothing may query through it. */
async function refuseUnprotectedPartitions(dataSource: DataSource): Promise<void> {
  try {
    await assertPartitionsProtected(dataSource);
  } catch (error) {
    await dataSource.destroy().catch(() => undefined);
    throw error;
  }
}

/** Installed before initialize(): the check runs once the connection (and any synchronize) is up. */
function checkPartitionsAfterInitialize(dataSource: DataSource): void {
  const initialize = dataSource.initialize.bind(dataSource);
  dataSource.initialize = async () => {
    await initialize();
    await refuseUnprotectedPartitions(dataSource);
    return dataSource;
  };
}
