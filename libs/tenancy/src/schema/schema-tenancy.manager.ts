import type { DataSource } from 'typeorm';
import { runWithTenant } from '../context/tenant-store.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import { TenantProvisioningError } from '../errors/tenant-provisioning.error.js';
import type { SchemaStrategyConfig } from './schema-strategy.registry.js';
import { distributeTenantSchema } from '../citus/distribute-tenant-schema.js';
import type { CitusNode, MoveTenantOptions, MoveTenantResult } from '../citus/citus-nodes.js';
import { moveTenantSchema } from '../citus/move-tenant-schema.js';
import { runTenantMigrations } from './tenant-migrations.runner.js';
import { assertTenantExport, readTenantTables, writeTenantTables, type TenantExport } from './tenant-export.js';
import { tenantIdOfSchema, tenantSchemaName } from './tenant-schema-name.js';
import { MARKED_SCHEMA, TENANT_SCHEMA_MARK } from './tenant-schema-mark.js';
import { catalogFingerprints, fingerprintCoversEntities } from './schema-catalog.fingerprint.js';

export interface MigrateAllProgress {
  done: number;
  total: number;
  tenantId: string;
}

export interface MigrateAllResult {
  /** Tenant schemas now up to date (all of them). */
  migrated: number;
  /**
   * Of those, schemas whose catalog already matched an up-to-date schema's in
   * one catalog query, so no per-schema diff ran.
   */
  unchanged: number;
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
    return tenantSchemaName(tenantId, this.config);
  }

  /**
   * Creates the schema, marks it as a tenant's, and every tenant table in it
   * (idempotent). A schema of that name that the library did not create is
   * refused: it is adopted only on purpose, with adoptTenantSchema.
   */
  async createTenantSchema(tenantId: string): Promise<void> {
    const schema = this.schemaOf(tenantId);
    const state = await this.schemaState(schema);
    if (state === 'unmarked') throw this.notOurs(schema, tenantId);
    if (state === 'absent') {
      await this.dataSource.transaction(async (manager) => {
        await manager.query(`CREATE SCHEMA ${this.dataSource.driver.escape(schema)}`);
        await manager.query(`COMMENT ON SCHEMA ${this.dataSource.driver.escape(schema)} IS '${TENANT_SCHEMA_MARK}'`);
      });
    }
    await this.syncTenant(tenantId);
    if (this.config.citus) await distributeTenantSchema(this.dataSource, schema);
  }

  /**
   * Marks an existing schema as tenant `tenantId`'s: for schemas created by a
   * version of the library that did not mark them, or by hand on purpose.
   */
  async adoptTenantSchema(tenantId: string): Promise<void> {
    const schema = this.schemaOf(tenantId);
    if ((await this.schemaState(schema)) === 'absent') {
      throw new TenantIsolationError('TENANT_UNKNOWN', `Schema "${schema}" does not exist; create it with createTenantSchema().`);
    }
    await this.dataSource.query(`COMMENT ON SCHEMA ${this.dataSource.driver.escape(schema)} IS '${TENANT_SCHEMA_MARK}'`);
  }

  /** Drops a tenant's schema; a schema the library did not mark is never dropped as a tenant. */
  async dropTenantSchema(tenantId: string): Promise<void> {
    const schema = this.schemaOf(tenantId);
    const state = await this.schemaState(schema);
    if (state === 'unmarked') throw this.notOurs(schema, tenantId);
    if (state === 'marked') await this.dataSource.query(`DROP SCHEMA ${this.dataSource.driver.escape(schema)} CASCADE`);
  }

  /** Citus: moves the tenant's distributed schema to another node (see moveTenantSchema). */
  async moveTenant(tenantId: string, target: CitusNode, options?: MoveTenantOptions): Promise<MoveTenantResult> {
    await this.requireTenantSchema(tenantId);
    return moveTenantSchema(this.dataSource, this.schemaOf(tenantId), target, options);
  }

  async tenantExists(tenantId: string): Promise<boolean> {
    return (await this.schemaState(this.schemaOf(tenantId))) === 'marked';
  }

  /** Runs `fn` in the tenant's schema; an unknown tenant is TENANT_UNKNOWN, not "relation does not exist". */
  async tenantContext<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
    await this.requireTenantSchema(tenantId);
    return runWithTenant(tenantId, fn);
  }

  async listTenantSchemas(): Promise<string[]> {
    const rows: Array<{ nspname: string }> = await this.dataSource.query(
      `SELECT nspname FROM pg_namespace WHERE left(nspname, length($1)) = $1 AND ${MARKED_SCHEMA} ORDER BY nspname`,
      [this.config.prefix],
    );
    return rows.map((row) => tenantIdOfSchema(row.nspname, this.config)).filter((id): id is string => id !== undefined);
  }

  /**
   * Brings every tenant schema up to the entity metadata, a few at a time.
   * Without tenant migrations, one schema is diffed and synced first; every
   * other schema whose catalog (one query over all of them) matches that
   * one's is already up to date and is not diffed again. A schema that differs
   * in anything the diff reads is synced as before.
   */
  async migrateAll(options: MigrateAllOptions = {}): Promise<MigrateAllResult> {
    const tenants = await this.listTenantSchemas();
    const concurrency = Math.max(1, options.concurrency ?? 4);
    let done = 0;
    let unchanged = 0;
    const finish = (tenantId: string) => {
      done++;
      options.onProgress?.({ done, total: tenants.length, tenantId });
    };
    let pending = tenants;
    if (tenants.length > 1 && !this.config.migrations?.length && fingerprintCoversEntities(this.dataSource)) {
      const [reference, ...rest] = tenants;
      await this.syncTenant(reference);
      finish(reference);
      const fingerprints = await catalogFingerprints(
        this.dataSource,
        tenants.map((id) => this.schemaOf(id)),
      );
      const expected = fingerprints.get(this.schemaOf(reference));
      pending = [];
      for (const tenantId of rest) {
        if (expected !== undefined && fingerprints.get(this.schemaOf(tenantId)) === expected) {
          unchanged++;
          finish(tenantId);
        } else pending.push(tenantId);
      }
    }
    let next = 0;
    const worker = async () => {
      while (next < pending.length) {
        const tenantId = pending[next++];
        await this.syncTenant(tenantId);
        finish(tenantId);
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, pending.length) }, worker));
    return { migrated: done, unchanged };
  }

  /** One tenant's rows as JSON-serialisable data: the per-tenant backup that the FastAPI ORM guide we follow lists for schemas. */
  async exportTenant(tenantId: string): Promise<TenantExport> {
    const schema = this.schemaOf(tenantId);
    if (!(await this.tenantExists(tenantId)))
      throw new TenantIsolationError(
        'TENANT_UNKNOWN',
        'Tenant has no schema to export; listTenantSchemas() (or `tenancy list`) shows the tenants that have one.',
      );
    return readTenantTables(this.dataSource, schema, tenantId);
  }

  /**
   * Restores an export into a new tenant schema, under `asTenantId` when given.
   * Refuses an existing tenant rather than merge two tenants' rows
   * (TENANT_SCHEMA_EXISTS), and a file that is not an export of these
   * entities (TENANT_IMPORT_INVALID), both before anything is created.
   */
  async importTenant(dump: TenantExport, asTenantId?: string): Promise<void> {
    assertTenantExport(this.dataSource, dump);
    asTenantId ??= dump.tenantId;
    const schema = this.schemaOf(asTenantId);
    if (await this.tenantExists(asTenantId)) {
      throw new TenantProvisioningError(
        'TENANT_SCHEMA_EXISTS',
        `Tenant ${JSON.stringify(asTenantId)} already exists; nothing was imported. Import under a new tenant id, or drop the tenant first if it is to be replaced.`,
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

  private async requireTenantSchema(tenantId: string): Promise<void> {
    if (!(await this.tenantExists(tenantId))) {
      throw new TenantIsolationError('TENANT_UNKNOWN', `Tenant has no schema; create it with createTenantSchema() first.`);
    }
  }

  private async schemaState(schema: string): Promise<'absent' | 'marked' | 'unmarked'> {
    const rows: Array<{ marked: boolean | null }> = await this.dataSource.query(
      `SELECT (${MARKED_SCHEMA}) AS marked FROM pg_namespace WHERE nspname = $1`,
      [schema],
    );
    if (rows.length === 0) return 'absent';
    return rows[0].marked === true ? 'marked' : 'unmarked';
  }

  private notOurs(schema: string, tenantId: string): TenantProvisioningError {
    return new TenantProvisioningError(
      'TENANT_SCHEMA_UNMARKED',
      `Schema "${schema}" exists but was not created by nestjs-tenancy as a tenant's (it lacks the "${TENANT_SCHEMA_MARK}" comment), ` +
        `so it is not treated as tenant ${JSON.stringify(tenantId)}. If it is that tenant's schema, adopt it with adoptTenantSchema(); otherwise rename it.`,
    );
  }

  /** The app's tenant migrations when it has them, else the entity metadata. */
  private syncTenant(tenantId: string): Promise<void> {
    const schema = this.schemaOf(tenantId);
    if (this.config.migrations?.length) return runTenantMigrations(this.dataSource, tenantId, schema, this.config.migrations);
    return runWithTenant(tenantId, () => this.dataSource.driver.createSchemaBuilder().build());
  }
}
