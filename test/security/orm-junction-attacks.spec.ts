import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bypassTenantFilter, runWithTenant } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Category, Note, Product, Review } from '../support/catalog.entities.js';
import { CATALOG_TABLES, clearTablesRaw, seedCatalogRaw, type CatalogSeed } from '../support/catalog.seed.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';
import { Shelf } from './support/shelf.entity.js';

/**
 * Relation writes by id: tenant a links, unlinks or re-points rows of tenant
 * b through RelationQueryBuilder or save(). Junction rows have no tenant
 * column, so the victim is b's product on a shelf every tenant shares, or b's
 * own links. `relation-ownership`: of() and related ids must be the tenant's;
 * `junction-insert-guard`: a junction INSERT links only the tenant's rows;
 * `junction-filter`: junction reads and deletes keep only the tenant's links.
 */
interface Attack {
  name: string;
  /** Absent when two protections stop the attack, so that removing either one alone does not. */
  protection?: 'relation-ownership' | 'junction-insert-guard' | 'junction-filter' | 'fail-closed';
  run(ds: DataSource, seed: CatalogSeed): Promise<void>;
}

const asA = <T>(fn: () => Promise<T>) => runWithTenant('a', fn);
const mismatch = expect.objectContaining({ code: 'TENANT_MISMATCH' });
const SHELF = 1;

const ATTACKS: Attack[] = [
  {
    name: "unlinking tenant b's product from the shared shelf (remove)",
    protection: 'relation-ownership',
    run: (ds, seed) =>
      expect(asA(() => ds.createQueryBuilder().relation(Shelf, 'products').of(SHELF).remove(seed.b1.id))).rejects.toEqual(mismatch),
  },
  {
    name: "unlinking tenant b's own tag from its product (of a foreign id)",
    protection: 'relation-ownership',
    run: (ds, seed) =>
      expect(asA(() => ds.createQueryBuilder().relation(Product, 'tags').of(seed.b1).remove(seed.tb1))).rejects.toEqual(mismatch),
  },
  {
    name: 'hiding a foreign id among own ids in of([...])',
    protection: 'relation-ownership',
    run: (ds, seed) =>
      expect(asA(() => ds.createQueryBuilder().relation(Product, 'tags').of([seed.a1.id, seed.b1.id]).remove(seed.tb1.id))).rejects.toEqual(
        mismatch,
      ),
  },
  {
    name: "addAndRemove swapping tenant b's product off the shelf",
    protection: 'relation-ownership',
    run: (ds, seed) =>
      expect(
        asA(() => ds.createQueryBuilder().relation(Shelf, 'products').of(SHELF).addAndRemove([seed.a2.id], [seed.b1.id])),
      ).rejects.toEqual(mismatch),
  },
  {
    name: "re-pointing an own review at tenant b's product (many-to-one set)",
    protection: 'relation-ownership',
    run: (ds, seed) =>
      expect(asA(() => ds.createQueryBuilder().relation(Review, 'product').of(seed.ra1).set(seed.b2.id))).rejects.toEqual(mismatch),
  },
  {
    name: "setting the pinned product of tenant b's note (many-to-one set of a foreign row)",
    protection: 'relation-ownership',
    run: (ds, seed) => expect(asA(() => ds.createQueryBuilder().relation(Note, 'pinned').of(3).set(seed.a1.id))).rejects.toEqual(mismatch),
  },
  {
    name: "moving tenant b's product out of its category (one-to-many remove)",
    protection: 'relation-ownership',
    run: (ds, seed) =>
      expect(asA(() => ds.createQueryBuilder().relation(Category, 'products').of(seed.tools).remove(seed.b1.id))).rejects.toEqual(mismatch),
  },
  {
    name: "adopting an own review under tenant b's product (one-to-many add)",
    protection: 'relation-ownership',
    run: (ds, seed) =>
      expect(asA(() => ds.createQueryBuilder().relation(Product, 'reviews').of(seed.b1.id).add(seed.ra1.id))).rejects.toEqual(mismatch),
  },
  {
    name: "linking an own product to tenant b's tag (add)",
    protection: 'junction-insert-guard',
    run: (ds, seed) =>
      expect(asA(() => ds.createQueryBuilder().relation(Product, 'tags').of(seed.a2).add(seed.tb1.id))).rejects.toEqual(mismatch),
  },
  {
    name: "putting tenant b's product on the shared shelf (add)",
    protection: 'junction-insert-guard',
    run: (ds, seed) =>
      expect(asA(() => ds.createQueryBuilder().relation(Shelf, 'products').of(SHELF).add([seed.a2.id, seed.b2.id]))).rejects.toEqual(
        mismatch,
      ),
  },
  {
    name: "tagging tenant b's product from the inverse side",
    protection: 'junction-insert-guard',
    run: (ds, seed) =>
      expect(asA(() => ds.createQueryBuilder().relation(Product, 'tags').of(seed.b2.id).add(seed.ta1.id))).rejects.toEqual(mismatch),
  },
  {
    name: "save() of the shared shelf listing tenant b's product",
    protection: 'junction-insert-guard',
    run: (ds, seed) =>
      expect(
        asA(() =>
          ds.getRepository(Shelf).save({ id: SHELF, name: 'Front', products: [{ id: seed.a1.id }, { id: seed.b2.id }] as Product[] }),
        ),
      ).rejects.toEqual(mismatch),
  },
  {
    name: "save() of an own product tagged with tenant b's tag",
    protection: 'junction-insert-guard',
    run: (ds, seed) =>
      expect(
        asA(() => ds.getRepository(Product).save({ id: seed.a2.id, name: 'A2', sku: 'S-2', tags: [{ id: seed.tb1.id }] } as Product)),
      ).rejects.toEqual(mismatch),
  },
  {
    // TypeORM reads the current links through the (filtered) product table, then deletes the missing ones
    // from the (filtered) junction table: two walls, so no single mutation shows this case.
    name: "save() of the shared shelf with only own products drops tenant b's link",
    run: async (ds, seed) => {
      await asA(async () => {
        const shelf = await ds.getRepository(Shelf).findOneOrFail({ where: { id: SHELF }, relations: { products: true } });
        expect(shelf.products.map((p) => p.id)).toEqual([seed.a1.id]);
        shelf.products.push({ id: seed.a2.id } as Product);
        await ds.getRepository(Shelf).save(shelf);
      });
    },
  },
  {
    name: 'save() of the shared shelf emptied by tenant a',
    run: (ds) => asA(() => ds.getRepository(Shelf).save({ id: SHELF, name: 'Front', products: [] })).then(() => undefined),
  },
  {
    name: 'deleting every junction row by table name',
    protection: 'junction-filter',
    run: async (ds) => {
      await asA(() => ds.createQueryBuilder().delete().from('shelf_products').execute());
      await asA(() => ds.createQueryBuilder().delete().from('product_tags').execute());
    },
  },
  {
    name: "deleting tenant b's links through the junction entity with a WHERE",
    protection: 'junction-filter',
    run: async (ds, seed) => {
      const junction = ds.getMetadata(Product).findRelationWithPropertyPath('tags')!.junctionEntityMetadata!;
      await asA(() => ds.createQueryBuilder().delete().from(junction.target).where('"tagsId" = :id', { id: seed.tb1.id }).execute());
    },
  },
  {
    name: 'listing the shared shelf through its junction table',
    protection: 'junction-filter',
    run: async (ds, seed) => {
      const rows = await asA(() => ds.createQueryBuilder().select('j.productsId', 'id').from('shelf_products', 'j').getRawMany());
      expect(rows.map((row) => row.id)).toEqual([seed.a1.id]);
    },
  },
  {
    name: "counting another tenant's links in the junction table",
    protection: 'junction-filter',
    run: async (ds) => {
      const links = await asA(() => ds.createQueryBuilder().select('COUNT(*)', 'n').from('product_tags', 'j').getRawOne());
      expect(Number(links?.n)).toBe(1);
    },
  },
  {
    name: 'a relation write with no tenant',
    protection: 'fail-closed',
    run: (ds, seed) =>
      expect(ds.createQueryBuilder().relation(Shelf, 'products').of(SHELF).remove(seed.b1.id)).rejects.toEqual(
        expect.objectContaining({ code: 'TENANT_REQUIRED' }),
      ),
  },
];

