import type { DataSource, MigrationInterface } from 'typeorm';
import { Migration } from 'typeorm/migration/Migration.js';
import { MigrationExecutor } from 'typeorm/migration/MigrationExecutor.js';
import { runWithTenant } from '../context/tenant-store.js';

export type TenantMigrationClass = new () => MigrationInterface;

function migrationsOf(classes: TenantMigrationClass[]): Migration[] {
  return classes
    .map((MigrationClass) => {
      const timestamp = Number.parseInt(MigrationClass.name.slice(-13), 10);
      return new Migration(undefined, timestamp, MigrationClass.name, new MigrationClass());
    })
    .sort((a, b) => a.timestamp - b.timestamp);
}

interface ReleasableRunner {
  releasePostgresConnection(error?: unknown): Promise<void>;
}

/**
 * Runs the app's tenant migrations inside one tenant schema, each tracked in
 * that schema's own migrations table. Migrations write unqualified SQL, so the
 * schema is put on the connection's search_path for the run, and reset before
 * the connection goes back to the pool; if the reset cannot be confirmed, the
 * connection is discarded instead of being reused with a tenant's path.
 */
export async function runTenantMigrations(
  dataSource: DataSource,
  tenantId: string,
  schema: string,
  classes: TenantMigrationClass[],
): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  let resetError: unknown;
  try {
    await runner.query(`SET search_path TO ${dataSource.driver.escape(schema)}`);
    const executor = new MigrationExecutor(dataSource, runner);
    executor.transaction = 'each';
    const internals = executor as unknown as { getMigrations(): Migration[]; migrationsTable: string; migrationsTableName: string };
    internals.getMigrations = () => migrationsOf(classes);
    // TypeORM looks the table up in the driver's default schema; each tenant keeps its own.
    internals.migrationsTable = dataSource.driver.buildTableName(internals.migrationsTableName, schema);
    await runWithTenant(tenantId, () => executor.executePendingMigrations());
  } finally {
    await runner.query('RESET search_path').catch((error: unknown) => (resetError = error ?? new Error('RESET search_path failed')));
    if (resetError) await (runner as unknown as ReleasableRunner).releasePostgresConnection(resetError);
    else await runner.release();
  }
}
