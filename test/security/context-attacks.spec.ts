import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bypassTenantFilter, clearCurrentTenant, isTenantFilterBypassed, setCurrentTenant, TenantContext } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Note, Product } from '../support/catalog.entities.js';
import { clearTablesRaw, seedCatalogRaw } from '../support/catalog.seed.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';

/**
 * Context attacks: code that picks a tenant inside a bypass (an admin job
 * looping over tenants) must see that one tenant only, exactly as with
 * runWithTenant. `protection` names what stops it (see
 * scripts/security-mutations.ts).
 */
interface Attack {
  name: string;
  protection: 'tenant-ends-bypass';
  run(ctx: { ds: DataSource; bState: () => Promise<unknown> }): Promise<void>;
}

const TENANTS = ['a', 'b'];
const asAdmin = <T>(fn: () => Promise<T>) => bypassTenantFilter(fn, { reason: 'nightly job' });
const tenantsOf = (rows: Product[]) => [...new Set(rows.map((p) => p.tenantId))];

const ATTACKS: Attack[] = [
  {
    name: 'an admin job loops over tenants with setCurrentTenant inside a bypass and reads each',
    protection: 'tenant-ends-bypass',
    run: async ({ ds }) => {
      const seen = await asAdmin(async () => {
        const perTenant: string[][] = [];
        for (const tenant of TENANTS) {
          setCurrentTenant(tenant);
          perTenant.push(tenantsOf(await ds.getRepository(Product).find()));
        }
        return perTenant;
      });
      expect(seen).toEqual([['a'], ['b']]);
    },
  },
  {
    name: 'a per-tenant count inside a bypass counts every tenant',
    protection: 'tenant-ends-bypass',
    run: async ({ ds }) => {
      const counts = await asAdmin(async () => {
        const result: Record<string, number> = {};
        for (const tenant of TENANTS) {
          setCurrentTenant(tenant);
          result[tenant] = await ds.getRepository(Product).count();
        }
        return result;
      });
      expect(counts).toEqual({ a: 2, b: 2 });
    },
  },
  {
    name: "a per-tenant cleanup inside a bypass deletes the other tenants' rows",
    protection: 'tenant-ends-bypass',
    run: async ({ ds, bState }) => {
      const before = await bState();
      await asAdmin(async () => {
        setCurrentTenant('a');
        await ds.getRepository(Product).delete({ sku: 'S-1' });
      });
      expect(await bState()).toEqual(before);
    },
  },
  {
    name: "a per-tenant bulk update inside a bypass rewrites the other tenants' rows",
    protection: 'tenant-ends-bypass',
    run: async ({ ds, bState }) => {
      const before = await bState();
      await asAdmin(async () => {
        setCurrentTenant('a');
        await ds.getRepository(Product).createQueryBuilder().update().set({ name: 'pwned' }).execute();
      });
      expect(await bState()).toEqual(before);
    },
  },
  {
    name: 'clear() after setCurrentTenant inside a bypass truncates every tenant',
    protection: 'tenant-ends-bypass',
    run: async ({ ds, bState }) => {
      const before = await bState();
      await asAdmin(async () => {
        setCurrentTenant('a');
        await ds.getRepository(Note).clear();
      });
      expect(await bState()).toEqual(before);
    },
  },
  {
    name: 'TenantContext.setTenantId inside TenantContext.bypass keeps reading every tenant',
    protection: 'tenant-ends-bypass',
    run: async ({ ds }) => {
      const context = new TenantContext();
      const seen = await context.bypass(
        async () => {
          context.setTenantId('b');
          return { bypassed: context.isBypassed(), tenants: tenantsOf(await ds.getRepository(Product).find()) };
        },
        { reason: 'support tool' },
      );
      expect(seen).toEqual({ bypassed: false, tenants: ['b'] });
    },
  },
  {
    name: 'flows forked after setCurrentTenant inside a bypass (awaits, Promise.all, timers) still see every tenant',
    protection: 'tenant-ends-bypass',
    run: async ({ ds }) => {
      const seen = await asAdmin(async () => {
        await sleep(1);
        setCurrentTenant('a');
        const read = async (delay: number) => {
          await sleep(delay);
          return tenantsOf(await ds.getRepository(Product).find());
        };
        const timer = new Promise<string[]>((resolve, reject) => setTimeout(() => read(0).then(resolve, reject), 3));
        return Promise.all([read(0), read(2), timer, Promise.resolve().then(() => isTenantFilterBypassed())]);
      });
      expect(seen).toEqual([['a'], ['a'], ['a'], false]);
    },
  },
  {
    name: 'clearCurrentTenant after a per-tenant step inside a bypass falls back to every tenant',
    protection: 'tenant-ends-bypass',
    run: async ({ ds }) =>
      expect(
        asAdmin(async () => {
          setCurrentTenant('a');
          await ds.getRepository(Product).find();
          clearCurrentTenant();
          return ds.getRepository(Product).find();
        }),
      ).rejects.toEqual(expect.objectContaining({ code: 'TENANT_REQUIRED' })),
  },
];

describe.each(DIALECTS)('context attack catalogue ($name)', (dialect) => {
  let db: TestDataSource;
  beforeAll(async () => {
    db = await dialect.open(CATALOG_ENTITIES);
  });
  afterAll(() => db.close());
  beforeEach(async () => {
    // Raw SQL on purpose: setup must not depend on the tenant context under test.
    await clearTablesRaw(db.dataSource);
    await seedCatalogRaw(db.dataSource);
  });

  /** Tenant b's rows, read with raw SQL so that the check does not rely on the context either. */
  const bState = async () => ({
    products: await db.dataSource.query(`SELECT * FROM products WHERE tenant_id = 'b' ORDER BY id`),
    notes: await db.dataSource.query(`SELECT * FROM notes WHERE org_id = 'b' ORDER BY id`),
  });

  for (const attack of ATTACKS) {
    it(`[${attack.protection}] ${attack.name}`, () => attack.run({ ds: db.dataSource, bState }));
  }
});
