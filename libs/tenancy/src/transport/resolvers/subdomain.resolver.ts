import { TenancyConfigurationError } from '../../errors/tenancy-configuration.error.js';
import type { TenantRequest } from '../tenant-request.js';
import type { TenantResolution, TenantResolver } from '../tenant-resolver.interface.js';

export interface SubdomainTenantResolverOptions {
  /** `app.example.com`: `acme.app.example.com` names tenant `acme`. */
  baseDomain: string;
  /** Sub-domains that are not tenants (`www`, `api`...). */
  ignore?: readonly string[];
}

/**
 * The tenant named by the first label left of the base domain. Only the host
 * as the adapter trusts it is read: X-Forwarded-Host counts only when the app
 * is configured to trust its proxy.
 */
export class SubdomainTenantResolver implements TenantResolver {
  private readonly suffix: string;
  private readonly ignore: ReadonlySet<string>;

  constructor(options: SubdomainTenantResolverOptions) {
    const base = options?.baseDomain?.toLowerCase().replace(/^\.+|\.+$/g, '');
    if (!base) {
      throw new TenancyConfigurationError('resolvers: SubdomainTenantResolver.baseDomain', `must be a domain such as 'app.example.com'.`);
    }
    this.suffix = `.${base}`;
    this.ignore = new Set((options.ignore ?? []).map((label) => label.toLowerCase()));
  }

  resolve(request: TenantRequest): TenantResolution | undefined {
    const host = request.hostname?.toLowerCase().replace(/:\d+$/, '').replace(/\.$/, '');
    if (!host?.endsWith(this.suffix)) return undefined;
    // Deeper names (`a.b.app.example.com`) keep their dot and fail id validation.
    const tenantId = host.slice(0, -this.suffix.length);
    return tenantId === '' || this.ignore.has(tenantId) ? undefined : { tenantId };
  }
}
