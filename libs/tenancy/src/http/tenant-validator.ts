import { Inject, Injectable } from '@nestjs/common';
import { TENANCY_OPTIONS } from '../constants.js';
import type { ResolvedTenancyOptions } from '../tenancy-options.interface.js';
import type { TenantValidationContext } from './tenancy-http-options.js';
import { TtlCache } from './ttl-cache.js';

const SEPARATOR = '\u0000';

/**
 * Runs the `validateTenant` option with a small TTL cache. Answers are cached
 * per tenant and token subject, because "may this user use it" differs per
 * user. Call `invalidate(tenantId)` after creating, suspending or deleting a
 * tenant, so that the change applies before the TTL runs out.
 */
@Injectable()
export class TenantValidator {
  private readonly cache: TtlCache<boolean>;

  constructor(@Inject(TENANCY_OPTIONS) private readonly options: ResolvedTenancyOptions) {
    this.cache = new TtlCache(options.validationCache.ttl, options.validationCache.max);
  }

  isValid(tenantId: string, ctx: TenantValidationContext): Promise<boolean> {
    const validate = this.options.validateTenant;
    if (!validate) return Promise.resolve(true);
    const key = `${tenantId}${SEPARATOR}${ctx.principal?.subject ?? ''}`;
    // Only a literal true admits: a truthy mistake (a row object, a string) must not.
    return this.cache.get(key, async () => (await validate(tenantId, ctx)) === true);
  }

  invalidate(tenantId: string): void {
    const prefix = `${tenantId}${SEPARATOR}`;
    this.cache.deleteWhere((key) => key.startsWith(prefix));
  }

  clear(): void {
    this.cache.clear();
  }
}
