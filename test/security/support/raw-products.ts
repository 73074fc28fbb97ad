import type { DataSource } from 'typeorm';

export interface ProductRow {
  id: number;
  name: string;
  tenantId: string;
}

/*
 * Setup and checks in raw SQL, outside the library: the oracle of an attack
 * must not depend on the protection being switched off (a bypass context, the
 * ORM filter), or a mutation would break the check instead of the defence.
 */

const placeholder = (dataSource: DataSource, index: number) => (dataSource.options.type === 'postgres' ? `$${index}` : '?');

/** Empties the products table and inserts `names` for each tenant (sku = name). */
export async function resetProducts(dataSource: DataSource, byTenant: Record<string, string[]>): Promise<void> {
  await dataSource.query('DELETE FROM products');
  for (const [tenantId, names] of Object.entries(byTenant)) {
    for (const name of names) {
      await dataSource.query(
        `INSERT INTO products (name, sku, tenant_id) VALUES (${placeholder(dataSource, 1)}, ${placeholder(dataSource, 2)}, ${placeholder(dataSource, 3)})`,
        [name, name, tenantId],
      );
    }
  }
}

/** Every product of every tenant, in id order. */
export async function rawProducts(dataSource: DataSource): Promise<ProductRow[]> {
  const rows: Array<{ id: number | string; name: string; tenant_id: string }> = await dataSource.query(
    'SELECT id, name, tenant_id FROM products ORDER BY id',
  );
  return rows.map((row) => ({ id: Number(row.id), name: row.name, tenantId: row.tenant_id }));
}
