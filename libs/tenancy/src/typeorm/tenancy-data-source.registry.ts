import type { DataSource } from 'typeorm';
import type { TenantAuditSink } from '../context/tenant-audit.js';
import type { TenantContextSettings } from '../context/tenant-context.settings.js';

export type OnMissingTenant = 'throw' | 'unfiltered';

export interface DataSourceTenancyOptions {
  onMissingTenant: OnMissingTenant;
  /**
   * The settings of the TenancyModule that bound this DataSource. A statement
   * run from a context with other settings (a job outside any request, another
   * module's request) is re-checked against them: see assertContextFits.
   */
  context?: TenantContextSettings;
  /** The module's own `audit` sink, when it set one: a bypass this sink did not record is refused here. */
  requiredAuditSink?: TenantAuditSink;
}

const DEFAULTS: DataSourceTenancyOptions = { onMissingTenant: 'throw' };
const registered = new WeakMap<DataSource, DataSourceTenancyOptions>();

/**
 * Every DataSource with scoped entities is enforced, registered or not: a
 * DataSource that TenancyModule does not know falls back to the fail-closed
 * defaults instead of going unfiltered.
 */
export function tenancyOptionsFor(dataSource: DataSource): DataSourceTenancyOptions {
  return registered.get(dataSource) ?? DEFAULTS;
}

export function registerDataSourceTenancy(dataSource: DataSource, options: Partial<DataSourceTenancyOptions>): void {
  registered.set(dataSource, { ...DEFAULTS, ...options });
}
