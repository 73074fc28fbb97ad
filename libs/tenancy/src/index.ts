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

export { TenantScoped, type TenantScopedOptions } from './typeorm/tenant-scoped.decorator.js';
export { TenantIndex, TenantUnique, type TenantIndexOptions } from './typeorm/tenant-index.decorator.js';
export { TenantSubscriber } from './typeorm/tenant.subscriber.js';
export { isTenantScoped } from './typeorm/tenant-metadata.js';
export type { OnMissingTenant } from './typeorm/tenancy-data-source.registry.js';
export {
  addTenantColumn,
  dropTenantColumn,
  type AddTenantColumnOptions,
} from './typeorm/add-tenant-column.migration.js';
