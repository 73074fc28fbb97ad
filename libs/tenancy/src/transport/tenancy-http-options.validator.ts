import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { HeaderTenantResolver } from './resolvers/header.resolver.js';
import type { ResolvedTenancyHttpOptions, TenancyHttpOptions } from './tenancy-http-options.js';

export const TENANCY_HTTP_OPTION_NAMES = [
  'resolvers',
  'validateTenant',
  'validationCache',
  'canBypass',
  'globalGuard',
] as const satisfies ReadonlyArray<keyof TenancyHttpOptions>;

const DEFAULT_CACHE = { ttl: 30_000, max: 1000, key: undefined };

function optionalFunction(name: string, value: unknown, shape: string): void {
  if (value !== undefined && typeof value !== 'function') {
    throw new TenancyConfigurationError(name, `must be a function ${shape}.`);
  }
}

/** Defaults and start-up checks of the request-pipeline options. */
/** The request pipeline's own options; `context` is the module's, added by its validator. */
export function resolveHttpOptions(options: TenancyHttpOptions): Omit<ResolvedTenancyHttpOptions, 'context'> {
  const resolvers = options.resolvers ?? [new HeaderTenantResolver()];
  if (!Array.isArray(resolvers) || resolvers.length === 0) {
    throw new TenancyConfigurationError('resolvers', 'must be a non-empty array such as [new HeaderTenantResolver()].');
  }
  resolvers.forEach((resolver, index) => {
    if (typeof resolver?.resolve !== 'function') {
      throw new TenancyConfigurationError(`resolvers[${index}]`, 'must be an object with a resolve(request) method (a TenantResolver).');
    }
  });
  optionalFunction('validateTenant', options.validateTenant, '(tenantId, ctx) => boolean | Promise<boolean>');
  optionalFunction('canBypass', options.canBypass, '(ctx) => boolean | Promise<boolean>');
  const cache = options.validationCache === false ? { ...DEFAULT_CACHE, ttl: 0, max: 1 } : { ...DEFAULT_CACHE, ...options.validationCache };
  if (!Number.isFinite(cache.ttl) || cache.ttl < 0) {
    throw new TenancyConfigurationError('validationCache.ttl', 'must be a number of milliseconds >= 0.');
  }
  if (!Number.isInteger(cache.max) || cache.max < 1) {
    throw new TenancyConfigurationError('validationCache.max', 'must be an integer >= 1.');
  }
  optionalFunction('validationCache.key', cache.key, '(tenantId, ctx) => string | undefined');
  if (options.globalGuard !== undefined && typeof options.globalGuard !== 'boolean') {
    throw new TenancyConfigurationError('globalGuard', 'must be true or false.');
  }
  return {
    resolvers: [...resolvers],
    validateTenant: options.validateTenant,
    validationCache: cache,
    canBypass: options.canBypass,
    globalGuard: options.globalGuard ?? true,
  };
}
