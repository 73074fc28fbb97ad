import { Inject, Injectable } from '@nestjs/common';
import { TENANCY_OPTIONS } from '../constants.js';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import type { ResolvedTenancyOptions } from './tenancy-options.interface.js';
import { TenancyDataSourceBinder } from './tenancy-data-source.binder.js';
import { SchemaTenancyManager, type MigrateAllOptions, type MigrateAllResult } from '../schema/schema-tenancy.manager.js';
import type { TenantExport } from '../schema/tenant-export.js';
import type { CitusNode, MoveTenantOptions, MoveTenantResult } from '../citus/citus-nodes.js';
import { runInTenantContext } from '../context/tenant-store.js';

/** The schema strategy's provisioning API (see SchemaTenancyManager). */
@Injectable()
export class SchemaTenancyService {
  private manager: SchemaTenancyManager | undefined;

  constructor(
    private readonly binder: TenancyDataSourceBinder,
    @Inject(TENANCY_OPTIONS) private readonly options: ResolvedTenancyOptions,
  ) {}

  private get schemas(): SchemaTenancyManager {
    if (this.manager) return this.manager;
    if (this.options.strategy !== 'schema' || !this.binder.dataSource) {
      throw new TenancyConfigurationError('strategy', `must be 'schema' (with a PostgreSQL DataSource) to use SchemaTenancyService.`);
    }
    this.manager = new SchemaTenancyManager(this.binder.dataSource, {
      ...this.options.schema,
      tenantIdPattern: this.options.tenantIdPattern,
    });
    return this.manager;
  }

  /** Runs under this module's context settings, as the injected TenantContext does. */
  private within<T>(fn: (schemas: SchemaTenancyManager) => T): T {
    return runInTenantContext(this.options.context, () => fn(this.schemas));
  }

  createTenantSchema(tenantId: string): Promise<void> {
    return this.within((schemas) => schemas.createTenantSchema(tenantId));
  }

  adoptTenantSchema(tenantId: string): Promise<void> {
    return this.within((schemas) => schemas.adoptTenantSchema(tenantId));
  }

  dropTenantSchema(tenantId: string): Promise<void> {
    return this.within((schemas) => schemas.dropTenantSchema(tenantId));
  }

  tenantContext<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
    return this.within((schemas) => schemas.tenantContext(tenantId, fn));
  }

  listTenantSchemas(): Promise<string[]> {
    return this.within((schemas) => schemas.listTenantSchemas());
  }

  moveTenant(tenantId: string, target: CitusNode, options?: MoveTenantOptions): Promise<MoveTenantResult> {
    return this.within((schemas) => schemas.moveTenant(tenantId, target, options));
  }

  tenantExists(tenantId: string): Promise<boolean> {
    return this.within((schemas) => schemas.tenantExists(tenantId));
  }

  exportTenant(tenantId: string): Promise<TenantExport> {
    return this.within((schemas) => schemas.exportTenant(tenantId));
  }

  importTenant(dump: TenantExport, asTenantId?: string): Promise<void> {
    return this.within((schemas) => schemas.importTenant(dump, asTenantId));
  }

  migrateAll(options?: MigrateAllOptions): Promise<MigrateAllResult> {
    return this.within((schemas) => schemas.migrateAll(options));
  }
}
