import { TenancyConfigurationError } from '../../errors/tenancy-configuration.error.js';
import type { TenantRequest } from '../tenant-request.js';
import type { TenantResolution, TenantResolver } from '../tenant-resolver.interface.js';

export type TenantResolverFn = (request: TenantRequest) => string | undefined | Promise<string | undefined>;

/** The tenant returned by a function of the request (`request.raw` is the adapter's own request). */
export class CustomTenantResolver implements TenantResolver {
  constructor(private readonly fn: TenantResolverFn) {
    if (typeof fn !== 'function') {
      throw new TenancyConfigurationError('resolvers: CustomTenantResolver', 'needs a function (request) => tenantId | undefined.');
    }
  }

  async resolve(request: TenantRequest): Promise<TenantResolution | undefined> {
    const tenantId = await this.fn(request);
    return tenantId === undefined || tenantId === '' ? undefined : { tenantId };
  }
}
