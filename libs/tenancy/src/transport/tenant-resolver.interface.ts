import type { TenantRequest } from './tenant-request.js';

/** Who a verified credential says the caller is. */
export interface TenantPrincipal {
  /** The `sub` claim, when the token has one. */
  readonly subject: string | undefined;
  /** Every verified claim of the token. */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** What one resolver learned from a request. */
export interface TenantResolution {
  /** The tenant this source names. Validated against `tenantIdPattern` before use. */
  tenantId?: string;
  /**
   * Set by sources that verify a credential: the only tenants the request may
   * use. Any tenant named by any resolver outside this list is refused (403).
   * An empty list allows none.
   */
  allowedTenants?: readonly string[];
  principal?: TenantPrincipal;
}

/**
 * One source of the tenant. `TenancyModule.forRoot({ resolvers })` runs every
 * resolver in order for each request; the first tenant named wins, and
 * resolvers naming different tenants are refused rather than guessed between.
 */
export interface TenantResolver {
  /**
   * `true` for sources that verify a credential (JWT). When every configured
   * resolver does, a request with no tenant is answered 401 rather than 400.
   */
  readonly verifiesCredential?: boolean;
  resolve(request: TenantRequest): TenantResolution | undefined | Promise<TenantResolution | undefined>;
}
