// The public API: applications, the demo and outside test suites import only from here.
export { TenancyModule } from './nest/tenancy.module.js';
export type {
  ResolvedTenancyOptions,
  TenancyModuleExtras,
  TenancyModuleOptions,
  TenancySchemaOptions,
  TenancyStrategy,
} from './nest/tenancy-options.interface.js';
export { TENANCY_OPTIONS, TENANT_QUERY_PARAMETER } from './constants.js';

export { TenantContext } from './nest/tenant-context.js';
export {
  bypassTenantFilter,
  clearCurrentTenant,
  getCurrentTenant,
  isTenantFilterBypassed,
  requireTenant,
  runWithTenant,
  setCurrentTenant,
  isValidTenantId,
  runWithTenantSettings,
  type BypassOptions,
} from './context/tenant-store.js';
export type { TenantAuditEvent, TenantAuditSink } from './context/tenant-audit.js';
export type { TenantContextSettings } from './context/tenant-context.settings.js';
export { LoggerAuditSink } from './nest/logger-audit.sink.js';

// Errors: one catalogue of stable codes (errors/tenancy-error.catalogue.ts) and the classes that carry them.
export {
  TENANCY_ERRORS,
  type DatabaseUnavailableCode,
  type TenancyErrorCode,
  type TenancyErrorEntry,
  type TenancyErrorStatus,
  type TenantIsolationErrorCode,
  type TenantProvisioningErrorCode,
  type TenantRlsErrorCode,
} from './errors/tenancy-error.catalogue.js';
export { TenancyError, type CataloguedError } from './errors/tenancy-error.js';
export { TenantIsolationError } from './errors/tenant-isolation.error.js';
export { TenantProvisioningError } from './errors/tenant-provisioning.error.js';
export { TenantRlsError } from './errors/tenant-rls.error.js';
export { TenancyConfigurationError } from './errors/tenancy-configuration.error.js';
export { TenantBusyError } from './errors/tenant-busy.error.js';
export { DatabaseUnavailableError } from './typeorm/database-unavailable.error.js';
// Opt-in fix of TypeORM's PostgreSQL pool (dead connections returned to the pool, 503 mapping); not tenancy.
export { recoverDeadPostgresConnections } from './typeorm/dead-connection.patch.js';
export type { TenantConcurrencyOptions } from './concurrency/tenant-concurrency.options.js';

export { TenantScoped, type TenantScopedOptions } from './typeorm/tenant-scoped.decorator.js';
export { TenantIndex, TenantUnique, type TenantIndexOptions } from './typeorm/tenant-index.decorator.js';
export { TenantSubscriber } from './typeorm/tenant.subscriber.js';
export { isTenantScoped } from './typeorm/tenant-metadata.js';
export type { OnMissingTenant } from './typeorm/tenancy-data-source.registry.js';
export { addTenantColumn, dropTenantColumn, type AddTenantColumnOptions } from './typeorm/add-tenant-column.migration.js';

// Request pipeline: resolvers, guard, interceptor, decorators, error mapping (HTTP, microservices, WebSockets).
export { TenantGuard } from './transport/tenant.guard.js';
export { TenantInterceptor } from './transport/tenant.interceptor.js';
export { TenancyExceptionFilter } from './transport/tenancy-exception.filter.js';
export { tenantErrorBody, type TenantErrorBody, type UnavailableErrorBody } from './transport/tenant-error-body.js';
export { TenantAccessService } from './transport/tenant-access.service.js';
export type { TenantDecision } from './transport/tenant-decision.js';
export { TenantValidator } from './transport/tenant-validator.js';
export { BypassTenant } from './transport/bypass-tenant.decorator.js';
export { TenantOptional } from './transport/tenant-optional.decorator.js';
export { CurrentTenant } from './transport/current-tenant.decorator.js';
export type { TenantRouteMode } from './transport/tenant-route-mode.js';
export type { TenantRequest, TenantTransport } from './transport/tenant-request.js';
export type { TenantPrincipal, TenantResolution, TenantResolver } from './transport/tenant-resolver.interface.js';
export type {
  CanBypassFn,
  TenantBypassContext,
  TenantValidationCacheKeyFn,
  TenantValidationCacheOptions,
  TenantValidationContext,
  ValidateTenantFn,
} from './transport/tenancy-http-options.js';
export { HeaderTenantResolver, type HeaderTenantResolverOptions } from './transport/resolvers/header.resolver.js';
export { JwtTenantResolver, type JwtTenantResolverOptions } from './transport/resolvers/jwt.resolver.js';
export type { JwtKeyOptions } from './transport/resolvers/jwt-key.js';
export { SubdomainTenantResolver, type SubdomainTenantResolverOptions } from './transport/resolvers/subdomain.resolver.js';
export { PathTenantResolver, type PathTenantResolverOptions } from './transport/resolvers/path.resolver.js';
export { PayloadTenantResolver, type PayloadTenantResolverOptions } from './transport/resolvers/payload.resolver.js';
export { CustomTenantResolver, type TenantResolverFn } from './transport/resolvers/custom.resolver.js';

// Row-Level Security (rls: true): policies, migration helpers, the session hook.
export { installTenantRls } from './rls/install-tenant-rls.js';
export { syncTenantRls } from './rls/sync-tenant-rls.js';
export { enableTenantRls, disableTenantRls, bypassTenantRls } from './rls/enable-tenant-rls.migration.js';
export { tenantRlsStatements, type TenantRlsOwner, type TenantRlsStatements, type TenantRlsTable } from './rls/rls-policy.js';
export { tenantRlsTables } from './rls/rls-tables.js';
export { generateTenantRlsMigration, type TenantRlsMigrationOptions } from './rls/rls-migration.generator.js';
export { RLS_BYPASS_SETTING, RLS_POLICIES, RLS_TENANT_SETTING } from './rls/rls-settings.js';

export { SchemaTenancyService } from './nest/schema-tenancy.service.js';
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
export { moveTenant, type MoveRowTenantResult } from './citus/move-tenant.js';
export type { CitusNode, CitusTransferMode, MoveTenantOptions, MoveTenantResult } from './citus/citus-nodes.js';
export { citusStatus, formatCitusStatus, type CitusNodeStatus, type CitusStatus, type CitusTableStatus } from './citus/citus-status.js';
