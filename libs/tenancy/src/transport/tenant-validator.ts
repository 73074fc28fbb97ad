import { Inject, Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { TENANCY_OPTIONS } from '../constants.js';
import type { ResolvedTenancyHttpOptions } from './tenancy-http-options.js';
import type { TenantValidationContext } from './tenancy-http-options.js';

/** What the validator knows about who asks, beyond the public context. */
export interface TenantValidationCaller {
  /** The principal came from a resolver that verified a credential (a JWT signature), not from a header. */
  principalVerified: boolean;
}

/** isValid's answer when no `validateTenant` is configured: the pipeline recognises it and goes on without awaiting it. */
export const ADMITTED_UNVALIDATED: Promise<boolean> = Promise.resolve(true);
const UNVERIFIED: TenantValidationCaller = Object.freeze({ principalVerified: false });

/**
 * Runs the `validateTenant` option with a bounded TTL cache. "May this caller
 * use this tenant" differs per caller, and the library cannot see every way
 * an app identifies one (Passport's request.user, an API key, a session), so
 * an answer is reused only for callers it can tell apart:
 * - with `validationCache.key`, per tenant and the key the app computes (its
 *   undefined means "do not cache this one");
 * - without it, per tenant, issuer and subject of a token a resolver verified;
 *   any other request (no token, a token without `sub`, an unverified
 *   principal from a custom resolver) is validated every time.
 * Call `invalidate(tenantId)` after creating, suspending or deleting a
 * tenant, so that the change applies before the TTL runs out.
 */
@Injectable()
export class TenantValidator {
  private readonly cache: LRUCache<string, Promise<boolean>> | undefined;
  /** Per principal object: the key last built for it (see cacheKey). */
  private readonly principalKeys = new WeakMap<
    object,
    { tenantId: string; subject: string | undefined; issuer: string | null; key: string }
  >();

  constructor(@Inject(TENANCY_OPTIONS) private readonly options: ResolvedTenancyHttpOptions) {
    const { ttl, max } = options.validationCache;
    // lru-cache reads ttl 0 as "never expires": a disabled cache is no cache.
    this.cache = ttl > 0 ? new LRUCache({ ttl, max }) : undefined;
  }

  isValid(tenantId: string, ctx: TenantValidationContext, caller: TenantValidationCaller = UNVERIFIED): Promise<boolean> {
    const validate = this.options.validateTenant;
    if (!validate) return ADMITTED_UNVALIDATED;
    // Only a literal true admits: a truthy mistake (a row object, a string) must not.
    const ask = async () => (await validate(tenantId, ctx)) === true;
    const key = this.cache && this.cacheKey(tenantId, ctx, caller);
    if (!this.cache || key === undefined) return ask();
    const hit = this.cache.get(key);
    if (hit) return hit;
    const answer = ask();
    this.cache.set(key, answer);
    // A failed lookup (the tenant store is down) is not an answer: ask again next time.
    answer.catch(() => {
      if (this.cache?.get(key, { updateAgeOnGet: false }) === answer) this.cache.delete(key);
    });
    return answer;
  }

  invalidate(tenantId: string): void {
    if (!this.cache) return;
    for (const key of [...this.cache.keys()]) if ((JSON.parse(key) as [string, string])[0] === tenantId) this.cache.delete(key);
  }

  clear(): void {
    this.cache?.clear();
  }

  /**
   * The cache key of this tenant for this caller, or undefined when the caller
   * cannot be told apart. A verified token's principal is one object shared by
   * every request that sends the token (the resolver's cache): its key is kept
   * beside it, so a repeated request builds no string.
   */
  private cacheKey(tenantId: string, ctx: TenantValidationContext, caller: TenantValidationCaller): string | undefined {
    const { key } = this.options.validationCache;
    if (key) {
      const value = key(tenantId, ctx);
      return typeof value === 'string' ? JSON.stringify([tenantId, `app:${value}`]) : undefined;
    }
    const principal = ctx.principal;
    const subject = principal?.subject;
    if (!caller.principalVerified || typeof subject !== 'string' || subject === '') return undefined;
    const issuer = typeof principal?.claims.iss === 'string' ? principal.claims.iss : null;
    // Compared field by field: a custom resolver may hand out one principal object and change it.
    const known = principal && this.principalKeys.get(principal);
    if (known && known.tenantId === tenantId && known.subject === subject && known.issuer === issuer) return known.key;
    const built = JSON.stringify([tenantId, `jwt:${JSON.stringify([issuer, subject])}`]);
    if (principal) this.principalKeys.set(principal, { tenantId, subject, issuer, key: built });
    return built;
  }
}
