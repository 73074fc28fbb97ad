import { Inject, Injectable } from '@nestjs/common';
import { SchemaTenancyService, TENANCY_OPTIONS, type ResolvedTenancyOptions } from 'nestjs-tenancy';
import { DataSource } from 'typeorm';

/**
 * What a tenant needs besides its organization row. Row strategy: nothing,
 * its rows share the tables. Schema strategy: its own PostgreSQL schema with
 * every tenant table.
 */
@Injectable()
export class TenantProvisioner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly schemas: SchemaTenancyService,
    @Inject(TENANCY_OPTIONS) private readonly options: ResolvedTenancyOptions,
  ) {}

  get usesSchemas(): boolean {
    return this.options.strategy === 'schema';
  }

  /** Schema strategy: outside a tenant, synchronize creates the shared tables (organizations) only. */
  async prepareSharedTables(): Promise<void> {
    if (this.usesSchemas) await this.dataSource.synchronize();
  }

  /** Idempotent: also brings an existing tenant schema up to the current entities. */
  async provision(tenantId: string): Promise<void> {
    if (this.usesSchemas) await this.schemas.createTenantSchema(tenantId);
  }
}
