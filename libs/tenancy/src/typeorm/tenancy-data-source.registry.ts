import type { DataSource } from 'typeorm';

export type OnMissingTenant = 'throw' | 'unfiltered';

export interface DataSourceTenancyOptions {
  onMissingTenant: OnMissingTenant;
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
