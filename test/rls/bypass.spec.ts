import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runWithTenant, type TenantAuditEvent } from 'nestjs-tenancy';
import { bypassUnder } from '../support/context-settings.js';
import { Product } from '../support/catalog.entities.js';
import { openRlsFixture, seedCatalog, sessionSettings, tenantsSeen, type RlsFixture } from './support/rls-fixture.js';

/** The policies honour the bypass setting, so bypassTenantFilter works on the same DataSource and role. */
describe('RLS: bypassTenantFilter on the app role', () => {
  let fx: RlsFixture;
  const audited: TenantAuditEvent[] = [];
  const bypassTenantFilter = bypassUnder(() => ({ audit: { record: (event) => void audited.push(event) } }));
  beforeAll(async () => {
    fx = await openRlsFixture({ poolSize: 2 });
  });
  afterAll(async () => fx?.close());
  beforeEach(async () => {
    await fx.db.superuser('TRUNCATE products, notes RESTART IDENTITY CASCADE');
    await seedCatalog(fx.app);
    audited.length = 0;
  });

  it('raw SQL inside a bypass sees every tenant’s rows', async () => {
    expect(await bypassTenantFilter(() => tenantsSeen(fx.app))).toEqual(['a', 'b']);
    expect(await bypassTenantFilter(() => tenantsSeen(fx.app, 'notes', 'org_id'))).toEqual(['a', 'b']);
  });

  it('a bypass started inside tenant a still sees b, and the repository agrees', async () => {
    const [raw, orm] = await runWithTenant('a', () =>
      bypassTenantFilter(() => Promise.all([tenantsSeen(fx.app), fx.app.getRepository(Product).count()])),
    );
    expect(raw).toEqual(['a', 'b']);
    expect(orm).toBe(5);
  });

  it('a bypass may write a row for any tenant, explicitly', async () => {
    await bypassTenantFilter(() => fx.app.query(`INSERT INTO products (name, sku, tenant_id) VALUES ('C1', 'SKU-1', 'c')`));
    expect(await runWithTenant('c', () => tenantsSeen(fx.app))).toEqual(['c']);
  });

  it('the bypass ends with its block: the same connection then sees only the tenant again', async () => {
    await runWithTenant('a', async () => {
      await bypassTenantFilter(() => fx.app.query('SELECT 1'));
      expect(await tenantsSeen(fx.app)).toEqual(['a']);
      expect((await sessionSettings(fx.app)).bypass).toBe('off');
    });
    expect(await tenantsSeen(fx.app)).toEqual([]);
  });

  it('a bypass inside a transaction ends when the context leaves it', async () => {
    const seen = await runWithTenant('a', () =>
      fx.app.transaction(async (manager) => {
        const all = await bypassTenantFilter(() => manager.query('SELECT DISTINCT tenant_id FROM products ORDER BY 1'));
        const own = await manager.query('SELECT DISTINCT tenant_id FROM products');
        return [all, own].map((rows: Array<{ tenant_id: string }>) => rows.map((row) => row.tenant_id));
      }),
    );
    expect(seen).toEqual([['a', 'b'], ['a']]);
  });

  it('every bypass that reaches the database was audited by the context', async () => {
    await runWithTenant('a', () => bypassTenantFilter(() => tenantsSeen(fx.app), { reason: 'support ticket 42' }));
    expect(audited).toMatchObject([{ type: 'tenancy.bypass', tenantId: 'a', reason: 'support ticket 42' }]);
  });
});
