import type { QueryRunner } from 'typeorm';
import { markMigrationBypass } from './migration-bypass.js';
import { RLS_BYPASS_ON, RLS_BYPASS_SETTING } from './rls-settings.js';
import { tenantRlsStatements, type TenantRlsTable } from './rls-policy.js';
import { TenantRlsError } from './tenant-rls.error.js';

/**
 * For a migration's `up()`: enables and forces Row-Level Security on one
 * tenant-scoped table and creates its four policies. Run it as the table
 * owner (the migration role), after the tenant column exists.
 */
export async function enableTenantRls(queryRunner: QueryRunner, target: TenantRlsTable): Promise<void> {
  for (const statement of tenantRlsStatements(target).up) await queryRunner.query(statement);
}

/** The `down()` of enableTenantRls: drops the policies and turns RLS off. */
export async function disableTenantRls(queryRunner: QueryRunner, target: TenantRlsTable): Promise<void> {
  for (const statement of tenantRlsStatements(target).down) await queryRunner.query(statement);
}

/**
 * FORCE makes the owner obey the policies too, so a data migration (a
 * backfill, a cross-tenant fix) sees no rows. This opens every row for the
 * rest of the migration's transaction only, never for the connection.
 */
export async function bypassTenantRls(queryRunner: QueryRunner): Promise<void> {
  if (!queryRunner.isTransactionActive) {
    throw new TenantRlsError(
      'TENANT_RLS_NO_TRANSACTION',
      'bypassTenantRls() needs a transaction, or the bypass would end with its own statement; keep the migration transactional (the TypeORM default).',
    );
  }
  await queryRunner.query(`SELECT set_config('${RLS_BYPASS_SETTING}', '${RLS_BYPASS_ON}', true)`);
  markMigrationBypass(queryRunner);
}
