import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataSource } from 'typeorm';
import { bypassTenantFilter, enableCitusKeys, runWithTenant } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Note, Product, Review, Tag } from '../support/catalog.entities.js';
import { createTestDatabase, dropTestDatabase, postgresUrl, superuserQuery } from '../support/postgres.js';

/**
 * Attacks on a Citus-keyed schema (citus: true), where references between
 * scoped entities carry the tenant: a reference naming another tenant's row
 * must be refused by the library before any SQL, not left to the database.
 * Citus keys need PostgreSQL, so these cases run there only.
 */
describe('Citus-keyed attack catalogue (postgres)', () => {
  let database: string;
  let ds: DataSource;
  let b1: Product;
  let bTag: Tag;

  beforeAll(async () => {
    database = await createTestDatabase();
    ds = enableCitusKeys(new DataSource({ type: 'postgres', url: postgresUrl(database), entities: CATALOG_ENTITIES, synchronize: true }));
    await ds.initialize();
    [b1, bTag] = await runWithTenant('b', () =>
      Promise.all([ds.getRepository(Product).save({ name: 'B1', sku: 'S-1' }), ds.getRepository(Tag).save({ label: 'blue' })]),
    );
  });
  afterAll(async () => {
    await ds.destroy();
    await dropTestDatabase(database);
  });

  const asA = <T>(fn: () => Promise<T>) => runWithTenant('a', fn);
  const rowsOfA = async () => {
    const rows = await superuserQuery<{ n: string }>(
      database,
      `SELECT (SELECT count(*) FROM reviews WHERE tenant_id = 'a') + (SELECT count(*) FROM notes WHERE org_id = 'a')
        + (SELECT count(*) FROM products WHERE tenant_id = 'a') + (SELECT count(*) FROM product_tags WHERE tenant_id = 'a') AS n`,
    );
    return Number(rows[0].n);
  };
  const refusedBeforeSql = async (attack: () => Promise<unknown>) => {
    const before = await rowsOfA();
    await expect(attack()).rejects.toMatchObject({ name: 'TenantIsolationError', code: 'TENANT_MISMATCH' });
    expect(await rowsOfA()).toBe(before);
  };

  it('[citus-reference-stamp] a review pointing at the other tenant product by its full key', () =>
    refusedBeforeSql(() => asA(() => ds.getRepository(Review).save({ body: 'x', product: { id: b1.id, tenantId: 'b' } }))));
  it('[citus-reference-stamp] a note pinned to the other tenant product (eager relation)', () =>
    refusedBeforeSql(() => asA(() => ds.getRepository(Note).save({ text: 'x', pinned: { id: b1.id, tenantId: 'b' } as Product }))));
  // Untagged on purpose: the junction insert guard stops it too, so neither mutation alone makes it fail.
  it('a product tagged with the other tenant tag (many-to-many junction)', () =>
    refusedBeforeSql(() =>
      asA(() => ds.getRepository(Product).save({ name: 'A', sku: 'S-2', tags: [{ id: bTag.id, tenantId: 'b' } as Tag] })),
    ));
  it('[citus-reference-stamp] re-pointing an own review at the other tenant product on update', async () => {
    const review = await asA(() => ds.getRepository(Review).save({ body: 'own' }));
    review.product = { id: b1.id, tenantId: 'b' } as Product;
    await refusedBeforeSql(() => asA(() => ds.getRepository(Review).save(review)));
    const stored = await bypassTenantFilter(() =>
      ds.getRepository(Review).findOneOrFail({ where: { id: review.id }, relations: { product: true } }),
    );
    expect(stored.product).toBeNull();
  });
});
