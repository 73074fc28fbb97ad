import type { TenantRequest } from '../tenant-request.js';
import type { TenantResolution, TenantResolver } from '../tenant-resolver.interface.js';

export const DEFAULT_TENANT_HEADER = 'x-tenant-id';

export interface HeaderTenantResolverOptions {
  /** Default `x-tenant-id`. */
  header?: string;
}

/**
 * The tenant named by a request header. The client controls it: on its own it
 * is only as trustworthy as `validateTenant` makes it; next to a JWT resolver
 * it can only pick among the tenants the token allows.
 */
export class HeaderTenantResolver implements TenantResolver {
  readonly header: string;

  constructor(options: HeaderTenantResolverOptions = {}) {
    this.header = (options.header ?? DEFAULT_TENANT_HEADER).toLowerCase();
  }

  resolve(request: TenantRequest): TenantResolution | undefined {
    const tenantId = request.header(this.header);
    return tenantId === undefined || tenantId === '' ? undefined : { tenantId };
  }
}
