import type { DataSource } from 'typeorm';
import { bypassTenantFilter, type BypassOptions } from 'nestjs-tenancy';
import { Product } from '../../support/catalog.entities.js';

/**
 * Products per tenant, written under an explicit bypass (test setup only).
 * An app whose module has its own audit sink accepts only bypasses that sink
 * recorded: pass its TenantContext's bypass then.
 */
export function seedProducts(
  dataSource: DataSource,
  byTenant: Record<string, string[]>,
  bypass: (fn: () => Promise<void>, options: BypassOptions) => Promise<void> = bypassTenantFilter,
): Promise<void> {
  const rows = Object.entries(byTenant).flatMap(([tenantId, names]) =>
    names.map((name, index) => ({ tenantId, name, sku: `${tenantId}-${index}` })),
  );
  return bypass(
    async () => {
      await dataSource.getRepository(Product).insert(rows);
    },
    { reason: 'test seed' },
  );
}

/** Every product, straight from the database, for "nothing was written" checks. */
export function allProducts(dataSource: DataSource): Promise<Product[]> {
  return bypassTenantFilter(() => dataSource.getRepository(Product).find({ order: { id: 'ASC' } }), { reason: 'test check' });
}
