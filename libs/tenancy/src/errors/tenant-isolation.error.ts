import type { TenantIsolationErrorCode } from './tenancy-error.catalogue.js';

/**
 * Raised whenever an operation would cross, escape or lack a tenant boundary.
 * It is always raised before any SQL is sent for the operation it refuses.
 */
export class TenantIsolationError extends Error {
  override readonly name = 'TenantIsolationError';

  constructor(
    readonly code: TenantIsolationErrorCode,
    message: string,
  ) {
    super(message);
  }

  static required(operation: string): TenantIsolationError {
    return new TenantIsolationError(
      'TENANT_REQUIRED',
      `No tenant is set for ${operation}. Potential solutions:
- run the code inside a request resolved by the TenantGuard, or inside runWithTenant(tenantId, fn)
- call setCurrentTenant(tenantId) first in scripts and jobs
- wrap deliberate cross-tenant work in bypassTenantFilter(fn)`,
    );
  }

  static invalidId(pattern: RegExp): TenantIsolationError {
    return new TenantIsolationError('TENANT_INVALID', `Invalid tenant id: it must match ${String(pattern)} (option "tenantIdPattern").`);
  }
}
