import type { DataSource, EntityMetadata } from 'typeorm';
import { getCurrentTenant, isTenantFilterBypassed } from '../context/tenant-store.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import { tenancyOptionsFor } from './tenancy-data-source.registry.js';
import { assertContextFits } from './tenant-context.check.js';

/**
 * What one statement on a scoped entity must do right now:
 * - `tenant`: filter and stamp with this tenant;
 * - `bypass`: an audited bypass is active, touch every tenant;
 * - `unfiltered`: no tenant and the DataSource opted into `onMissingTenant: 'unfiltered'`.
 * With no tenant, no bypass and the default options it throws before any SQL.
 */
export type TenantScope =
  | { kind: 'tenant'; tenantId: string }
  /** `tenantIdPattern`: the binding module's, which explicit tenant ids written under the bypass must match too. */
  | { kind: 'bypass'; tenantId: string | undefined; tenantIdPattern?: RegExp }
  | { kind: 'unfiltered' };

export function resolveTenantScope(dataSource: DataSource, metadata: EntityMetadata, operation: string): TenantScope {
  assertContextFits(dataSource);
  const tenantId = getCurrentTenant();
  if (isTenantFilterBypassed())
    return { kind: 'bypass', tenantId, tenantIdPattern: tenancyOptionsFor(dataSource).context?.tenantIdPattern };
  if (tenantId !== undefined) return { kind: 'tenant', tenantId };
  if (tenancyOptionsFor(dataSource).onMissingTenant === 'unfiltered') return { kind: 'unfiltered' };
  throw TenantIsolationError.required(`${operation} on tenant-scoped entity "${metadata.name}"`);
}
