// The public API: applications, the demo and outside test suites import only from here.
export { TenancyModule } from './tenancy.module.js';
export type {
  ResolvedTenancyOptions,
  TenancyModuleExtras,
  TenancyModuleOptions,
  TenancySchemaOptions,
  TenancyStrategy,
} from './tenancy-options.interface.js';
export { TENANCY_OPTIONS, TENANT_QUERY_PARAMETER } from './constants.js';

export { TenantContext } from './context/tenant-context.js';
export {
  bypassTenantFilter,
  clearCurrentTenant,
  getCurrentTenant,
  isTenantFilterBypassed,
  requireTenant,
  runWithTenant,
  setCurrentTenant,
  type BypassOptions,
} from './context/tenant-store.js';
export { isValidTenantId } from './context/tenant-id.js';
export { LoggerAuditSink, type TenantAuditEvent, type TenantAuditSink } from './context/tenant-audit.js';

export { TenantIsolationError, type TenantIsolationErrorCode } from './errors/tenant-isolation.error.js';
export { TenancyConfigurationError } from './errors/tenancy-configuration.error.js';
export { TenantBusyError } from './errors/tenant-busy.error.js';
export { DatabaseUnavailableError, type DatabaseUnavailableCode } from './errors/database-unavailable.error.js';
export type { TenantConcurrencyOptions } from './concurrency/tenant-concurrency.options.js';

export { TenantScoped, type TenantScopedOptions } from './typeorm/tenant-scoped.decorator.js';
export { TenantIndex, TenantUnique, type TenantIndexOptions } from './typeorm/tenant-index.decorator.js';
export { TenantSubscriber } from './typeorm/tenant.subscriber.js';
export { isTenantScoped } from './typeorm/tenant-metadata.js';
export type { OnMissingTenant } from './typeorm/tenancy-data-source.registry.js';
export { addTenantColumn, dropTenantColumn, type AddTenantColumnOptions } from './typeorm/add-tenant-column.migration.js';

// Request pipeline: resolvers, guard, interceptor, decorators, error mapping (HTTP, microservices, WebSockets).
export { TenantGuard } from './http/tenant.guard.js';
export { TenantInterceptor } from './http/tenant.interceptor.js';
export { TenancyExceptionFilter } from './http/tenancy-exception.filter.js';
export { tenantErrorBody, type TenantErrorBody } from './http/tenant-error-body.js';
export { unavailableErrorBody, type UnavailableErrorBody } from './http/unavailable-error-body.js';
export { TenantAccessService } from './http/tenant-access.service.js';
export type { TenantDecision } from './http/tenant-decision.js';
export { TenantValidator } from './http/tenant-validator.js';
export { BypassTenant } from './http/bypass-tenant.decorator.js';
export { TenantOptional } from './http/tenant-optional.decorator.js';
export { CurrentTenant } from './http/current-tenant.decorator.js';
export type { TenantRouteMode } from './http/tenant-route-mode.js';
export type { TenantRequest, TenantTransport } from './http/tenant-request.js';
export type { TenantPrincipal, TenantResolution, TenantResolver } from './http/tenant-resolver.interface.js';
export type {
  CanBypassFn,
  TenantBypassContext,
  TenantValidationCacheKeyFn,
  TenantValidationCacheOptions,
  TenantValidationContext,
  ValidateTenantFn,
} from './http/tenancy-http-options.js';
export { HeaderTenantResolver, type HeaderTenantResolverOptions } from './http/resolvers/header.resolver.js';
export { JwtTenantResolver, type JwtTenantResolverOptions } from './http/resolvers/jwt.resolver.js';
export type { JwtKeyOptions } from './http/resolvers/jwt-key.js';
export { SubdomainTenantResolver, type SubdomainTenantResolverOptions } from './http/resolvers/subdomain.resolver.js';
export { PathTenantResolver, type PathTenantResolverOptions } from './http/resolvers/path.resolver.js';
export { PayloadTenantResolver, type PayloadTenantResolverOptions } from './http/resolvers/payload.resolver.js';
export { CustomTenantResolver, type TenantResolverFn } from './http/resolvers/custom.resolver.js';

// Row-Level Security (rls: true): policies, migration helpers, the session hook.
export { installTenantRls } from './rls/install-tenant-rls.js';
export { syncTenantRls } from './rls/sync-tenant-rls.js';
export { enableTenantRls, disableTenantRls, bypassTenantRls } from './rls/enable-tenant-rls.migration.js';
export { tenantRlsStatements, type TenantRlsOwner, type TenantRlsStatements, type TenantRlsTable } from './rls/rls-policy.js';
export { tenantRlsTables } from './rls/rls-tables.js';
export { generateTenantRlsMigration, type TenantRlsMigrationOptions } from './rls/rls-migration.generator.js';
export { RLS_BYPASS_SETTING, RLS_POLICIES, RLS_TENANT_SETTING } from './rls/rls-settings.js';
export { TenantRlsError, type TenantRlsErrorCode } from './rls/tenant-rls.error.js';

export { SchemaTenancyService } from './schema/schema-tenancy.service.js';
export {
  SchemaTenancyManager,
  type MigrateAllOptions,
  type MigrateAllProgress,
  type MigrateAllResult,
} from './schema/schema-tenancy.manager.js';
export { enableSchemaTenancy } from './schema/schema-strategy.installer.js';
export type { TenantExport } from './schema/tenant-export.js';

// Citus (citus: true): tenant-keyed tables, distribution helpers for migrations, cluster status.
export { enableCitusKeys } from './citus/citus-keys.installer.js';
export { distributeTenantTables, type DistributeTenantTablesResult } from './citus/distribute-tenant-tables.js';
export type { CitusTablePlan } from './citus/citus-tables.js';
export { citusStatus, formatCitusStatus, type CitusNodeStatus, type CitusStatus, type CitusTableStatus } from './citus/citus-status.js';
