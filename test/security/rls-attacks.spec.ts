import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { bypassTenantFilter, runWithTenant, setCurrentTenant } from 'nestjs-tenancy';
import { CATALOG_ENTITIES } from '../support/catalog.entities.js';
import { openRlsFixture, seedCatalog, type RlsFixture } from '../rls/support/rls-fixture.js';

/**
 * Row-Level Security attacks (PostgreSQL only: SQLite has no RLS). The app
 * connects as an ordinary role (not the owner, no BYPASSRLS) and sends its own
 * transaction control through query(): savepoints it rolls back to, BEGIN or
 * COMMIT in any spelling, multi-statement strings. Each statement must still
 * run under its own context's setting, and a statement with no tenant must
 * see no rows. `protection` names what stops it (see
 * scripts/security-mutations.ts).
 */
interface Attack {
  name: string;
  protection: 'rls-every-statement' | 'rls-cleared-in-block' | 'tenant-ends-bypass';
  run(ctx: { fx: RlsFixture; pooled: DataSource }): Promise<void>;
}

const SEEN = 'SELECT DISTINCT tenant_id AS t FROM products ORDER BY 1';
type Queryable = Pick<EntityManager | QueryRunner | DataSource, 'query'>;
const seen = async (on: Queryable, sql = SEEN): Promise<string[]> => ((await on.query(sql)) as Array<{ t: string }>).map((row) => row.t);
const asA = <T>(fn: () => Promise<T>) => runWithTenant('a', fn);
const asB = <T>(fn: () => Promise<T>) => runWithTenant('b', fn);
const asAdmin = <T>(fn: () => Promise<T>) => bypassTenantFilter(fn, { reason: 'attack' });

/** A runner of `dataSource` on one connection; whatever transaction the attack leaves open is rolled back. */
async function onRunner(dataSource: DataSource, fn: (runner: QueryRunner) => Promise<void>): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await fn(runner);
  } finally {
    await runner.query('ROLLBACK').catch(() => undefined);
    await runner.release();
  }
}

/** Savepoint rollbacks inside a TypeORM transaction, spelled as the attack spells them. */
function savepointAttack(name: string, savepoint: string, rollbackTo: string): Attack {
  return {
    name,
    protection: 'rls-every-statement',
    run: async ({ fx }) => {
      const after = await fx.app.transaction(async (m) => {
        await asA(() => seen(m));
        await asA(() => m.query(savepoint));
        await asB(() => seen(m));
        await asB(() => m.query(rollbackTo));
        return asB(() => seen(m));
      });
      expect(after).toEqual(['b']);
    },
  };
}

