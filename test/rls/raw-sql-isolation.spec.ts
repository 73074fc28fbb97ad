import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runWithTenant } from 'nestjs-tenancy';
import { openRlsFixture, seedCatalog, tenantsSeen, type RlsFixture } from './support/rls-fixture.js';

/** Raw SQL is what the ORM filter cannot see: these statements reach PostgreSQL unfiltered. */
describe('RLS: raw SQL through dataSource.query as the app role', () => {
  let fx: RlsFixture;
  beforeAll(async () => {
    fx = await openRlsFixture();
  });
  afterAll(async () => fx?.close());
  beforeEach(async () => {
    await fx.db.superuser('TRUNCATE products, notes RESTART IDENTITY CASCADE');
    await seedCatalog(fx.app);
  });

  const countsByTenant = async () =>
    fx.db.superuser<{ tenant_id: string; n: string; names: string }>(
      `SELECT tenant_id, count(*) AS n, string_agg(name, ',' ORDER BY name) AS names FROM products GROUP BY 1 ORDER BY 1`,
    );

  describe('inside tenant a', () => {
    it('SELECT * without a WHERE clause returns only a’s rows', async () => {
      const rows: Array<{ tenant_id: string }> = await runWithTenant('a', () => fx.app.query('SELECT * FROM products'));
      expect(rows).toHaveLength(3);
      expect(new Set(rows.map((row) => row.tenant_id))).toEqual(new Set(['a']));
    });

    it('SELECT by the primary key of b’s row returns nothing', async () => {
      const [{ id }] = await fx.db.superuser<{ id: number }>(`SELECT id FROM products WHERE tenant_id = 'b' LIMIT 1`);
      const rows = await runWithTenant('a', () => fx.app.query('SELECT * FROM products WHERE id = $1', [id]));
      expect(rows).toEqual([]);
    });

    it('UPDATE without a WHERE clause changes only a’s rows', async () => {
      const [, affected] = await runWithTenant('a', () => fx.app.query(`UPDATE products SET name = 'hacked'`));
      expect(affected).toBe(3);
      expect(await countsByTenant()).toEqual([
        { tenant_id: 'a', n: '3', names: 'hacked,hacked,hacked' },
        { tenant_id: 'b', n: '2', names: 'B1,B2' },
      ]);
    });

    it('DELETE without a WHERE clause deletes only a’s rows', async () => {
      const [, affected] = await runWithTenant('a', () => fx.app.query('DELETE FROM products'));
      expect(affected).toBe(3);
      expect(await countsByTenant()).toEqual([{ tenant_id: 'b', n: '2', names: 'B1,B2' }]);
    });

    it('INSERT of a row for a’s own tenant is allowed', async () => {
      await runWithTenant('a', () => fx.app.query(`INSERT INTO products (name, sku, tenant_id) VALUES ($1, $2, $3)`, ['A4', 'SKU-4', 'a']));
      expect((await countsByTenant())[0]).toMatchObject({ tenant_id: 'a', n: '4' });
    });

    it('INSERT of a row for tenant b is refused by the WITH CHECK policy', async () => {
      await expect(
        runWithTenant('a', () => fx.app.query(`INSERT INTO products (name, sku, tenant_id) VALUES ('planted', 'SKU-9', 'b')`)),
      ).rejects.toThrow(/row-level security/);
      expect((await countsByTenant())[1]).toMatchObject({ tenant_id: 'b', n: '2' });
    });

    it('UPDATE moving a’s row to tenant b is refused by the WITH CHECK policy', async () => {
      await expect(runWithTenant('a', () => fx.app.query(`UPDATE products SET tenant_id = 'b' WHERE name = $1`, ['A1']))).rejects.toThrow(
        /row-level security/,
      );
      expect(await countsByTenant()).toEqual([
        { tenant_id: 'a', n: '3', names: 'A1,A2,A3' },
        { tenant_id: 'b', n: '2', names: 'B1,B2' },
      ]);
    });

    it('a JOIN from a’s rows cannot reach b’s rows of another scoped table', async () => {
      const rows: Array<{ tenant_id: string }> = await runWithTenant('a', () =>
        fx.app.query(`SELECT n.org_id AS tenant_id FROM products p CROSS JOIN notes n`),
      );
      expect(new Set(rows.map((row) => row.tenant_id))).toEqual(new Set(['a']));
    });

    it('a custom tenant column (@TenantScoped({ column: "org_id" })) is protected too', async () => {
      expect(await runWithTenant('b', () => tenantsSeen(fx.app, 'notes', 'org_id'))).toEqual(['b']);
    });
  });

  describe('with no tenant (and no bypass)', () => {
    it('SELECT returns zero rows, not every tenant’s rows', async () => {
      expect(await fx.app.query('SELECT * FROM products')).toEqual([]);
      expect(await fx.app.query('SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 0 }]);
    });

    it('UPDATE and DELETE touch nothing', async () => {
      expect((await fx.app.query(`UPDATE products SET name = 'x'`))[1]).toBe(0);
      expect((await fx.app.query('DELETE FROM products'))[1]).toBe(0);
      expect(await countsByTenant()).toHaveLength(2);
    });

    it('INSERT is refused whatever tenant_id it claims', async () => {
      await expect(fx.app.query(`INSERT INTO products (name, sku, tenant_id) VALUES ('x', 'SKU-9', 'a')`)).rejects.toThrow(
        /row-level security/,
      );
    });

    it('a tenant set earlier on the same pooled connection is gone', async () => {
      await runWithTenant('a', () => fx.app.query('SELECT 1'));
      for (let i = 0; i < 6; i++) expect(await tenantsSeen(fx.app)).toEqual([]);
    });
  });
});
