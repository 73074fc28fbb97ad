import type { DataSource, SelectQueryBuilder } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bypassTenantFilter, runWithTenant } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Category, Product } from '../support/catalog.entities.js';
import { CATALOG_TABLES, clearTablesRaw, seedCatalogRaw } from '../support/catalog.seed.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';

/**
 * Escaping the context by time, and emptying the table below the ORM.
 * `late-context`: a subquery written inside a bypass carries a mark, so the
 * query that embeds it decides at execution whether it may run unfiltered;
 * `clear-table-guard`: queryRunner.clearTable() (TRUNCATE) on a table of
 * tenant rows runs only in a bypass.
 */
const asA = <T>(fn: () => Promise<T>) => runWithTenant('a', fn);
const refusedWith = (code: string) => expect.objectContaining({ code });
// The default audit sink is synchronous, so a synchronous fn's bypass returns its own result.
const admin = <T>(fn: () => T) => bypassTenantFilter(fn, { reason: 'report built ahead of time' }) as T;
const names = (rows: Array<{ n: string }>) => rows.map((row) => row.n).sort();

/** Queries built once inside a bypass (a cached report, a module-level constant), run later by a tenant. */
const BUILT_IN_A_BYPASS: Array<{ name: string; build(ds: DataSource): SelectQueryBuilder<never> }> = [
  {
    name: 'from(qb => ...) over the scoped table',
    build: (ds) =>
      ds
        .createQueryBuilder()
        .select('s.n', 'n')
        .from((q) => q.select('p.name', 'n').from(Product, 'p'), 's') as SelectQueryBuilder<never>,
  },
  {
    name: 'WHERE IN (subQuery().getQuery()) from an unscoped root',
    build: (ds) => {
      const q = ds.getRepository(Category).createQueryBuilder('c');
      const sub = q.subQuery().select('p.categoryId').from(Product, 'p').getQuery();
      return q.select('c.name', 'n').where(`c.id IN ${sub}`) as unknown as SelectQueryBuilder<never>;
    },
  },
  {
    name: 'a standalone getQuery() pasted into a WHERE string',
    build: (ds) => {
      const sub = ds.createQueryBuilder().select('p.categoryId').from(Product, 'p').where('p.price > 50').getQuery();
      return ds.createQueryBuilder().select('c.name', 'n').from(Category, 'c').where(`c.id IN (${sub})`) as SelectQueryBuilder<never>;
    },
  },
  {
    name: 'leftJoin(qb => ...) of the scoped table',
    build: (ds) =>
      ds
        .createQueryBuilder()
        .select('s.n', 'n')
        .from(Category, 'c')
        .innerJoin(
          (q) => q.select('p.name', 'n').addSelect('p.categoryId', 'cid').from(Product, 'p'),
          's',
          's.cid = c.id',
        ) as SelectQueryBuilder<never>,
  },
  {
    name: 'whereExists(subquery) probing the scoped table',
    build: (ds) => {
      const q = ds.createQueryBuilder().select('c.name', 'n').from(Category, 'c');
      return q.whereExists(
        q.subQuery().select('1').from(Product, 'p').where('p.categoryId = c.id').andWhere('p.price > 50'),
      ) as SelectQueryBuilder<never>;
    },
  },
  {
    name: 'a subquery joining the scoped entity from an unscoped root',
    build: (ds) =>
      ds
        .createQueryBuilder()
        .select('s.n', 'n')
        .from(
          (q) => q.select('p.name', 'n').from(Category, 'c').innerJoin(Product, 'p', 'p.categoryId = c.id'),
          's',
        ) as SelectQueryBuilder<never>,
  },
  {
    name: 'a subquery over the junction table',
    build: (ds) =>
      ds
        .createQueryBuilder()
        .select('s.n', 'n')
        .from((q) => q.select('j.productsId', 'n').from('product_tags', 'j'), 's') as SelectQueryBuilder<never>,
  },
  {
    name: 'the mark forced open with setParameter',
    build: (ds) =>
      ds
        .createQueryBuilder()
        .select('s.n', 'n')
        .from((q) => q.select('p.name', 'n').from(Product, 'p'), 's')
        .setParameter('tenancy_unfiltered', 1) as SelectQueryBuilder<never>,
  },
];

