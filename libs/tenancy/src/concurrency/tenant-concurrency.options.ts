import { TenancyConfigurationError } from '../errors/tenancy-configuration.error.js';
import type { TenantBulkheadOptions } from './tenant-bulkhead.js';

/** Option `tenantConcurrency`: the per-tenant share of the PostgreSQL connection pool. */
export interface TenantConcurrencyOptions {
  /** Pooled connections one tenant may hold at once; below the pool size, so that other tenants always find one. */
  max: number;
  /** How long a unit of work over the limit waits for a slot before 503 TENANT_BUSY. Default 1000. */
  queueTimeoutMs?: number;
  /** Retry-After (seconds) of the TENANT_BUSY answer. Default 1. */
  retryAfterSeconds?: number;
}

const DEFAULTS = { queueTimeoutMs: 1_000, retryAfterSeconds: 1 };
const OPTION = 'tenantConcurrency';

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TenancyConfigurationError(`${OPTION}.${name}`, `must be an integer >= ${min}; got ${JSON.stringify(value)}.`);
  }
  return value;
}

/** Undefined when the limit is off (the default, or `false`). */
export function resolveTenantConcurrency(value: TenantConcurrencyOptions | false | undefined): TenantBulkheadOptions | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new TenancyConfigurationError(OPTION, 'must be { max, queueTimeoutMs?, retryAfterSeconds? } or false.');
  }
  const unknown = Object.keys(value).filter((key) => !['max', 'queueTimeoutMs', 'retryAfterSeconds'].includes(key));
  if (unknown.length > 0) {
    throw new TenancyConfigurationError(`${OPTION}.${unknown[0]}`, 'is not an option; known: max, queueTimeoutMs, retryAfterSeconds.');
  }
  const options = { ...DEFAULTS, ...value };
  return {
    max: integer('max', options.max, 1),
    queueTimeoutMs: integer('queueTimeoutMs', options.queueTimeoutMs, 0),
    retryAfterSeconds: integer('retryAfterSeconds', options.retryAfterSeconds, 0),
  };
}

/**
 * At bind time, when the pool is known: a limit that is not below the pool
 * size protects nothing, and a DataSource without a pool has nothing to share.
 */
export function checkTenantConcurrencyFits(options: TenantBulkheadOptions, driverType: string, poolSize: number): void {
  if (driverType !== 'postgres') {
    throw new TenancyConfigurationError(
      OPTION,
      `shares out PostgreSQL pooled connections; the DataSource is ${driverType}. Remove the option for this DataSource.`,
    );
  }
  if (options.max >= poolSize) {
    throw new TenancyConfigurationError(
      `${OPTION}.max`,
      `is ${options.max}, not below the pool size (${poolSize}): one tenant could still take every connection. Lower it or raise poolSize.`,
    );
  }
}
