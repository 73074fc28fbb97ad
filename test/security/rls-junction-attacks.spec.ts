import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bypassTenantFilter, runWithTenant } from 'nestjs-tenancy';
import { openRlsFixture, type RlsFixture } from '../rls/support/rls-fixture.js';

/**
 * Row-Level Security for junction tables (PostgreSQL only): raw SQL of tenant
 * a on `product_tags`, whose rows carry no tenant. `junction-rls`: the
 * junction policies go through the linked products and tags, whose own
 * tenant policies then decide.
 */
describe('RLS junction-table attacks (postgres)', () => {
  let fx: RlsFixture;
  beforeAll(async () => {
    fx = await openRlsFixture();
  });
  afterAll(async () => fx?.close());
  beforeEach(async () => {
    await fx.db.superuser('TRUNCATE product_tags, tags, products RESTART IDENTITY CASCADE');
    await fx.db.superuser(
      `INSERT INTO products (id, name, sku, tenant_id) VALUES (1, 'A1', 'S-1', 'a'), (2, 'A2', 'S-2', 'a'), (3, 'B1', 'S-1', 'b')`,
    );
    await fx.db.superuser(`INSERT INTO tags (id, label, tenant_id) VALUES (1, 'red', 'a'), (2, 'blue', 'b')`);
    await fx.db.superuser(`INSERT INTO product_tags ("productsId", "tagsId") VALUES (1, 1), (3, 2)`);
  });
  const asA = <T>(fn: () => Promise<T>) => runWithTenant('a', fn);
  const links = async () =>
    (await fx.db.superuser<{ p: number; t: number }>(`SELECT "productsId" AS p, "tagsId" AS t FROM product_tags ORDER BY 1, 2`)).map(
      (row) => [row.p, row.t],
    );

  it("[junction-rls] reading every tenant's links with raw SQL", async () => {
    expect(await asA(() => fx.app.query(`SELECT "productsId" AS p FROM product_tags ORDER BY 1`))).toEqual([{ p: 1 }]);
  });

  it("[junction-rls] deleting every link with raw SQL leaves tenant b's", async () => {
    await asA(() => fx.app.query(`DELETE FROM product_tags`));
    expect(await links()).toEqual([[3, 2]]);
  });

  it("[junction-rls] linking an own product to tenant b's tag with raw SQL", async () => {
    await expect(asA(() => fx.app.query(`INSERT INTO product_tags ("productsId", "tagsId") VALUES (2, 2)`))).rejects.toThrow(
      /row-level security/,
    );
    expect(await links()).toEqual([
      [1, 1],
      [3, 2],
    ]);
  });

  it("[junction-rls] re-pointing an own link at tenant b's product with raw UPDATE", async () => {
    await expect(asA(() => fx.app.query(`UPDATE product_tags SET "productsId" = 3 WHERE "productsId" = 1`))).rejects.toThrow(
      /row-level security/,
    );
    await asA(() => fx.app.query(`UPDATE product_tags SET "tagsId" = 1 WHERE "productsId" = 3`));
    expect(await links()).toEqual([
      [1, 1],
      [3, 2],
    ]);
  });

  it('no tenant sees no link; a bypass sees and writes every link', async () => {
    expect(await fx.app.query(`SELECT count(*)::int AS n FROM product_tags`)).toEqual([{ n: 0 }]);
    await bypassTenantFilter(() => fx.app.query(`INSERT INTO product_tags ("productsId", "tagsId") VALUES (2, 2)`));
    expect(await bypassTenantFilter(() => fx.app.query(`SELECT count(*)::int AS n FROM product_tags`))).toEqual([{ n: 3 }]);
  });
});

/**
 * Counting other tenants' rows through the planner (PostgreSQL only): under
 * RLS, EXPLAIN ANALYZE reports the rows the policy removed and EXPLAIN the
 * estimates over the whole table. `explain-guard`: refused inside a tenant.
 */
describe('RLS EXPLAIN side channel (postgres)', () => {
  let fx: RlsFixture;
  beforeAll(async () => {
    fx = await openRlsFixture();
    await fx.db.superuser(`INSERT INTO products (name, sku, tenant_id) SELECT 'B' || g, 'S-' || g, 'b' FROM generate_series(1, 40) g`);
    await fx.db.superuser(`INSERT INTO products (name, sku, tenant_id) VALUES ('A1', 'S-1', 'a')`);
  });
  afterAll(async () => fx?.close());
  const asA = <T>(fn: () => Promise<T>) => runWithTenant('a', fn);
  const refused = expect.objectContaining({ code: 'TENANT_UNSUPPORTED_QUERY' });

  const ATTEMPTS: Array<{ name: string; run(): Promise<unknown> }> = [
    { name: 'EXPLAIN ANALYZE over the scoped table', run: () => fx.app.query(`EXPLAIN ANALYZE SELECT * FROM products`) },
    {
      name: 'lower-case explain after a comment, JSON format',
      run: () => fx.app.query(`/* report */ explain (analyze, format json) select count(*) from products`),
    },
    {
      name: 'EXPLAIN as the second statement of a simple query',
      run: () => fx.app.query(`SELECT 1; EXPLAIN ANALYZE SELECT * FROM products`),
    },
    {
      name: "EXPLAIN of the ORM's own filtered query",
      run: () => {
        const [sql, parameters] = fx.app.getRepository('products').createQueryBuilder('p').getQueryAndParameters();
        return fx.app.query(`EXPLAIN ANALYZE ${sql}`, parameters);
      },
    },
    {
      name: 'EXPLAIN inside a transaction',
      run: () => fx.app.transaction((m) => m.query(`EXPLAIN (ANALYZE, COSTS OFF) SELECT * FROM products WHERE price >= 0`)),
    },
  ];

  for (const attempt of ATTEMPTS) {
    it(`[explain-guard] ${attempt.name}`, async () => {
      await expect(asA(() => attempt.run())).rejects.toEqual(refused);
    });
  }

  it('a bypass may EXPLAIN; a quoted identifier named "explain" is not the command', async () => {
    const plan: Array<Record<string, string>> = await bypassTenantFilter(() => fx.app.query(`EXPLAIN SELECT * FROM products`));
    expect(plan.length).toBeGreaterThan(0);
    expect(await asA(() => fx.app.query(`SELECT 1 AS "explain"`))).toEqual([{ explain: 1 }]);
  });
});
