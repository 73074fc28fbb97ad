import { Logger } from '@nestjs/common';
import type { ResolvedTenancyHttpOptions } from './tenancy-http-options.js';
import { HeaderTenantResolver } from './resolvers/header.resolver.js';
import { PathTenantResolver } from './resolvers/path.resolver.js';
import { PayloadTenantResolver } from './resolvers/payload.resolver.js';
import { SubdomainTenantResolver } from './resolvers/subdomain.resolver.js';

/** Resolvers that take the tenant id from what the client sends, unverified. */
const CLIENT_CONTROLLED = [HeaderTenantResolver, SubdomainTenantResolver, PathTenantResolver, PayloadTenantResolver];

/**
 * Without validateTenant and without credentials that vouch for the tenant
 * (a JWT or a custom resolver), any well-formed tenant id a client names is
 * served, including ids of tenants that do not exist. Legal for a trusted
 * network, so a warning at start-up rather than an error.
 */
export function warnIfTenantsUnvalidated(options: ResolvedTenancyHttpOptions, logger = new Logger('TenancyModule')): void {
  if (options.validateTenant !== undefined) return;
  if (!options.resolvers.every((resolver) => CLIENT_CONTROLLED.some((type) => resolver instanceof type))) return;
  const sources = options.resolvers.map((resolver) => resolver.constructor.name).join(', ');
  logger.warn(
    `No "validateTenant" option: the tenant comes from the client (${sources}) and any well-formed tenant id is accepted, including tenants that do not exist or that the caller may not use. Set validateTenant: (tenantId, ctx) => boolean | Promise<boolean> to check the tenant exists and the caller may use it.`,
  );
}
