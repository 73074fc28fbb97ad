import { bypassTenantFilter, runWithTenantSettings, type TenantContextSettings } from 'nestjs-tenancy';

/**
 * bypassTenantFilter under the settings a case picks (its audit sink, its
 * allowUnauditedBypass), read when the bypass starts. Context settings travel
 * with the context, not in a global, so a suite without Nest hands them in here.
 */
export function bypassUnder(settings: () => Partial<TenantContextSettings>): typeof bypassTenantFilter {
  return ((fn: () => unknown, options?: Parameters<typeof bypassTenantFilter>[1]) =>
    runWithTenantSettings(settings(), () => bypassTenantFilter(fn, options))) as typeof bypassTenantFilter;
}

/** Any other context function (bypassTenantRls...) under the settings a case picks. */
export function under<A extends unknown[], R>(settings: () => Partial<TenantContextSettings>, fn: (...args: A) => R): (...args: A) => R {
  return (...args) => runWithTenantSettings(settings(), () => fn(...args));
}
