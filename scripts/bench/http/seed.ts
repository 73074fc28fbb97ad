import { freshDatabase } from '../../../support/postgres-server.js';
import { DataSource } from 'typeorm';
import { PlainCategory, PlainProduct } from '../support/plain-entities.js';
import { ROWS_PER_TENANT, TENANTS, tenantId } from './bench-config.js';

/** A fresh database of TENANTS × ROWS_PER_TENANT products (indexed on tenant_id, as @TenantScoped declares); returns its URL. */
export async function seedDatabase(adminUrl: string, name: string): Promise<string> {
  const url = await freshDatabase(adminUrl, name);
  const ds = await new DataSource({
    type: 'postgres',
    url,
    entities: [PlainCategory, PlainProduct],
    synchronize: true,
  }).initialize();
  try {
    const rows = Array.from({ length: TENANTS }, (_, t) =>
      Array.from({ length: ROWS_PER_TENANT }, (_, i) => ({ name: `p${i}`, sku: `s${i}`, price: i, tenantId: tenantId(t) })),
    ).flat();
    await ds.getRepository(PlainProduct).insert(rows);
    await ds.query('CREATE INDEX products_tenant_id ON products (tenant_id)');
    await ds.query('ANALYZE products');
  } finally {
    await ds.destroy();
  }
  return url.toString();
}
