import { TenantIsolationError } from './tenant-isolation.error.js';

/*
 * Refusals of the request pipeline. Messages never repeat what the client sent
 * (a token, another tenant's id): they end up in logs. Clients get the
 * catalogue's fixed message instead; these say the developer what to change.
 */

export function tenantRequired(): TenantIsolationError {
  return new TenantIsolationError(
    'TENANT_REQUIRED',
    'This request names no tenant. Send it the way the configured resolvers read it (header, token, subdomain, path or payload), or mark the route @TenantOptional() if it works without one.',
  );
}

export function tokenInvalid(): TenantIsolationError {
  return new TenantIsolationError(
    'TENANT_TOKEN_INVALID',
    'The bearer token is invalid, expired or not signed by a trusted key. Check the JwtTenantResolver options (secret or keys, issuer, audience, algorithms) against the token issuer.',
  );
}

export function tenantForbidden(why: string): TenantIsolationError {
  return new TenantIsolationError('TENANT_FORBIDDEN', `The requested tenant is not allowed: ${why}.`);
}

export function tenantUnknown(): TenantIsolationError {
  return new TenantIsolationError(
    'TENANT_UNKNOWN',
    'The tenant does not exist, is inactive or is not accessible (option "validateTenant" said no). After activating a tenant, call TenantValidator.invalidate(tenantId).',
  );
}

export function bypassForbidden(): TenantIsolationError {
  return new TenantIsolationError(
    'TENANT_BYPASS_FORBIDDEN',
    'This route reads across tenants and the caller is not allowed to: option "canBypass" is missing or did not return true.',
  );
}
