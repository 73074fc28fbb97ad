import { TenantIsolationError } from '../errors/tenant-isolation.error.js';
import { tenantContextConfig } from './tenant-context.config.js';

/** Returns the id when it matches `tenantIdPattern`, else throws TENANT_INVALID. */
export function assertValidTenantId(tenantId: unknown): string {
  const pattern = tenantContextConfig().tenantIdPattern;
  // lastIndex would make a /g or /y pattern alternate between true and false.
  pattern.lastIndex = 0;
  if (typeof tenantId !== 'string' || !pattern.test(tenantId)) {
    throw TenantIsolationError.invalidId(pattern);
  }
  return tenantId;
}

export function isValidTenantId(tenantId: unknown): tenantId is string {
  try {
    assertValidTenantId(tenantId);
    return true;
  } catch {
    return false;
  }
}
