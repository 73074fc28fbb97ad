import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearCurrentTenant, runWithTenant } from 'nestjs-tenancy';
import { bypassUnder } from '../support/context-settings.js';
import { Product } from '../support/catalog.entities.js';
import { openRlsFixture, seedCatalog, tenantsSeen, type RlsFixture } from './support/rls-fixture.js';

/** A pooled connection must never carry one unit of work's tenant into the next. */
// 30 audited bypasses below: recorded nowhere.
const bypassTenantFilter = bypassUnder(() => ({ audit: { record: () => undefined } }));

describe('RLS: settings on a pool of 2 connections', () => {
  let fx: RlsFixture;
  beforeAll(async () => {
    fx = await openRlsFixture({ poolSize: 2 });
    await seedCatalog(fx.app);
  });
  afterAll(async () => fx?.close());

  /** Asks every connection of the pool (both at once, so both are used) what it carries. */
  const leftovers = async () => {
    const runners = [fx.app.createQueryRunner(), fx.app.createQueryRunner()];
    try {
      const rows = await Promise.all(
        runners.map((runner) =>
          runner.query(`SELECT current_setting('app.tenant_id', true) AS tenant, current_setting('app.tenant_bypass', true) AS bypass`),
        ),
      );
      return rows.map(([row]) => ({ tenant: row.tenant || null, bypass: row.bypass === 'on' ? 'on' : null }));
    } finally {
      await Promise.all(runners.map((runner) => runner.release()));
    }
  };
  const clean = [
    { tenant: null, bypass: null },
    { tenant: null, bypass: null },
  ];

  it('interleaved tenants, bypasses and tenant-less work never see each other’s rows', async () => {
    const jobs = Array.from({ length: 120 }, (_, i) => {
      const kind = ['a', 'b', 'none', 'bypass'][i % 4];
      const transactional = i % 3 === 0;
      const read = () =>
        transactional ? fx.app.transaction((manager) => manager.query('SELECT DISTINCT tenant_id FROM products')) : tenantsSeen(fx.app);
      const run = async () => {
        await new Promise((resolve) => setTimeout(resolve, i % 5));
        const rows: Array<string | { tenant_id: string }> = await read();
        return rows.map((row) => (typeof row === 'string' ? row : row.tenant_id)).sort();
      };
      const seen = kind === 'none' ? run() : kind === 'bypass' ? bypassTenantFilter(run) : runWithTenant(kind, run);
      return seen.then((tenants) => ({ kind, tenants }));
    });
    for (const { kind, tenants } of await Promise.all(jobs)) {
      const expected = kind === 'none' ? [] : kind === 'bypass' ? ['a', 'b'] : [kind];
      expect({ kind, tenants }).toEqual({ kind, tenants: expected });
    }
    expect(await leftovers()).toEqual(clean);
  });

  it('a transaction’s setting ends with COMMIT and with ROLLBACK', async () => {
    await runWithTenant('a', () => fx.app.transaction((manager) => manager.query('SELECT 1 FROM products')));
    expect(await leftovers()).toEqual(clean);
    await expect(
      runWithTenant('b', () =>
        fx.app.transaction(async (manager) => {
          await manager.query('SELECT 1 FROM products');
          throw new Error('roll back');
        }),
      ),
    ).rejects.toThrow('roll back');
    expect(await leftovers()).toEqual(clean);
  });

  it('a failed statement outside a transaction leaves no setting behind', async () => {
    await expect(runWithTenant('a', () => fx.app.query('SELECT no_such_column FROM products'))).rejects.toThrow();
    await expect(runWithTenant('a', () => fx.app.query('SELECT $1::int', ['not a number']))).rejects.toThrow();
    expect(await leftovers()).toEqual(clean);
  });

  it('a tenant switch inside a transaction applies to the next statement, and switches back', async () => {
    const seen = await runWithTenant('a', () =>
      fx.app.transaction(async (manager) => {
        const first = await manager.query('SELECT DISTINCT tenant_id FROM products');
        const inner = await runWithTenant('b', () => manager.query('SELECT DISTINCT tenant_id FROM products'));
        const back = await manager.query('SELECT DISTINCT tenant_id FROM products');
        return [first, inner, back].map((rows: Array<{ tenant_id: string }>) => rows.map((row) => row.tenant_id));
      }),
    );
    expect(seen).toEqual([['a'], ['b'], ['a']]);
  });

  it('clearing the tenant inside a transaction clears the setting: zero rows', async () => {
    const seen = await runWithTenant('a', () =>
      fx.app.transaction(async (manager) => {
        await manager.query('SELECT 1 FROM products');
        clearCurrentTenant();
        return manager.query('SELECT * FROM products');
      }),
    );
    expect(seen).toEqual([]);
  });

  it('a rolled-back savepoint does not leave a stale tenant', async () => {
    const seen = await runWithTenant('a', () =>
      fx.app.transaction(async (manager) => {
        await manager.query('SELECT 1 FROM products');
        const runner = manager.queryRunner!;
        await runner.startTransaction(); // SAVEPOINT
        await runWithTenant('b', () => runner.query('SELECT 1 FROM products'));
        await runner.rollbackTransaction(); // ROLLBACK TO SAVEPOINT: b's setting is undone...
        await runner.startTransaction();
        await runWithTenant('b', () => runner.query('SELECT 1 FROM products')); // ...and must be sent again
        const inner = await runWithTenant('b', () => tenantsOfRunner(runner));
        await runner.commitTransaction(); // RELEASE SAVEPOINT: b stays until the context changes
        return [inner, await tenantsOfRunner(runner)];
      }),
    );
    expect(seen).toEqual([['b'], ['a']]);
  });

  it('stream() inside a tenant reads only its rows and leaves the connection clean', async () => {
    const stream = (await runWithTenant('a', () =>
      fx.app.getRepository(Product).createQueryBuilder('p').select('p.tenant_id', 'tenant').stream(),
    )) as Readable;
    const rows: Array<{ tenant: string }> = [];
    for await (const row of stream) rows.push(row);
    expect(rows).toHaveLength(3);
    expect(new Set(rows.map((row) => row.tenant))).toEqual(new Set(['a']));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(await leftovers()).toEqual(clean);
  });

  const streamedTenants = async (stream: Readable) => {
    const seen = new Set<string>();
    for await (const row of stream) seen.add((row as { tenant_id: string }).tenant_id);
    return [...seen];
  };

  it("stream() after a user's ROLLBACK TO SAVEPOINT in a transaction asserts its own tenant again", async () => {
    const runner = fx.app.createQueryRunner();
    try {
      await runner.startTransaction();
      await runWithTenant('a', () => runner.query('SAVEPOINT x'));
      await runWithTenant('b', () => runner.query('SELECT 1 FROM products'));
      await runWithTenant('b', () => runner.query('ROLLBACK TO SAVEPOINT x'));
      const stream = (await runWithTenant('b', () => runner.stream('SELECT tenant_id FROM products'))) as Readable;
      expect(await streamedTenants(stream)).toEqual(['b']);
      await runner.commitTransaction();
    } finally {
      await runner.release();
    }
  });

  it("stream() with no tenant inside a user's own BEGIN, after a bypass, sees nothing", async () => {
    const runner = fx.app.createQueryRunner();
    try {
      await runner.query('BEGIN');
      await bypassTenantFilter(() => runner.query('SELECT 1 FROM products'));
      expect(await streamedTenants((await runner.stream('SELECT tenant_id FROM products')) as Readable)).toEqual([]);
    } finally {
      await runner.query('ROLLBACK');
      await runner.release();
    }
  });
});

async function tenantsOfRunner(runner: { query(sql: string): Promise<Array<{ tenant_id: string }>> }): Promise<string[]> {
  return (await runner.query('SELECT DISTINCT tenant_id FROM products')).map((row) => row.tenant_id);
}
