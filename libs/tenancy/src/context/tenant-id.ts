import { TenantIsolationError } from '../errors/tenant-isolation.error.js';

/** Returns the id when it matches `pattern` (a context's or a DataSource's tenantIdPattern), else throws TENANT_INVALID. */
export function assertValidTenantId(tenantId: unknown, pattern: RegExp): string {
  // lastIndex would make a /g or /y pattern alternate between true and false.
  pattern.lastIndex = 0;
  if (typeof tenantId !== 'string' || !pattern.test(tenantId)) {
    throw TenantIsolationError.invalidId(pattern);
  }
  return tenantId;
}

export function matchesTenantIdPattern(tenantId: unknown, pattern: RegExp): tenantId is string {
  try {
    assertValidTenantId(tenantId, pattern);
    return true;
  } catch {
    return false;
  }
}
