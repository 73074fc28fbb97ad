import { describe, expect, it } from 'vitest';
import { resolveTenancyOptions } from './tenancy-options.validator.js';
import type { TenancyModuleOptions } from './tenancy-options.interface.js';
import { HeaderTenantResolver } from '../transport/resolvers/header.resolver.js';

const fails = (options: Record<string, unknown>, option: string) =>
  expect(() => resolveTenancyOptions(options as TenancyModuleOptions)).toThrow(`option "${option}"`);

describe('request-pipeline options', () => {
  it('defaults: the x-tenant-id header, global guard, a 30 s cache, no bypass', () => {
    const resolved = resolveTenancyOptions({});
    expect(resolved.resolvers).toHaveLength(1);
    expect(resolved.resolvers[0]).toBeInstanceOf(HeaderTenantResolver);
    expect(resolved).toMatchObject({ globalGuard: true, validationCache: { ttl: 30_000, max: 1000 }, canBypass: undefined });
  });

  it('a misspelt option fails start-up', () => fails({ resolver: [] }, 'resolver'));
  it('resolvers must be a non-empty array', () => fails({ resolvers: [] }, 'resolvers'));
  it('each resolver needs resolve()', () => fails({ resolvers: [{}] }, 'resolvers[0]'));
  it('validateTenant must be a function', () => fails({ validateTenant: true }, 'validateTenant'));
  it('canBypass must be a function', () => fails({ canBypass: 'admin' }, 'canBypass'));
  it('validationCache.ttl must be >= 0', () => fails({ validationCache: { ttl: -1 } }, 'validationCache.ttl'));
  it('validationCache.max must be a positive integer', () => fails({ validationCache: { max: 0 } }, 'validationCache.max'));
  it('globalGuard must be a boolean', () => fails({ globalGuard: 'no' }, 'globalGuard'));

  it('validationCache: false disables caching', () => {
    expect(resolveTenancyOptions({ validationCache: false }).validationCache.ttl).toBe(0);
  });
});

describe('the context settings a module hands its contexts and its DataSource', () => {
  it('carry its tenantIdPattern, audit sink and allowUnauditedBypass, frozen', () => {
    const audit = { record: () => undefined };
    const { context } = resolveTenancyOptions({ tenantIdPattern: /^[0-9]{3}$/, audit, allowUnauditedBypass: true });
    expect(context).toMatchObject({ tenantIdPattern: /^[0-9]{3}$/, audit, allowUnauditedBypass: true, bypassDetails: undefined });
    expect(Object.isFrozen(context)).toBe(true);
  });

  it("with citus: true, every bypass is audited with routing: 'all-shards' (it runs on every node)", () => {
    expect(resolveTenancyOptions({ citus: true }).context.bypassDetails).toEqual({ routing: 'all-shards' });
  });

  it('without an audit option, a Nest Logger sink of its own', () => {
    expect(resolveTenancyOptions({}).context.audit.constructor.name).toBe('LoggerAuditSink');
  });
});
