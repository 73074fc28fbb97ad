import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disableTenantRls, enableTenantRls, runWithTenant, RLS_POLICIES, syncTenantRls } from 'nestjs-tenancy';
import { openRlsFixture, seedCatalog, tenantsSeen, type RlsFixture } from './support/rls-fixture.js';

interface TableSecurity extends Record<string, unknown> {
  table: string;
  enabled: boolean;
  forced: boolean;
  policies: string[] | null;
}

/** What synchronize with rls: true leaves in the catalog, and proof that the other suites test the database. */
describe('RLS: policies created by synchronize', () => {
  let fx: RlsFixture;
  beforeAll(async () => {
    fx = await openRlsFixture();
    await seedCatalog(fx.app);
  });
  afterAll(async () => fx?.close());

  const security = () =>
    fx.db.superuser<TableSecurity>(`
      SELECT c.relname AS table, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
             (SELECT array_agg(p.policyname::text ORDER BY p.policyname) FROM pg_policies p
               WHERE p.schemaname = 'public' AND p.tablename = c.relname) AS policies
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND c.relname <> 'typeorm_metadata'
       ORDER BY c.relname`);

  it('every @TenantScoped table gets ENABLE, FORCE and one policy per command; shared tables get none', async () => {
    const policies = Object.values(RLS_POLICIES).sort();
    expect(await security()).toEqual([
      { table: 'categories', enabled: false, forced: false, policies: null },
      { table: 'notes', enabled: true, forced: true, policies },
      { table: 'organizations', enabled: false, forced: false, policies: null },
      { table: 'product_tags', enabled: true, forced: true, policies },
      { table: 'products', enabled: true, forced: true, policies },
      { table: 'reviews', enabled: true, forced: true, policies },
      { table: 'tags', enabled: true, forced: true, policies },
    ]);
  });

  it('the app role neither owns the tables nor bypasses RLS (else the policies would be skipped silently)', async () => {
    const [role] = await fx.db.superuser(
      `SELECT rolsuper, rolbypassrls, (SELECT count(*)::int FROM pg_tables WHERE tableowner = $1) AS owned FROM pg_roles WHERE rolname = $1`,
      [fx.db.app.name],
    );
    expect(role).toEqual({ rolsuper: false, rolbypassrls: false, owned: 0 });
  });

  it('FORCE: the table owner is held by the policies too', async () => {
    expect(await tenantsSeen(fx.owner)).toEqual([]);
    expect(await runWithTenant('b', () => tenantsSeen(fx.owner))).toEqual(['b']);
  });

  it('a later synchronize (or a second sync) keeps the policies in place', async () => {
    await fx.owner.synchronize();
    await syncTenantRls(fx.owner);
    expect((await security()).filter((table) => table.enabled).map((table) => table.table)).toEqual([
      'notes',
      'product_tags',
      'products',
      'reviews',
      'tags',
    ]);
    expect(await runWithTenant('a', () => tenantsSeen(fx.app))).toEqual(['a']);
  });

  it('the suites are meaningful: with the policies dropped, the same raw SELECT leaks b’s rows', async () => {
    const runner = fx.owner.createQueryRunner();
    try {
      await disableTenantRls(runner, { table: 'products' });
      expect(await runWithTenant('a', () => tenantsSeen(fx.app))).toEqual(['a', 'b']);
      expect(await tenantsSeen(fx.app)).toEqual(['a', 'b']);
      await enableTenantRls(runner, { table: 'products' });
      expect(await runWithTenant('a', () => tenantsSeen(fx.app))).toEqual(['a']);
    } finally {
      await runner.release();
    }
  });

  it('RLS enabled with the policies missing denies everything rather than leaking', async () => {
    const runner = fx.owner.createQueryRunner();
    try {
      for (const name of Object.values(RLS_POLICIES)) await runner.query(`DROP POLICY "${name}" ON notes`);
      expect(await runWithTenant('a', () => tenantsSeen(fx.app, 'notes', 'org_id'))).toEqual([]);
    } finally {
      await enableTenantRls(runner, { table: 'notes', column: 'org_id' });
      await runner.release();
    }
  });
});
