import type { QueryRunner } from 'typeorm';
import { markMigrationBypass } from './migration-bypass.js';
import { currentTenantContextSettings, getCurrentTenant, recordBypassAudit, type BypassOptions } from '../context/tenant-store.js';
import { tenancyOptionsFor } from '../typeorm/tenancy-data-source.registry.js';
import { RLS_BYPASS_ON, RLS_BYPASS_SETTING } from './rls-settings.js';
import { tenantRlsStatements, type TenantRlsTable } from './rls-policy.js';
import { TenantRlsError } from '../errors/tenant-rls.error.js';

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
 * rest of the migration's transaction only, never for the connection. It is
 * the same deliberate crossing as bypassTenantFilter, so it obeys the same
 * rules: refused inside a tenant context (code that runs as one tenant has no
 * business opening all of them), and recorded by the audit sink first (a
 * failing sink refuses it, TENANT_AUDIT_UNAVAILABLE).
 */
export async function bypassTenantRls(queryRunner: QueryRunner, options: BypassOptions = {}): Promise<void> {
  if (!queryRunner.isTransactionActive) {
    throw new TenantRlsError(
      'TENANT_RLS_NO_TRANSACTION',
      'bypassTenantRls() needs a transaction, or the bypass would end with its own statement; keep the migration transactional (the TypeORM default).',
    );
  }
  if (getCurrentTenant() !== undefined) {
    throw new TenantRlsError(
      'TENANT_RLS_BYPASS_IN_TENANT',
      'bypassTenantRls() was called inside a tenant context, where it would open every tenant to code meant to see one. ' +
        'It is for migrations, which run with no tenant; for deliberate cross-tenant work in the app use bypassTenantFilter(fn).',
    );
  }
  // A DataSource a TenancyModule bound is audited by that module's sink, whatever context the migration runs in.
  const settings = tenancyOptionsFor(queryRunner.connection).context ?? currentTenantContextSettings();
  await recordBypassAudit({ reason: 'bypassTenantRls (migration)', ...options }, settings);
  await queryRunner.query(`SELECT set_config('${RLS_BYPASS_SETTING}', '${RLS_BYPASS_ON}', true)`);
  markMigrationBypass(queryRunner);
}
