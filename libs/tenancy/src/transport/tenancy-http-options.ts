import type { TenantContextSettings } from '../context/tenant-context.settings.js';
import type { ExecutionContext } from '@nestjs/common';
import type { TenantRequest } from './tenant-request.js';
import type { TenantPrincipal, TenantResolver } from './tenant-resolver.interface.js';

export interface TenantValidationContext {
  request: TenantRequest;
  /** The verified token's subject and claims, when a JWT resolver verified one. */
  principal: TenantPrincipal | undefined;
}

/** `true` when the tenant exists, is active and the caller may use it. `false` answers 404 TENANT_UNKNOWN. */
export type ValidateTenantFn = (tenantId: string, ctx: TenantValidationContext) => boolean | Promise<boolean>;

export interface TenantBypassContext {
  context: ExecutionContext;
  request: TenantRequest;
  principal: TenantPrincipal | undefined;
  /** The tenant the request also names, if any. */
  tenantId: string | undefined;
}

/** Decides whether a `@BypassTenant()` route may run for this caller; `false` answers 403 and the route does not run. */
export type CanBypassFn = (ctx: TenantBypassContext) => boolean | Promise<boolean>;

/**
 * Who a validateTenant answer may be reused for: a string naming the caller
 * as far as the decision depends on it (the user id of `request.user`, the
 * API key's id, `''` when the answer depends on the tenant only), or
 * undefined to validate this request without the cache.
 */
export type TenantValidationCacheKeyFn = (tenantId: string, ctx: TenantValidationContext) => string | undefined;

export interface TenantValidationCacheOptions {
  /** Milliseconds a validateTenant answer is reused. Default 30 000; 0 disables caching. */
  ttl?: number;
  /** Most answers kept (least recently used dropped first). Default 1000. */
  max?: number;
  /**
   * The caller part of the cache key. Without it, answers are cached only for
   * callers whose token a resolver verified, per issuer and `sub`; requests
   * without one (header only, Passport's request.user, an API key, a token
   * without `sub`) are validated every time, since the library cannot tell
   * those callers apart.
   */
  key?: TenantValidationCacheKeyFn;
}

/** The request-pipeline options of TenancyModule (part of TenancyModuleOptions). */
export interface TenancyHttpOptions {
  /** Sources of the request's tenant, run in order. Default `[new HeaderTenantResolver()]` (`x-tenant-id`). */
  resolvers?: TenantResolver[];
  /** Exists, active, and the caller may use it. `false` answers 404 TENANT_UNKNOWN; answers are cached (`validationCache`). */
  validateTenant?: ValidateTenantFn;
  /**
   * Cache of validateTenant answers. Default `{ ttl: 30_000, max: 1000 }`, keyed per tenant and verified token
   * subject only (other callers are not cached); `key` names the caller yourself; `false` disables.
   */
  validationCache?: TenantValidationCacheOptions | false;
  /** Whether a `@BypassTenant()` route may run for this caller. Without it, such routes always answer 403. */
  canBypass?: CanBypassFn;
  /** `true` (default): TenantGuard and TenantInterceptor apply globally. `false`: apply them (or subclasses) yourself. */
  globalGuard?: boolean;
}

/** The request-pipeline options after defaults and validation: what the transport providers read. */
export interface ResolvedTenancyHttpOptions {
  resolvers: readonly TenantResolver[];
  validateTenant: ValidateTenantFn | undefined;
  validationCache: Required<Pick<TenantValidationCacheOptions, 'ttl' | 'max'>> & Pick<TenantValidationCacheOptions, 'key'>;
  canBypass: CanBypassFn | undefined;
  globalGuard: boolean;
  /** The settings every request context of this module carries (tenantIdPattern, audit sink...). */
  context: TenantContextSettings;
}
