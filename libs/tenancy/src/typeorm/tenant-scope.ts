import type { DataSource, EntityMetadata } from 'typeorm';
import { getCurrentTenant, isTenantFilterBypassed } from '../context/tenant-store.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import { tenancyOptionsFor } from './tenancy-data-source.registry.js';

/**
 * What one statement on a scoped entity must do right now:
 * - `tenant`: filter and stamp with this tenant;
 * - `bypass`: an audited bypass is active, touch every tenant;
 * - `unfiltered`: no tenant and the DataSource opted into `onMissingTenant: 'unfiltered'`.
 * With no tenant, no bypass and the default options it throws before any SQL.
 */
export type TenantScope = { kind: 'tenant'; tenantId: string } | { kind: 'bypass'; tenantId: string | undefined } | { kind: 'unfiltered' };

export function resolveTenantScope(dataSource: DataSource, metadata: EntityMetadata, operation: string): TenantScope {
  const tenantId = getCurrentTenant();
  if (isTenantFilterBypassed()) return { kind: 'bypass', tenantId };
  if (tenantId !== undefined) return { kind: 'tenant', tenantId };
  if (tenancyOptionsFor(dataSource).onMissingTenant === 'unfiltered') return { kind: 'unfiltered' };
  throw TenantIsolationError.required(`${operation} on tenant-scoped entity "${metadata.name}"`);
}
