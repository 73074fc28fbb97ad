import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bypassTenantFilter, runWithTenant } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Category, Product } from '../support/catalog.entities.js';
import { clearTablesRaw, seedCatalogRaw } from '../support/catalog.seed.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';
import { superuserQuery } from '../support/postgres.js';
import { openSchemaCatalog, type SchemaCatalog } from '../support/schema-catalog.js';

/**
 * Tenant a names a scoped table by a string TypeORM does not map to the
 * entity (another case, a schema prefix, another tenant's schema) to reach
 * tenant b's rows. `table-name-resolve`: the string becomes the entity and is
 * filtered and stamped; `table-name-refuse`: a place the filter cannot cover
 * is refused inside a tenant.
 */
const asA = <T>(fn: () => Promise<T>) => runWithTenant('a', fn);
const refusedWith = (code: string) => expect.objectContaining({ code });
const count = async (rows: Promise<{ n: unknown } | undefined>) => Number((await rows)?.n);

/** Ways to write the products table that reach it without being TypeORM's exact name, per dialect. */
const SAME_TABLE: Record<string, string[]> = {
  sqlite: ['Products', 'PRODUCTS', 'main.products', 'MAIN.Products'],
  postgres: ['public.products'],
};

describe.each(DIALECTS)('named-table attacks ($name)', (dialect) => {
  let db: TestDataSource;
  beforeAll(async () => {
    db = await dialect.open(CATALOG_ENTITIES);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await clearTablesRaw(db.dataSource);
    await seedCatalogRaw(db.dataSource);
  });
  const bProducts = () => db.dataSource.query(`SELECT * FROM products WHERE tenant_id = 'b' ORDER BY id`);

  for (const name of SAME_TABLE[dialect.name]) {
    it(`[table-name-resolve] reading tenant b's rows through from('${name}')`, async () => {
      const ds = db.dataSource;
      expect(await count(asA(() => ds.createQueryBuilder().select('COUNT(*)', 'n').from(name, 'p').getRawOne()))).toBe(2);
    });

    it(`[table-name-resolve] an implicit cross join with addFrom('${name}')`, async () => {
      const rows = await asA(() =>
        db.dataSource.createQueryBuilder().select('p.name', 'n').from(Category, 'c').addFrom(name, 'p').where('c.id = 1').getRawMany(),
      );
      expect(rows.map((row) => row.n).sort()).toEqual(['A1', 'A2']);
    });

    // A dotted string in a join is a relation path to TypeORM ("p.tags"), never a table.
    if (!name.includes('.')) {
      it(`[table-name-resolve] leftJoin('${name}') from an unscoped root`, async () => {
        const rows = await asA(() =>
          db.dataSource
            .createQueryBuilder()
            .select('p.name', 'n')
            .from(Category, 'c')
            .leftJoin(name, 'p', 'p.categoryId = c.id')
            .where('c.id = 1')
            .getRawMany(),
        );
        expect(rows.map((row) => row.n)).toEqual(['A1']);
      });

      it(`[table-name-resolve] innerJoinAndSelect('${name}') inside a subquery`, async () => {
        const rows = await asA(() =>
          db.dataSource
            .createQueryBuilder()
            .select('s.n', 'n')
            .from((q) => q.select('p.name', 'n').from(Category, 'c').innerJoinAndSelect(name, 'p', 'p.categoryId = c.id'), 's')
            .getRawMany(),
        );
        expect(rows.map((row) => row.n)).toEqual(['A1']);
      });
    }

    it(`[table-name-resolve] joining a subquery over '${name}'`, async () => {
      const rows = await asA(() =>
        db.dataSource
          .createQueryBuilder()
          .select('p.n', 'n')
          .from(Category, 'c')
          .innerJoin((q) => q.select('x.name', 'n').addSelect('x.categoryId', 'cid').from(name, 'x'), 'p', 'p.cid = c.id')
          .getRawMany(),
      );
      expect(rows.map((row) => row.n)).toEqual(['A1']);
    });

    it(`[table-name-resolve] insert().into('${name}') stamped as tenant b`, async () => {
      await expect(
        asA(() => db.dataSource.createQueryBuilder().insert().into(name).values({ name: 'x', sku: 'X', tenantId: 'b' }).execute()),
      ).rejects.toEqual(refusedWith('TENANT_MISMATCH'));
      expect(await bProducts()).toHaveLength(2);
    });

    it(`[table-name-resolve] update('${name}') of every row`, async () => {
      const before = await bProducts();
      await asA(() => db.dataSource.createQueryBuilder().update(name).set({ name: 'pwned' }).execute());
      expect(await bProducts()).toEqual(before);
    });

    it(`[table-name-resolve] delete().from('${name}') of every row`, async () => {
      await asA(() => db.dataSource.createQueryBuilder().delete().from(name).execute());
      expect(await bProducts()).toHaveLength(2);
    });
  }

  it('[fail-closed] a table named by a string with no tenant', async () =>
    expect(db.dataSource.createQueryBuilder().select('COUNT(*)', 'n').from(SAME_TABLE[dialect.name][0], 'p').getRawOne()).rejects.toEqual(
      refusedWith('TENANT_REQUIRED'),
    ));

  it('an unscoped table named by a string keeps working inside a tenant', async () => {
    const reference = dialect.name === 'sqlite' ? 'main.Categories' : 'public.categories';
    expect(await count(asA(() => db.dataSource.createQueryBuilder().select('COUNT(*)', 'n').from(reference, 'c').getRawOne()))).toBe(2);
  });

  it('a bypass may name the table any way it likes', async () => {
    const reference = SAME_TABLE[dialect.name][0];
    const n = await bypassTenantFilter(() =>
      count(db.dataSource.createQueryBuilder().select('COUNT(*)', 'n').from(reference, 'p').getRawOne()),
    );
    expect(n).toBe(4);
  });

  if (dialect.name === 'postgres') {
    const qualified = () => `${db.database}.public.products`;
    it('[table-name-refuse] reading through a database-qualified name (db.public.products)', async () =>
      expect(asA(() => db.dataSource.createQueryBuilder().select('COUNT(*)', 'n').from(qualified(), 'p').getRawOne())).rejects.toEqual(
        refusedWith('TENANT_UNSUPPORTED_QUERY'),
      ));
    it('[table-name-refuse] deleting through a database-qualified name', async () => {
      await expect(asA(() => db.dataSource.createQueryBuilder().delete().from(qualified()).execute())).rejects.toEqual(
        refusedWith('TENANT_UNSUPPORTED_QUERY'),
      );
      expect(await bProducts()).toHaveLength(2);
    });
    it('[table-name-refuse] inserting as tenant b through a database-qualified name', async () => {
      await expect(
        asA(() => db.dataSource.createQueryBuilder().insert().into(qualified()).values({ name: 'x', sku: 'X', tenant_id: 'b' }).execute()),
      ).rejects.toEqual(refusedWith('TENANT_UNSUPPORTED_QUERY'));
      expect(await bProducts()).toHaveLength(2);
    });
  }
});