describe.each(DIALECTS)('late-context and clearTable attacks ($name)', (dialect) => {
  let db: TestDataSource;
  beforeAll(async () => {
    db = await dialect.open(CATALOG_ENTITIES);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    await clearTablesRaw(db.dataSource, [...CATALOG_TABLES, 'organizations']);
    await seedCatalogRaw(db.dataSource);
  });
  const bCount = async (table = 'products') =>
    Number((await db.dataSource.query(`SELECT COUNT(*) AS n FROM ${table} WHERE tenant_id = 'b'`))[0].n);

  for (const query of BUILT_IN_A_BYPASS) {
    it(`[late-context] ${query.name}, built inside a bypass, run inside tenant a`, async () => {
      const qb = admin(() => query.build(db.dataSource));
      await expect(asA(() => qb.getRawMany())).rejects.toEqual(refusedWith('TENANT_UNSUPPORTED_QUERY'));
    });
  }

  it('[late-context] a subquery built inside a bypass, run with no tenant at all', async () => {
    const qb = admin(() => BUILT_IN_A_BYPASS[1].build(db.dataSource));
    await expect(qb.getRawMany()).rejects.toEqual(refusedWith('TENANT_REQUIRED'));
  });

  it('[late-context] getSql() of a bypass-built query, asked for inside a tenant', () => {
    const qb = admin(() => BUILT_IN_A_BYPASS[0].build(db.dataSource));
    expect(() => runWithTenant('a', () => qb.getSql())).toThrow(refusedWith('TENANT_UNSUPPORTED_QUERY'));
  });

  it('the same query still runs in a bypass, and one built by tenant b runs as tenant a', async () => {
    const qb = admin(() => BUILT_IN_A_BYPASS[0].build(db.dataSource));
    expect(names(await admin(() => qb.getRawMany()))).toEqual(['A1', 'A2', 'B1', 'B2']);
    const built = runWithTenant('b', () => BUILT_IN_A_BYPASS[0].build(db.dataSource));
    expect(names(await asA(() => built.getRawMany()))).toEqual(['A1', 'A2']);
  });

  const clearAsA = (table: string) =>
    asA(async () => {
      const runner = db.dataSource.createQueryRunner();
      try {
        // CASCADE on PostgreSQL, as products is referenced by other tables (SQLite has no such option).
        await runner.clearTable(table, { cascade: dialect.name === 'postgres' });
      } finally {
        await runner.release();
      }
    });
  const sameTable = dialect.name === 'sqlite' ? 'main.Products' : 'public.products';

  for (const table of ['products', sameTable]) {
    it(`[clear-table-guard] queryRunner.clearTable('${table}') inside tenant a`, async () => {
      await expect(clearAsA(table)).rejects.toEqual(refusedWith('TENANT_UNSUPPORTED_QUERY'));
      expect(await bCount()).toBe(2);
    });
  }

  it("[clear-table-guard] clearTable() of a scoped table's junction table inside tenant a", async () => {
    await expect(clearAsA('product_tags')).rejects.toEqual(refusedWith('TENANT_UNSUPPORTED_QUERY'));
    expect(Number((await db.dataSource.query(`SELECT COUNT(*) AS n FROM product_tags`))[0].n)).toBe(3);
  });

  it("[clear-table-guard] clearTable() through a transaction's query runner", async () => {
    await expect(asA(() => db.dataSource.transaction((m) => m.queryRunner!.clearTable('reviews')))).rejects.toEqual(
      refusedWith('TENANT_UNSUPPORTED_QUERY'),
    );
    expect(await bCount('reviews')).toBe(1);
  });

  it('[clear-table-guard] clearTable() with no tenant', async () => {
    const runner = db.dataSource.createQueryRunner();
    try {
      await expect(runner.clearTable('notes')).rejects.toEqual(refusedWith('TENANT_REQUIRED'));
    } finally {
      await runner.release();
    }
    expect(Number((await db.dataSource.query(`SELECT COUNT(*) AS n FROM notes`))[0].n)).toBe(3);
  });

  it('clearTable() of an unscoped table inside a tenant, and of a scoped one in a bypass, still work', async () => {
    await db.dataSource.query(`INSERT INTO organizations (id, name) VALUES ('a', 'A')`);
    await clearAsA('organizations');
    await admin(async () => {
      const runner = db.dataSource.createQueryRunner();
      await runner.clearTable('notes').finally(() => runner.release());
    });
    expect(await db.dataSource.query(`SELECT COUNT(*) AS n FROM organizations`)).toEqual([{ n: dialect.name === 'sqlite' ? 0 : '0' }]);
    expect(Number((await db.dataSource.query(`SELECT COUNT(*) AS n FROM notes`))[0].n)).toBe(0);
  });
});
