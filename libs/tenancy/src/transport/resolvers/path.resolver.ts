import type { TenantRequest } from '../tenant-request.js';
import type { TenantResolution, TenantResolver } from '../tenant-resolver.interface.js';

export interface PathTenantResolverOptions {
  /** Route parameter name, as in `@Get(':tenantId/products')`. Default `tenantId`. */
  param?: string;
}

/** The tenant named by a route parameter; routes without that parameter name none. */
export class PathTenantResolver implements TenantResolver {
  readonly param: string;

  constructor(options: PathTenantResolverOptions = {}) {
    this.param = options.param ?? 'tenantId';
  }

  resolve(request: TenantRequest): TenantResolution | undefined {
    const value = request.params[this.param];
    if (value === undefined || value === '') return undefined;
    // A non-string value is passed on as is, so that id validation refuses it.
    return { tenantId: value as string };
  }
}
