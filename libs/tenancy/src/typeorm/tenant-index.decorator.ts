import { getMetadataArgsStorage } from 'typeorm';
import { DEFAULT_TENANT_PROPERTY } from '../constants.js';

export interface TenantIndexOptions {
  /** `true` makes the columns unique per tenant: two tenants may share a value. */
  unique?: boolean;
  name?: string;
}

/**
 * A composite index led by the tenant column, e.g. `@TenantIndex(['sku'], { unique: true })`
 * gives a unique `(tenant_id, sku)`: the per-tenant composite indexes of the FastAPI ORM design we follow.
 */
export function TenantIndex(columns: string[], options: TenantIndexOptions = {}): ClassDecorator {
  return (target) => {
    getMetadataArgsStorage().indices.push({
      target,
      name: options.name,
      columns: [DEFAULT_TENANT_PROPERTY, ...columns],
      synchronize: true,
      unique: options.unique ?? false,
    });
  };
}

/** Shorthand for `@TenantIndex(columns, { unique: true })`. */
export function TenantUnique(columns: string[], options: Omit<TenantIndexOptions, 'unique'> = {}): ClassDecorator {
  return TenantIndex(columns, { ...options, unique: true });
}
