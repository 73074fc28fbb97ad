/**
 * Stable machine-readable codes. Clients and the HTTP filter switch on these,
 * never on messages, so a code is never renamed once released.
 */
export type TenantIsolationErrorCode =
  | 'TENANT_REQUIRED'
  | 'TENANT_INVALID'
  | 'TENANT_MISMATCH'
  | 'TENANT_MOVE'
  | 'TENANT_UNSUPPORTED_QUERY'
  | 'TENANT_UNKNOWN'
  | 'TENANT_FORBIDDEN'
  | 'TENANT_BYPASS_FORBIDDEN'
  | 'TENANT_TOKEN_INVALID'
  | 'TENANT_AUDIT_UNAVAILABLE';

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
