import type { DataSource } from 'typeorm';
import { runWithTenant } from '../context/tenant-store.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import type { SchemaStrategyConfig } from './schema-strategy.registry.js';
import { distributeTenantSchema } from '../citus/distribute-tenant-schema.js';
import { runTenantMigrations } from './tenant-migrations.runner.js';
import { readTenantTables, writeTenantTables, type TenantExport } from './tenant-export.js';
import { tenantIdOfSchema, tenantSchemaName } from './tenant-schema-name.js';

export interface MigrateAllProgress {
  done: number;
  total: number;
  tenantId: string;
}

export interface MigrateAllOptions {
  /** Tenants migrated at once, each on its own pooled connection. Default 4. */
  concurrency?: number;
  onProgress?: (progress: MigrateAllProgress) => void;
}

/**
 * Provisioning of tenant schemas on one DataSource; framework-free so that the
 * CLI and jobs can use it without Nest. `SchemaTenancyService` wraps it.
 */
export class SchemaTenancyManager {
  constructor(
    readonly dataSource: DataSource,
    readonly config: SchemaStrategyConfig,
  ) {}

  schemaOf(tenantId: string): string {
    return tenantSchemaName(tenantId, this.config.prefix);
  }

  /** Creates the schema and every tenant table in it (idempotent). */
  async createTenantSchema(tenantId: string): Promise<void> {
    const schema = this.schemaOf(tenantId);
    await this.dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${this.dataSource.driver.escape(schema)}`);
    await this.syncTenant(tenantId);
    if (this.config.citus) await distributeTenantSchema(this.dataSource, schema);
  }

  async dropTenantSchema(tenantId: string): Promise<void> {
    const schema = this.schemaOf(tenantId);
    await this.dataSource.query(`DROP SCHEMA IF EXISTS ${this.dataSource.driver.escape(schema)} CASCADE`);
  }

  async tenantExists(tenantId: string): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [this.schemaOf(tenantId)]);
    return rows.length > 0;
  }

  /** Runs `fn` in the tenant's schema; an unknown tenant is TENANT_UNKNOWN, not "relation does not exist". */
  async tenantContext<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
    if (!(await this.tenantExists(tenantId))) {
      throw new TenantIsolationError('TENANT_UNKNOWN', `Tenant has no schema; create it with createTenantSchema() first.`);
    }
    return runWithTenant(tenantId, fn);
  }

  async listTenantSchemas(): Promise<string[]> {
    const rows: Array<{ nspname: string }> = await this.dataSource.query(
      `SELECT nspname FROM pg_namespace WHERE left(nspname, length($1)) = $1 ORDER BY nspname`,
      [this.config.prefix],
    );
    return rows.map((row) => tenantIdOfSchema(row.nspname, this.config.prefix)).filter((id): id is string => id !== undefined);
  }

  /** Brings every tenant schema up to the entity metadata, a few at a time. */
  async migrateAll(options: MigrateAllOptions = {}): Promise<{ migrated: number }> {
    const tenants = await this.listTenantSchemas();
    const concurrency = Math.max(1, options.concurrency ?? 4);
    let next = 0;
    let done = 0;
    const worker = async () => {
      while (next < tenants.length) {
        const tenantId = tenants[next++];
        await this.syncTenant(tenantId);
        done++;
        options.onProgress?.({ done, total: tenants.length, tenantId });
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, tenants.length) }, worker));
    return { migrated: done };
  }

  /** One tenant's rows as JSON-serialisable data (the reference's per-tenant backup). */
  async exportTenant(tenantId: string): Promise<TenantExport> {
    const schema = this.schemaOf(tenantId);
    if (!(await this.tenantExists(tenantId))) throw new TenantIsolationError('TENANT_UNKNOWN', 'Tenant has no schema to export.');
    return readTenantTables(this.dataSource, schema, tenantId);
  }

  /**
   * Restores an export into a new tenant schema, under `asTenantId` when given.
   * Refuses an existing tenant rather than merge two tenants' rows.
   */
  async importTenant(dump: TenantExport, asTenantId: string = dump.tenantId): Promise<void> {
    const schema = this.schemaOf(asTenantId);
    if (await this.tenantExists(asTenantId)) {
      throw new TenantIsolationError(
        'TENANT_UNSUPPORTED_QUERY',
        'Import target tenant already exists; drop it or import under a new tenant id.',
      );
    }
    await this.createTenantSchema(asTenantId);
    try {
      await writeTenantTables(this.dataSource, schema, asTenantId, dump);
    } catch (error) {
      await this.dropTenantSchema(asTenantId);
      throw error;
    }
  }

  /** The app's tenant migrations when it has them, else the entity metadata. */
  private syncTenant(tenantId: string): Promise<void> {
    const schema = this.schemaOf(tenantId);
    if (this.config.migrations?.length) return runTenantMigrations(this.dataSource, tenantId, schema, this.config.migrations);
    return runWithTenant(tenantId, () => this.dataSource.driver.createSchemaBuilder().build());
  }
}
