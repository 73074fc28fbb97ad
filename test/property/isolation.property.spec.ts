import fc from 'fast-check';
import type { DataSource } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bypassTenantFilter, runWithTenant } from 'nestjs-tenancy';
import { CATALOG_ENTITIES, Product } from '../support/catalog.entities.js';
import { DIALECTS, type TestDataSource } from '../support/dialects.js';

const TENANTS = ['t1', 't2', 't3'] as const;
type Tenant = (typeof TENANTS)[number];
const SKUS = ['A', 'B', 'C', 'D'];

type Command =
  | { kind: 'create'; tenant: Tenant; sku: string; price: number }
  | { kind: 'update'; tenant: Tenant; sku: string; price: number }
  | { kind: 'delete'; tenant: Tenant; sku: string }
  | { kind: 'read'; tenant: Tenant }
  | { kind: 'foreignUpdate'; tenant: Tenant; victim: Tenant; price: number }
  | { kind: 'foreignDelete'; tenant: Tenant; victim: Tenant };

const tenant = fc.constantFrom(...TENANTS);
const sku = fc.constantFrom(...SKUS);
const price = fc.integer({ min: 1, max: 1000 });
const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), tenant, sku, price }),
  fc.record({ kind: fc.constant('update' as const), tenant, sku, price }),
  fc.record({ kind: fc.constant('delete' as const), tenant, sku }),
  fc.record({ kind: fc.constant('read' as const), tenant }),
  fc.record({ kind: fc.constant('foreignUpdate' as const), tenant, victim: tenant, price }),
  fc.record({ kind: fc.constant('foreignDelete' as const), tenant, victim: tenant }),
);

/** The in-memory model: each tenant's sku -> price. */
type Model = Record<Tenant, Map<string, number>>;
const emptyModel = (): Model => ({ t1: new Map(), t2: new Map(), t3: new Map() });
const snapshotOf = (map: Map<string, number>) => [...map.entries()].sort();

describe.each(DIALECTS)('random interleavings match the per-tenant model ($name)', (dialect) => {
  let db: TestDataSource;
  let ds: DataSource;
  beforeAll(async () => {
    db = await dialect.open(CATALOG_ENTITIES);
    ds = db.dataSource;
  });
  afterAll(() => db.close());
  beforeEach(() => bypassTenantFilter(() => ds.query('DELETE FROM products')));

  const repo = () => ds.getRepository(Product);
  const rowsOf = async (t: Tenant) => runWithTenant(t, async () => (await repo().find()).map((p) => [p.sku, p.price, p.tenantId] as const));

  /** Runs one command against the database and the model; checks what the command itself returns. */
  async function step(model: Model, c: Command): Promise<void> {
    const own = model[c.tenant];
    switch (c.kind) {
      case 'create':
        if (own.has(c.sku)) return; // (tenant_id, sku) is unique per tenant
        await runWithTenant(c.tenant, () => repo().insert({ name: c.sku, sku: c.sku, price: c.price }));
        own.set(c.sku, c.price);
        return;
      case 'update': {
        const result = await runWithTenant(c.tenant, () => repo().update({ sku: c.sku }, { price: c.price }));
        expect(result.affected ?? (own.has(c.sku) ? 1 : 0)).toBe(own.has(c.sku) ? 1 : 0);
        if (own.has(c.sku)) own.set(c.sku, c.price);
        return;
      }
      case 'delete': {
        await runWithTenant(c.tenant, () => repo().delete({ sku: c.sku }));
        own.delete(c.sku);
        return;
      }
      case 'read': {
        const rows = await rowsOf(c.tenant);
        expect(rows.every(([, , t]) => t === c.tenant)).toBe(true);
        expect(rows.map(([s, p]) => [s, p]).sort()).toEqual(snapshotOf(own));
        return;
      }
      case 'foreignUpdate':
      case 'foreignDelete': {
        if (c.victim === c.tenant) return;
        const ids = await runWithTenant(c.victim, async () => (await repo().find()).map((p) => p.id));
        for (const id of ids) {
          const result = await runWithTenant(c.tenant, () =>
            c.kind === 'foreignUpdate' ? repo().update({ id }, { price: c.price }) : repo().delete({ id }),
          );
          if (result.affected !== undefined && result.affected !== null) expect(result.affected).toBe(0);
        }
        return;
      }
    }
  }

  async function checkAll(model: Model) {
    for (const t of TENANTS) {
      const rows = await rowsOf(t);
      expect(rows.map(([s, p]) => [s, p]).sort()).toEqual(snapshotOf(model[t]));
    }
  }

  it('sequential random commands: every read returns exactly its tenant rows, every write touches only them', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 30 }), async (commands) => {
        await bypassTenantFilter(() => ds.query('DELETE FROM products'));
        const model = emptyModel();
        for (const c of commands) await step(model, c);
        await checkAll(model);
      }),
      { numRuns: 25 },
    );
  });

  it('concurrent per-tenant command streams (interleaved awaits) never cross tenants', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 10, maxLength: 40 }), async (commands) => {
        await bypassTenantFilter(() => ds.query('DELETE FROM products'));
        const model = emptyModel();
        // Each tenant's own commands stay in order; different tenants interleave freely.
        await Promise.all(
          TENANTS.map(async (t) => {
            for (const c of commands.filter((x) => x.tenant === t && x.kind !== 'foreignUpdate' && x.kind !== 'foreignDelete')) {
              await step(model, c);
            }
          }),
        );
        await checkAll(model);
      }),
      { numRuns: 15 },
    );
  });
});
