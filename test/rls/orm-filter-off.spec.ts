import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runWithTenant } from 'nestjs-tenancy';
import type { DataSource, Repository } from 'typeorm';
import { switchOrmFilterOff, UnfilteredProduct } from './support/orm-filter-off.js';
import { openRlsFixture, seedCatalog, type RlsFixture } from './support/rls-fixture.js';

/** A forgotten code path: the ORM layer adds no tenant condition, the database still does. */
describe('RLS: the ORM filter switched off cannot leak', () => {
  let fx: RlsFixture;
  let unfiltered: DataSource;
  let repo: Repository<UnfilteredProduct>;
  beforeAll(async () => {
    fx = await openRlsFixture();
    unfiltered = await switchOrmFilterOff(fx);
    repo = unfiltered.getRepository(UnfilteredProduct);
  });
  afterAll(async () => fx?.close());
  beforeEach(async () => {
    await fx.db.superuser('TRUNCATE products, notes RESTART IDENTITY CASCADE');
    await seedCatalog(fx.app);
    fx.statements.reset();
  });

  const tenantsOf = (rows: UnfilteredProduct[]) => [...new Set(rows.map((row) => row.tenantId))];

  it('the switch is real: the ORM sends no tenant condition', async () => {
    await runWithTenant('a', () => repo.find());
    expect(fx.statements.statements).toHaveLength(1);
    expect(fx.statements.statements[0]).not.toMatch(/tenant_id"? =/);
  });

  it('find() inside a returns only a’s rows', async () => {
    const rows = await runWithTenant('a', () => repo.find());
    expect(rows).toHaveLength(3);
    expect(tenantsOf(rows)).toEqual(['a']);
  });

  it('findOneBy the id of b’s row returns null inside a', async () => {
    const [{ id }] = await fx.db.superuser<{ id: number }>(`SELECT id FROM products WHERE tenant_id = 'b' LIMIT 1`);
    expect(await runWithTenant('a', () => repo.findOneBy({ id }))).toBeNull();
  });

  it('an UPDATE with no criteria changes only a’s rows', async () => {
    const result = await runWithTenant('a', () => repo.createQueryBuilder().update().set({ name: 'overwritten' }).execute());
    expect(result.affected).toBe(3);
    const names = await fx.db.superuser<{ name: string }>(`SELECT name FROM products WHERE tenant_id = 'b'`);
    expect(names.map((row) => row.name).sort()).toEqual(['B1', 'B2']);
  });

  it('a DELETE with no criteria deletes only a’s rows', async () => {
    const result = await runWithTenant('a', () => repo.createQueryBuilder().delete().execute());
    expect(result.affected).toBe(3);
    expect(await fx.db.superuser(`SELECT id FROM products WHERE tenant_id = 'b'`)).toHaveLength(2);
  });

  it('save() of a row claiming tenant b is refused inside a', async () => {
    await expect(runWithTenant('a', () => repo.save({ name: 'planted', sku: 'X', tenantId: 'b' }))).rejects.toThrow(/row-level security/);
  });

  it('with no tenant, find() returns nothing instead of everything', async () => {
    expect(await repo.find()).toEqual([]);
    expect(await repo.count()).toBe(0);
  });
});