const ATTACKS: Attack[] = [
  savepointAttack("a user's ROLLBACK TO SAVEPOINT brings back tenant a's setting under tenant b", 'SAVEPOINT x', 'ROLLBACK TO SAVEPOINT x'),
  savepointAttack('the same in lower case, with leading whitespace', '  savepoint x', '\n\trollback to x'),
  savepointAttack('the same behind a comment', '/* mark */ SAVEPOINT x', '-- undo\nROLLBACK TO SAVEPOINT x'),
  savepointAttack('the savepoint set in a multi-statement string', 'SELECT 1; SAVEPOINT x', 'ROLLBACK TO SAVEPOINT x; SELECT 1'),
  {
    name: 'a ROLLBACK TO SAVEPOINT brings back a bypass under tenant a',
    protection: 'rls-every-statement',
    run: async ({ fx }) => {
      const after = await fx.app.transaction(async (m) => {
        await asAdmin(() => seen(m));
        await asAdmin(() => m.query('SAVEPOINT x'));
        await asA(() => seen(m));
        await asA(() => m.query('ROLLBACK TO SAVEPOINT x'));
        return asA(() => seen(m));
      });
      expect(after).toEqual(['a']);
    },
  },
  {
    name: 'a ROLLBACK TO SAVEPOINT brings back a bypass for a statement with no tenant',
    protection: 'rls-every-statement',
    run: async ({ fx }) => {
      const after = await fx.app.transaction(async (m) => {
        await asAdmin(() => seen(m));
        await asAdmin(() => m.query('savepoint x'));
        await seen(m);
        await m.query('rollback to savepoint x');
        return seen(m);
      });
      expect(after).toEqual([]);
    },
  },
  {
    name: 'RELEASE SAVEPOINT then ROLLBACK TO an outer savepoint restores tenant a under tenant b, counted and deleted',
    protection: 'rls-every-statement',
    run: async ({ fx }) => {
      const [counted, deleted] = await fx.app.transaction(async (m) => {
        await asA(() => seen(m));
        await asA(() => m.query('SAVEPOINT outer_sp'));
        await asB(() => seen(m));
        await asB(() => m.query('SAVEPOINT inner_sp'));
        await asB(() => m.query('RELEASE SAVEPOINT inner_sp'));
        await asB(() => m.query('ROLLBACK TO SAVEPOINT outer_sp'));
        const n = await asB(() => m.query('SELECT count(*)::int AS n FROM products'));
        const [, affected] = await asB(() => m.query(`DELETE FROM products WHERE tenant_id = 'a'`));
        return [n[0].n, affected];
      });
      expect([counted, deleted]).toEqual([2, 0]);
    },
  },
  {
    name: "a user's BEGIN on a runner, a bypass, then a statement with no tenant in the same block",
    protection: 'rls-cleared-in-block',
    run: ({ fx }) =>
      onRunner(fx.app, async (runner) => {
        await runner.query('BEGIN');
        await asAdmin(() => seen(runner));
        expect(await seen(runner)).toEqual([]);
      }),
  },
  {
    name: 'START TRANSACTION in lower case, tenant a, then no tenant',
    protection: 'rls-cleared-in-block',
    run: ({ fx }) =>
      onRunner(fx.app, async (runner) => {
        await runner.query('  start transaction isolation level read committed');
        await asA(() => seen(runner));
        expect(await seen(runner)).toEqual([]);
        expect(await runner.query('SELECT count(*)::int AS n FROM notes')).toEqual([{ n: 0 }]);
      }),
  },
  {
    name: "'BEGIN; SELECT …' as one string in a bypass, then no tenant updates every row",
    protection: 'rls-cleared-in-block',
    run: ({ fx }) =>
      onRunner(fx.app, async (runner) => {
        await asAdmin(() => runner.query('BEGIN; SELECT 1'));
        const [, affected] = await runner.query(`UPDATE products SET name = 'pwned'`);
        expect(affected).toBe(0);
      }),
  },
  {
    name: 'a bypass, a user COMMIT and a new BEGIN inside a TypeORM transaction, then no tenant',
    protection: 'rls-cleared-in-block',
    run: async ({ fx }) => {
      const after = await fx.app.transaction(async (m) => {
        await asAdmin(() => seen(m));
        await asAdmin(() => m.query('commit'));
        await asAdmin(() => m.query('begin'));
        await asAdmin(() => seen(m));
        return seen(m);
      });
      expect(after).toEqual([]);
    },
  },
  {
    name: 'a tenant switch after a user BEGIN (a, then b, then no tenant)',
    protection: 'rls-cleared-in-block',
    run: ({ fx }) =>
      onRunner(fx.app, async (runner) => {
        await runner.query('BEGIN WORK');
        expect(await asA(() => seen(runner))).toEqual(['a']);
        expect(await asB(() => seen(runner))).toEqual(['b']);
        expect(await seen(runner)).toEqual([]);
      }),
  },
  {
    name: "a connection released inside the user's transaction: the pool's next caller with no tenant",
    protection: 'rls-cleared-in-block',
    run: async ({ pooled }) => {
      const runner = pooled.createQueryRunner();
      try {
        await runner.query('BEGIN');
        await asAdmin(() => seen(runner));
      } finally {
        await runner.release();
      }
      try {
        expect(await seen(pooled)).toEqual([]);
      } finally {
        await pooled.query('ROLLBACK');
      }
    },
  },
  {
    name: 'setCurrentTenant inside a bypass: raw SQL still reads every tenant',
    protection: 'tenant-ends-bypass',
    run: async ({ fx }) => {
      const after = await asAdmin(async () => {
        setCurrentTenant('a');
        return seen(fx.app);
      });
      expect(after).toEqual(['a']);
    },
  },
];

describe('RLS attack catalogue (postgres)', () => {
  let fx: RlsFixture;
  let pooled: DataSource;
  beforeAll(async () => {
    fx = await openRlsFixture();
    // One connection: what one caller leaves on it, the next one gets.
    pooled = await fx.openApp(CATALOG_ENTITIES, { poolSize: 1 });
  });
  afterAll(async () => fx?.close());
  beforeEach(async () => {
    await fx.db.superuser('TRUNCATE products, notes RESTART IDENTITY CASCADE');
    await seedCatalog(fx.app);
  });

  for (const attack of ATTACKS) {
    it(`[${attack.protection}] ${attack.name}`, () => attack.run({ fx, pooled }));
  }
});
