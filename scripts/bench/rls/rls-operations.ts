import type { DataSource, EntityManager } from 'typeorm';
import { RLS_TENANT_SETTING, runWithTenant } from 'nestjs-tenancy';
import { BenchProduct, ROWS_PER_TENANT, TENANTS } from './rls-entity.js';

export type Operation = (manager: EntityManager, tenant: string, i: number) => Promise<unknown>;

const sku = (i: number) => `SKU-${1 + (i % ROWS_PER_TENANT)}`;
const repo = (manager: EntityManager) => manager.getRepository(BenchProduct);

/** The same calls in every mode; every one of them goes through the ORM filter. */
export const OPERATIONS: Record<string, Operation> = {
  'find 20 rows': (m) => repo(m).find({ take: 20, order: { id: 'ASC' } }),
  'findOneBy sku': (m, _t, i) => repo(m).findOneBy({ sku: sku(i) }),
  count: (m) => repo(m).count(),
  'update by sku': (m, _t, i) => repo(m).update({ sku: sku(i) }, { price: i % 100 }),
  insert: (m, _t, i) => repo(m).insert({ name: 'new', sku: `NEW-${i}` }),
  'raw SELECT (tenant predicate)': (m, t) => m.query('SELECT id, name FROM bench_products WHERE tenant_id = $1 LIMIT 20', [t]),
};

/** Transactional work; not run in the naive mode, which already wraps everything in a transaction. */
export const TRANSACTIONAL: Record<string, Operation> = {
  'save (own transaction)': (m, _t, i) => repo(m).save({ name: 'saved', sku: `SAVE-${i}` }),
  'transaction of 3 reads': (m, _t, i) =>
    m.transaction(async (tx) => {
      await repo(tx).findOneBy({ sku: sku(i) });
      await repo(tx).count();
      await repo(tx).find({ take: 5 });
    }),
};

export type Mode = 'off' | 'on' | 'setting' | 'naive';

/**
 * off: ORM filter only (database without policies). on: ORM filter + RLS with
 * this library's session hook. setting: the library's session hook on the
 * database without policies (what the library's way of sending the setting
 * costs; on over setting is PostgreSQL's own policy work). naive: ORM filter + RLS, the setting sent the
 * common way: each unit of work in BEGIN; set_config; statement; COMMIT.
 */
export function runIn(mode: Mode, dataSource: DataSource, op: Operation, i: number): Promise<unknown> {
  const tenant = TENANTS[i % TENANTS.length];
  return runWithTenant(tenant, () => {
    if (mode !== 'naive') return op(dataSource.manager, tenant, i);
    return dataSource.transaction(async (manager) => {
      await manager.query(`SELECT set_config('${RLS_TENANT_SETTING}', $1, true)`, [tenant]);
      return op(manager, tenant, i);
    });
  });
}
