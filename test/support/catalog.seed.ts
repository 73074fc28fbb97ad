import type { DataSource } from 'typeorm';
import { onCitus, withoutForeignKeyChecks } from './citus.js';
import { bypassTenantFilter } from 'nestjs-tenancy';
import { Category, Note, Product, Review, Tag } from './catalog.entities.js';

export interface CatalogSeed {
  tools: Category;
  garden: Category;
  a1: Product;
  a2: Product;
  b1: Product;
  b2: Product;
  ra1: Review;
  /** Tenant a's review whose foreign key points at tenant b's product (planted). */
  raPlanted: Review;
  rb1: Review;
  ta1: Tag;
  tb1: Tag;
  na1: Note;
  /** Tenant a's note pinned to and about tenant b's product (planted). */
  naPlanted: Note;
}

/**
 * Two tenants with overlapping data (both have sku S-1), plus cross-tenant
 * references planted under a bypass: foreign keys and junction rows that
 * point from tenant a into tenant b. A filter that relies on foreign keys
 * alone would follow them and leak.
 */
export function seedCatalog(dataSource: DataSource): Promise<CatalogSeed> {
  return bypassTenantFilter(
    () =>
      withoutForeignKeyChecks(dataSource, async (m) => {
        const [tools, garden] = await m.save(Category, [{ name: 'Tools' }, { name: 'Garden' }]);
        const [a1, a2, b1, b2] = await m.save(Product, [
          { tenantId: 'a', name: 'A1', sku: 'S-1', price: 10, stock: 5, category: tools },
          { tenantId: 'a', name: 'A2', sku: 'S-2', price: 20, stock: 1 },
          { tenantId: 'b', name: 'B1', sku: 'S-1', price: 100, stock: 50, category: tools },
          { tenantId: 'b', name: 'B2', sku: 'S-3', price: 200, stock: 9, category: garden },
        ]);
        const [ra1, raPlanted, rb1] = await m.save(Review, [
          { tenantId: 'a', body: 'a on A1', product: a1 },
          { tenantId: 'a', body: 'a on B1', product: b1 },
          { tenantId: 'b', body: 'b on B1', product: b1 },
        ]);
        const [ta1, tb1] = await m.save(Tag, [
          { tenantId: 'a', label: 'red' },
          { tenantId: 'b', label: 'blue' },
        ]);
        a1.tags = [ta1, tb1];
        b1.tags = [tb1];
        await m.save(Product, [a1, b1]);
        const [na1, naPlanted, nb1] = await m.save(Note, [
          { tenantId: 'a', text: 'a about A1', pinned: a1 },
          { tenantId: 'a', text: 'a about B1', pinned: b1 },
          { tenantId: 'b', text: 'b about B1', pinned: b1 },
        ]);
        const about = m.createQueryBuilder().relation(Note, 'about');
        await about.of(na1).set(a1);
        await about.of(naPlanted).set(b1);
        await about.of(nb1).set(b1);
        return { tools, garden, a1, a2, b1, b2, ra1, raPlanted, rb1, ta1, tb1, na1, naPlanted };
      }),
    { reason: 'test seed' },
  );
}

/** The catalog's tables, children first, in the order they can be emptied. */
export const CATALOG_TABLES = ['product_tags', 'notes', 'reviews', 'tags', 'products', 'categories'];

/** Empties `tables` in order with raw SQL: setup must not depend on the tenant context under test. */
export async function clearTablesRaw(dataSource: DataSource, tables: readonly string[] = CATALOG_TABLES): Promise<void> {
  for (const table of tables) await dataSource.query(`DELETE FROM ${table}`);
}

/**
 * The same data as seedCatalog, written with raw SQL and fixed ids: no tenant
 * context is involved, so a suite that checks the context itself (the
 * security mutations switch it off) cannot fail in its setup instead.
 */
export function seedCatalogRaw(dataSource: DataSource): Promise<CatalogSeed> {
  return withoutForeignKeyChecks(dataSource, (m) => seedRaw(dataSource, (sql: string) => m.query(sql)));
}

async function seedRaw(dataSource: DataSource, q: (sql: string) => Promise<unknown>): Promise<CatalogSeed> {
  await q(`INSERT INTO categories (id, name) VALUES (1, 'Tools'), (2, 'Garden')`);
  await q(`INSERT INTO products (id, name, sku, price, stock, tenant_id, "categoryId") VALUES
    (1, 'A1', 'S-1', 10, 5, 'a', 1), (2, 'A2', 'S-2', 20, 1, 'a', NULL), (3, 'B1', 'S-1', 100, 50, 'b', 1), (4, 'B2', 'S-3', 200, 9, 'b', 2)`);
  await q(
    `INSERT INTO reviews (id, body, tenant_id, "productId") VALUES (1, 'a on A1', 'a', 1), (2, 'a on B1', 'a', 3), (3, 'b on B1', 'b', 3)`,
  );
  await q(`INSERT INTO tags (id, label, tenant_id) VALUES (1, 'red', 'a'), (2, 'blue', 'b')`);
  // On Citus the junction carries its rows' tenant (citus-keys.apply).
  await q(
    onCitus
      ? `INSERT INTO product_tags ("productsId", tenant_id, "tagsId") VALUES (1, 'a', 1), (1, 'a', 2), (3, 'b', 2)`
      : `INSERT INTO product_tags ("productsId", "tagsId") VALUES (1, 1), (1, 2), (3, 2)`,
  );
  await q(
    `INSERT INTO notes (id, text, org_id, "pinnedId", "aboutId") VALUES (1, 'a about A1', 'a', 1, 1), (2, 'a about B1', 'a', 3, 3), (3, 'b about B1', 'b', 3, 3)`,
  );
  if (dataSource.options.type === 'postgres') {
    for (const table of ['categories', 'products', 'reviews', 'tags', 'notes']) {
      await q(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT MAX(id) FROM ${table}))`);
    }
  }
  const row = <T>(id: number) => ({ id }) as T;
  return {
    tools: row(1),
    garden: row(2),
    a1: row(1),
    a2: row(2),
    b1: row(3),
    b2: row(4),
    ra1: row(1),
    raPlanted: row(2),
    rb1: row(3),
    ta1: row(1),
    tb1: row(2),
    na1: row(1),
    naPlanted: row(2),
  };
}
