import type { MigrationInterface } from 'typeorm';
import type { TenantBulkheadOptions } from '../concurrency/tenant-bulkhead.js';
import type { TenantConcurrencyOptions } from '../concurrency/tenant-concurrency.options.js';
import type { TenantAuditSink } from '../context/tenant-audit.js';
import type { TenantContextSettings } from '../context/tenant-context.settings.js';
import type { ResolvedTenancyHttpOptions, TenancyHttpOptions } from '../transport/tenancy-http-options.js';
import type { OnMissingTenant } from '../typeorm/tenancy-data-source.registry.js';

export type TenancyStrategy = 'row' | 'schema';

export interface TenancySchemaOptions {
  /** Tenant T's schema is `prefix + T`. Default `tenant_`. */
  prefix?: string;
  /** Schema of entities that are not tenant-scoped. Default `public`. */
  sharedSchema?: string;
  /**
   * Migration classes that build and change one tenant's tables (unqualified
   * SQL), run in each tenant schema by createTenantSchema and migrateAll.
   * Default: none, tables come from the entity metadata.
   */
  migrations?: Array<new () => MigrationInterface>;
}

export interface TenancyModuleOptions extends TenancyHttpOptions {
  /** `'row'` (default): shared tables filtered by a tenant column. `'schema'`: one PostgreSQL schema per tenant. */
  strategy?: TenancyStrategy;
  /** What a query on a scoped entity does with no tenant and no bypass. Default `'throw'`. */
  onMissingTenant?: OnMissingTenant;
  /** Tenant ids that do not match are rejected with TENANT_INVALID. */
  tenantIdPattern?: RegExp;
  /** Name of the `@nestjs/typeorm` DataSource to protect. Default: the default DataSource. */
  dataSource?: string;
  schema?: TenancySchemaOptions;
  /** Row strategy on PostgreSQL: also enforce isolation with Row-Level Security. */
  rls?: boolean;
  /**
   * Row strategy on Citus: scoped entities get the tenant column in their
   * primary key, unique constraints and the foreign keys between them, so the
   * tables can be distributed by it (see distributeTenantTables). Schema
   * strategy on Citus: each tenant schema becomes a distributed schema (one
   * node holds all of it) when it is provisioned. Default `false`.
   */
  citus?: boolean;
  /** Where bypasses are reported. Default: the Nest logger. A sink that throws or rejects refuses the bypass. */
  audit?: TenantAuditSink;
  /**
   * `true`: when the audit sink throws or rejects, log the failure and run the
   * bypass anyway (unaudited). Default `false`: the bypass is refused with
   * TENANT_AUDIT_UNAVAILABLE (HTTP 503) and never runs.
   */
  allowUnauditedBypass?: boolean;
  /**
   * PostgreSQL: the most pooled connections one tenant may hold at once (a
   * bulkhead against the noisy neighbour). Over it, work waits up to
   * `queueTimeoutMs`, then fails with TenantBusyError (HTTP 503 TENANT_BUSY).
   * Default off (`false`).
   */
  tenantConcurrency?: TenantConcurrencyOptions | false;
}

/** Static extras of forRoot / forRootAsync (known before async options resolve). */
export interface TenancyModuleExtras {
  /**
   * `true` (default): TenancyModule registers nestjs-cls' ClsModule (global,
   * middleware mounted). `false`: the app registers ClsModule itself and
   * TenancyModule joins its context, so nestjs-cls is never registered twice.
   */
  registerClsModule?: boolean;
}

/** Options after defaults and validation; what the library's providers inject. */
export interface ResolvedTenancyOptions extends ResolvedTenancyHttpOptions {
  strategy: TenancyStrategy;
  onMissingTenant: OnMissingTenant;
  tenantIdPattern: RegExp;
  dataSource: string | undefined;
  /** `citus` is set from the top-level option under the schema strategy (distributed schemas). */
  schema: Required<Pick<TenancySchemaOptions, 'prefix' | 'sharedSchema'>> & Pick<TenancySchemaOptions, 'migrations'> & { citus?: boolean };
  rls: boolean;
  citus: boolean;
  audit: TenantAuditSink | undefined;
  allowUnauditedBypass: boolean;
  /** tenantIdPattern, audit and allowUnauditedBypass as the contexts of this module and its DataSource see them. */
  context: TenantContextSettings;
  /** Undefined when off. */
  tenantConcurrency: TenantBulkheadOptions | undefined;
}
