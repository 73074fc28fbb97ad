import { TenantIsolationError } from '../errors/tenant-isolation.error.js';

/*
 * Refusals of the request pipeline. Messages never repeat what the client sent
 * (a token, another tenant's id): they end up in logs and in response bodies.
 */

export function tenantRequired(): TenantIsolationError {
  return new TenantIsolationError('TENANT_REQUIRED', 'This request names no tenant.');
}

export function tokenInvalid(): TenantIsolationError {
  return new TenantIsolationError('TENANT_TOKEN_INVALID', 'The bearer token is invalid, expired or not signed by a trusted key.');
}

export function tenantForbidden(why: string): TenantIsolationError {
  return new TenantIsolationError('TENANT_FORBIDDEN', `The requested tenant is not allowed: ${why}.`);
}

export function tenantUnknown(): TenantIsolationError {
  return new TenantIsolationError('TENANT_UNKNOWN', 'The tenant does not exist, is inactive or is not accessible.');
}

export function bypassForbidden(): TenantIsolationError {
  return new TenantIsolationError('TENANT_BYPASS_FORBIDDEN', 'This route reads across tenants and the caller is not allowed to.');
}
