import type { TenantIsolationError } from '../errors/tenant-isolation.error.js';

/** The JSON body of every tenancy refusal. */
export interface TenantErrorBody {
  statusCode: number;
  error: string;
  code: string;
  message: string;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  503: 'Service Unavailable',
};

/**
 * Fixed public messages: the error's own message may name entities or carry
 * hints for developers, and must not reach clients. Codes not listed (raised
 * by data access inside a handler) are 403: the request tried to cross a
 * tenant boundary, which is the client's doing, never a 500.
 */
const RESPONSES: Partial<Record<string, [status: number, message: string]>> = {
  TENANT_REQUIRED: [400, 'This request must name a tenant.'],
  TENANT_INVALID: [400, 'The tenant id is malformed.'],
  TENANT_UNKNOWN: [404, 'Unknown or inactive tenant.'],
  TENANT_TOKEN_INVALID: [401, 'The bearer token is invalid, expired or not signed by a trusted key.'],
  TENANT_FORBIDDEN: [403, 'The credentials do not grant access to the requested tenant.'],
  TENANT_BYPASS_FORBIDDEN: [403, 'This route reads across tenants and the caller is not allowed to.'],
  TENANT_MISMATCH: [403, 'The request tried to write data of another tenant; nothing was written.'],
  TENANT_MOVE: [403, 'Records cannot be moved to another tenant; nothing was written.'],
  // Not the client's fault and worth retrying: the audit store is down, so no bypass runs.
  TENANT_AUDIT_UNAVAILABLE: [503, 'Cross-tenant access is unavailable while the audit log cannot record it.'],
};

export interface TenantErrorMapping {
  /** Every resolver verifies a credential: a missing tenant is a missing credential (401). */
  credentialOnly: boolean;
}

export function tenantErrorBody(error: TenantIsolationError, mapping: TenantErrorMapping): TenantErrorBody {
  let [statusCode, message] = RESPONSES[error.code] ?? [403, 'The request was refused by tenant isolation.'];
  if (error.code === 'TENANT_REQUIRED' && mapping.credentialOnly) {
    [statusCode, message] = [401, 'This request needs a bearer token naming a tenant.'];
  }
  return { statusCode, error: REASONS[statusCode] ?? 'Error', code: error.code, message };
}
