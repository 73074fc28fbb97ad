import { describe, expect, it } from 'vitest';
import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import { checkTenantConcurrencyFits, resolveTenantConcurrency, type TenantConcurrencyOptions } from './tenant-concurrency.options.js';

describe('option tenantConcurrency', () => {
  it('is off by default and with false', () => {
    expect(resolveTenantConcurrency(undefined)).toBeUndefined();
    expect(resolveTenantConcurrency(false)).toBeUndefined();
  });

  it('fills in queueTimeoutMs and retryAfterSeconds', () => {
    expect(resolveTenantConcurrency({ max: 3 })).toEqual({ max: 3, queueTimeoutMs: 1_000, retryAfterSeconds: 1 });
  });

  it.each([
    [{ max: 0 }, 'tenantConcurrency.max'],
    [{ max: 1.5 }, 'tenantConcurrency.max'],
    [{ max: '2' }, 'tenantConcurrency.max'],
    [{ max: 2, queueTimeoutMs: -1 }, 'tenantConcurrency.queueTimeoutMs'],
    [{ max: 2, retryAfterSeconds: Number.NaN }, 'tenantConcurrency.retryAfterSeconds'],
    [{ max: 2, queueTimeout: 5 }, 'tenantConcurrency.queueTimeout'],
    [true, 'tenantConcurrency'],
  ])('refuses %j, naming %s', (value, option) => {
    const attempt = () => resolveTenantConcurrency(value as unknown as TenantConcurrencyOptions);
    expect(attempt).toThrow(TenancyConfigurationError);
    expect(attempt).toThrow(`"${option}"`);
  });

  it('must be below the pool size, and applies to PostgreSQL only', () => {
    const options = { max: 10, queueTimeoutMs: 1_000, retryAfterSeconds: 1 };
    expect(() => checkTenantConcurrencyFits(options, 'postgres', 10)).toThrow('not below the pool size (10)');
    expect(() => checkTenantConcurrencyFits({ ...options, max: 9 }, 'postgres', 10)).not.toThrow();
    expect(() => checkTenantConcurrencyFits({ ...options, max: 1 }, 'better-sqlite3', 10)).toThrow('the DataSource is better-sqlite3');
  });
});
