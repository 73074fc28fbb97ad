import type { ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata.js';
import { assertValidTenantId } from '../context/tenant-id.js';
import { assertTenantIdInContext } from '../context/tenant-store.js';
import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import type { TenantScope } from './tenant-scope.js';

/**
 * Gives a row (an entity or an insert value set) its tenant before it is
 * written: the current tenant when it has none; an explicit other tenant is
 * refused unless a bypass is active.
 */
export function stampTenant(row: ObjectLiteral, column: ColumnMetadata, scope: TenantScope, entity: string): void {
  const value: unknown = column.getEntityValue(row);
  const missing = value === undefined || value === null;
  switch (scope.kind) {
    case 'tenant':
      if (missing) column.setEntityValue(row, scope.tenantId);
      else if (value !== scope.tenantId) throw foreignTenant(entity);
      return;
    case 'bypass':
      if (!missing) {
        if (typeof value === 'string') {
          assertTenantIdInContext(value);
          if (scope.tenantIdPattern) assertValidTenantId(value, scope.tenantIdPattern);
        }
        return;
      }
      if (scope.tenantId === undefined) {
        throw new TenantIsolationError(
          'TENANT_REQUIRED',
          `Insert into tenant-scoped entity "${entity}" under a bypass needs an explicit tenantId (no tenant is set).`,
        );
      }
      column.setEntityValue(row, scope.tenantId);
      return;
    case 'unfiltered':
      return;
  }
}

function foreignTenant(entity: string): TenantIsolationError {
  return new TenantIsolationError(
    'TENANT_MISMATCH',
    `Refused a write to "${entity}" with a tenantId other than the current tenant. Nothing was written; use bypassTenantFilter() for deliberate cross-tenant writes.`,
  );
}

export function tenantMove(entity: string): TenantIsolationError {
  return new TenantIsolationError(
    'TENANT_MOVE',
    `Refused to move a "${entity}" row to another tenant. Nothing was written; only a bypassTenantFilter() block may change tenantId.`,
  );
}
