import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import { getCurrentTenant, runWithTenant, setCurrentTenant } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Product } from '../support/catalog.entities.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';

const TENANTS = Array.from({ length: 20 }, (_, i) => `t${i}`);

describe.each(DIALECTS)('concurrent flows never see another tenant ($name)', (dialect) => {
  let db: TestDataSource;
  let ds: DataSource;

  beforeAll(async () => {
    db = await dialect.open(CATALOG_ENTITIES);
    ds = db.dataSource;
  });
  afterAll(() => db.close());

  it('200 interleaved runWithTenant flows across 20 tenants read and write only their own rows', async () => {
    const repo = () => ds.getRepository(Product);
    const flow = (index: number) => {
      const tenantId = TENANTS[index % TENANTS.length];
      return runWithTenant(tenantId, async () => {
        await sleep(index % 7);
        const saved = await repo().save({ name: `${tenantId}-${index}`, sku: `F-${index}` });
        await sleep((index * 3) % 5);
        const rows = await repo().find();
        await repo().update({ sku: `F-${index}` }, { stock: index });
        const counted = await repo().count();
        return { tenantId, seenTenant: getCurrentTenant(), saved, rows, counted };
      });
    };
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => flow(i)));
    for (const { tenantId, seenTenant, saved, rows } of results) {
      expect(seenTenant).toBe(tenantId);
      expect(saved.tenantId).toBe(tenantId);
      expect(rows.every((row) => row.tenantId === tenantId && row.name.startsWith(`${tenantId}-`))).toBe(true);
    }
    const perTenant = await Promise.all(TENANTS.map((t) => runWithTenant(t, () => ds.getRepository(Product).count())));
    expect(perTenant).toEqual(TENANTS.map(() => 10));
  });

  it('jobs started in the same tick with setCurrentTenant keep their own tenant across queries', async () => {
    await runWithTenant('t0', () => ds.getRepository(Product).save({ name: 'same-tick-0', sku: 'J-0' }));
    await runWithTenant('t1', () => ds.getRepository(Product).save({ name: 'same-tick-1', sku: 'J-1' }));
    const job = async (tenantId: string, delay: number) => {
      setCurrentTenant(tenantId);
      await sleep(delay);
      const rows = await ds.getRepository(Product).findBy({ sku: tenantId === 't0' ? 'J-0' : 'J-1' });
      const foreign = await ds.getRepository(Product).findBy({ sku: tenantId === 't0' ? 'J-1' : 'J-0' });
      return { rows: rows.map((r) => r.tenantId), foreign: foreign.length };
    };
    const [first, second] = await Promise.all([job('t0', 5), job('t1', 0)]);
    expect(first).toEqual({ rows: ['t0'], foreign: 0 });
    expect(second).toEqual({ rows: ['t1'], foreign: 0 });
  });
});
