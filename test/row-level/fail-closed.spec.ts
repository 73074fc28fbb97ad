import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import {
  bypassTenantFilter,
  clearCurrentTenant,
  runWithTenant,
  setCurrentTenant,
  TenantIsolationError,
  type TenantAuditEvent,
} from 'nestjs-tenancy';
import { registerDataSourceTenancy } from 'nestjs-tenancy/testing';
import { bypassUnder } from '../support/context-settings.js';
import { CATALOG_ENTITIES, Category, Product, Review } from '../support/catalog.entities.js';
import { seedCatalog, type CatalogSeed } from '../support/catalog.seed.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';

describe.each(DIALECTS)('no tenant and no bypass fails closed ($name)', (dialect) => {
  let db: TestDataSource;
  let ds: DataSource;
  let seed: CatalogSeed;

  beforeAll(async () => {
    db = await dialect.open(CATALOG_ENTITIES);
    ds = db.dataSource;
    seed = await seedCatalog(ds);
  });
  afterAll(() => db.close());

  const products = () => ds.getRepository(Product);
  const attempts: Record<string, () => Promise<unknown>> = {
    find: () => products().find(),
    findOneBy: () => products().findOneBy({ id: 1 }),
    count: () => products().count(),
    sum: () => products().sum('price'),
    'query builder getMany': () => products().createQueryBuilder('p').getMany(),
    'query by table name': () => ds.createQueryBuilder().select('*').from('products', 'p').getRawMany(),
    'join of a scoped entity from an unscoped root': () => ds.getRepository(Category).find({ relations: { products: true } }),
    'subquery on a scoped entity': () => {
      const q = ds.getRepository(Category).createQueryBuilder('c');
      return q.where(`c.id IN ${q.subQuery().select('p.categoryId').from(Product, 'p').getQuery()}`).getMany();
    },
    insert: () => products().insert({ name: 'x', sku: 'x' }),
    save: () => products().save({ name: 'x', sku: 'x' }),
    update: () => products().update({ sku: 'S-1' }, { name: 'x' }),
    delete: () => products().delete({ sku: 'S-1' }),
    softDelete: () => products().softDelete({ sku: 'S-1' }),
    increment: () => products().increment({ sku: 'S-1' }, 'stock', 1),
    'clear (TRUNCATE)': () => ds.getRepository(Review).clear(),
    upsert: () => products().upsert({ name: 'x', sku: 'S-1' }, ['sku']),
  };

  for (const [operation, attempt] of Object.entries(attempts)) {
    it(`${operation} throws TENANT_REQUIRED before any SQL is sent`, async () => {
      db.statements.reset();
      await expect(Promise.resolve().then(attempt)).rejects.toMatchObject({ name: TenantIsolationError.name, code: 'TENANT_REQUIRED' });
      expect(db.statements.statements).toEqual([]);
    });
  }

  it('clearCurrentTenant ends access instead of opening every row', async () => {
    await runWithTenant('a', async () => {
      clearCurrentTenant();
      await expect(products().find()).rejects.toMatchObject({ code: 'TENANT_REQUIRED' });
    });
  });

  it('setCurrentTenant in a script scopes the rest of its flow (reference style)', async () => {
    await Promise.resolve().then(async () => {
      setCurrentTenant('b');
      expect((await products().find()).map((p) => p.tenantId)).toEqual(['b', 'b']);
    });
  });

  it('onMissingTenant "unfiltered" restores the FastAPI guide\'s "no tenant = all rows" for an opted-in DataSource', async () => {
    registerDataSourceTenancy(ds, { onMissingTenant: 'unfiltered' });
    try {
      expect(await products().count()).toBe(4);
    } finally {
      registerDataSourceTenancy(ds, { onMissingTenant: 'throw' });
    }
  });

  describe('bypassTenantFilter', () => {
    it('sees every tenant and is audited with its reason', async () => {
      const events: TenantAuditEvent[] = [];
      const bypass = bypassUnder(() => ({ audit: { record: (event) => void events.push(event) } }));
      const count = await runWithTenant('a', () => bypass(() => products().count(), { reason: 'monthly report' }));
      expect(count).toBe(4);
      expect(events).toMatchObject([{ type: 'tenancy.bypass', tenantId: 'a', reason: 'monthly report' }]);
    });
    it('honours an explicit tenantId on insert', async () => {
      const saved = await bypassTenantFilter(() => products().save({ name: 'for b', sku: 'BY-1', tenantId: 'b' }));
      expect(await runWithTenant('b', () => products().countBy({ id: saved.id }))).toBe(1);
    });
    it('stamps the current tenant when the insert names none', async () => {
      const saved = await runWithTenant('a', () => bypassTenantFilter(() => products().save({ name: 'for a', sku: 'BY-2' })));
      expect(saved.tenantId).toBe('a');
    });
    it('refuses an insert with neither a tenantId nor a current tenant', async () => {
      await expect(bypassTenantFilter(() => products().insert({ name: 'orphan', sku: 'BY-3' }))).rejects.toMatchObject({
        code: 'TENANT_REQUIRED',
      });
    });
    it('refuses an invalid explicit tenantId', async () => {
      await expect(
        bypassTenantFilter(() => products().insert({ name: 'bad', sku: 'BY-4', tenantId: "x' OR '1'='1" })),
      ).rejects.toMatchObject({
        code: 'TENANT_INVALID',
      });
    });
    it('ends with its callback: the caller is filtered again', async () => {
      await runWithTenant('a', async () => {
        await bypassTenantFilter(() => products().count());
        expect(await products().countBy({ id: seed.b1.id })).toBe(0);
      });
    });
    it('runWithTenant inside a bypass sees only that tenant', async () => {
      const rows = await bypassTenantFilter(() => runWithTenant('b', () => products().find()));
      expect(new Set(rows.map((p) => p.tenantId))).toEqual(new Set(['b']));
    });
  });
});