describe.each(DIALECTS)('junction and relation-write attacks ($name)', (dialect) => {
  let db: TestDataSource;
  let seed: CatalogSeed;
  beforeAll(async () => {
    db = await dialect.open([...CATALOG_ENTITIES, Shelf]);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    const q = (sql: string) => db.dataSource.query(sql);
    await clearTablesRaw(db.dataSource, ['shelf_products', 'shelves', ...CATALOG_TABLES]);
    seed = await seedCatalogRaw(db.dataSource);
    await q(`INSERT INTO shelves (id, name) VALUES (${SHELF}, 'Front')`);
    await q(`INSERT INTO shelf_products ("shelvesId", "productsId") VALUES (${SHELF}, ${seed.a1.id}), (${SHELF}, ${seed.b1.id})`);
  });

  /** Tenant b's rows and links, read with raw SQL. */
  const bState = async () => ({
    links: await db.dataSource.query(`SELECT * FROM product_tags WHERE "productsId" IN (3, 4) ORDER BY 1, 2`),
    shelf: await db.dataSource.query(`SELECT * FROM shelf_products WHERE "productsId" IN (3, 4) ORDER BY 1, 2`),
    products: await db.dataSource.query(`SELECT * FROM products WHERE tenant_id = 'b' ORDER BY id`),
    reviews: await db.dataSource.query(`SELECT * FROM reviews ORDER BY id`),
    notes: await db.dataSource.query(`SELECT * FROM notes WHERE org_id = 'b' ORDER BY id`),
  });

  for (const attack of ATTACKS) {
    it(attack.protection ? `[${attack.protection}] ${attack.name}` : attack.name, async () => {
      const before = await bState();
      await attack.run(db.dataSource, seed);
      expect(await bState()).toEqual(before);
    });
  }

  it('own links still work: add, remove and save() inside the tenant, any link in a bypass', async () => {
    const ds = db.dataSource;
    await asA(async () => {
      await ds.createQueryBuilder().relation(Shelf, 'products').of(SHELF).add(seed.a2.id);
      await ds.createQueryBuilder().relation(Product, 'tags').of(seed.a2.id).add(seed.ta1.id);
      await ds.createQueryBuilder().relation(Shelf, 'products').of(SHELF).remove(seed.a1.id);
      await ds.getRepository(Product).save({ name: 'A3', sku: 'S-9', tags: [{ id: seed.ta1.id }] } as Product);
    });
    await bypassTenantFilter(() => ds.createQueryBuilder().relation(Shelf, 'products').of(SHELF).add(seed.b2.id));
    const shelf = await db.dataSource.query(`SELECT "productsId" AS id FROM shelf_products ORDER BY 1`);
    expect(shelf.map((row: { id: number }) => row.id)).toEqual([2, 3, 4]);
    const tagged = await db.dataSource.query(`SELECT count(*) AS n FROM product_tags WHERE "tagsId" = 1`);
    expect(Number(tagged[0].n)).toBe(3);
  });
});