/** The schema strategy: every tenant's rows sit in its own schema, which another tenant must never name. */
describe('named-table attacks on the schema strategy (postgres)', () => {
  const CONFIG = { prefix: 'tenant_', sharedSchema: 'public' };
  let catalog: SchemaCatalog;
  let ds: DataSource;
  let database: string;
  beforeAll(async () => {
    catalog = await openSchemaCatalog(CONFIG);
    ({ ds, database } = catalog);
    const { manager } = catalog;
    for (const tenant of ['a', 'b']) {
      await manager.createTenantSchema(tenant);
      await runWithTenant(tenant, () =>
        ds.getRepository(Product).save([
          { name: `${tenant}1`, sku: 'S-1' },
          { name: `${tenant}2`, sku: 'S-2' },
        ]),
      );
    }
    // A shared copy of a tenant table, as left behind by a migration from the row strategy.
    await superuserQuery(database, `CREATE TABLE public.products AS SELECT * FROM tenant_b.products`);
  });
  afterAll(() => catalog?.close());
  const bRows = () => superuserQuery(database, `SELECT id, name FROM tenant_b.products ORDER BY id`);
  const select = (reference: string) => asA(() => ds.createQueryBuilder().select('COUNT(*)', 'n').from(reference, 'p').getRawOne());

  it("[table-name-refuse] reading another tenant's schema: from('tenant_b.products')", () =>
    expect(select('tenant_b.products')).rejects.toEqual(refusedWith('TENANT_UNSUPPORTED_QUERY')));

  it("[table-name-refuse] reading the shared schema's copy: from('public.products')", () =>
    expect(select('public.products')).rejects.toEqual(refusedWith('TENANT_UNSUPPORTED_QUERY')));

  it("[table-name-refuse] joining another tenant's schema (a dotted join is a relation path: TypeORM refuses; a subquery)", async () => {
    const join = asA(async () =>
      ds.createQueryBuilder().select('p.name', 'n').from(Category, 'c').leftJoin('tenant_b.products', 'p', '1=1').getRawMany(),
    );
    await expect(join).rejects.toThrow();
    const sub = asA(async () =>
      ds
        .createQueryBuilder()
        .select('s.n', 'n')
        .from((q) => q.select('p.name', 'n').from('tenant_b.products', 'p'), 's')
        .getRawMany(),
    );
    await expect(sub).rejects.toEqual(refusedWith('TENANT_UNSUPPORTED_QUERY'));
  });

  it("[table-name-refuse] updating another tenant's schema", async () => {
    const before = await bRows();
    await expect(asA(() => ds.createQueryBuilder().update('tenant_b.products').set({ name: 'pwned' }).execute())).rejects.toEqual(
      refusedWith('TENANT_UNSUPPORTED_QUERY'),
    );
    expect(await bRows()).toEqual(before);
  });

  it("[table-name-refuse] deleting from another tenant's schema and its junction table", async () => {
    await expect(asA(() => ds.createQueryBuilder().delete().from('tenant_b.product_tags').execute())).rejects.toEqual(
      refusedWith('TENANT_UNSUPPORTED_QUERY'),
    );
    await expect(asA(() => ds.createQueryBuilder().delete().from('tenant_b.products').execute())).rejects.toEqual(
      refusedWith('TENANT_UNSUPPORTED_QUERY'),
    );
    expect(await bRows()).toHaveLength(2);
  });

  it("[table-name-refuse] inserting into another tenant's schema", async () => {
    await expect(
      asA(() => ds.createQueryBuilder().insert().into('tenant_b.products').values({ name: 'x', sku: 'X', tenant_id: 'b' }).execute()),
    ).rejects.toEqual(refusedWith('TENANT_UNSUPPORTED_QUERY'));
    expect(await bRows()).toHaveLength(2);
  });

  it('its own schema by name reads its own rows; a bypass may name any schema', async () => {
    expect(Number((await select('tenant_a.products'))?.n)).toBe(2);
    const n = await bypassTenantFilter(() => ds.createQueryBuilder().select('COUNT(*)', 'n').from('tenant_b.products', 'p').getRawOne());
    expect(Number(n?.n)).toBe(2);
  });
});
