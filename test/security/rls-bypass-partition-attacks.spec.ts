import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { DataSource } from 'typeorm';
import {
  bypassTenantRls as bypassRls,
  disableTenantRls,
  enableTenantRls,
  generateTenantRlsMigration,
  installTenantRls,
  runWithTenant,
  syncTenantRls,
  type TenantAuditEvent,
  type TenantAuditSink,
} from 'nestjs-tenancy';
import { bypassUnder, under } from '../support/context-settings.js';
import { createRlsDatabase, type RlsDatabase } from '../rls/support/rls-database.js';
import { openDataSource } from '../rls/support/rls-fixture.js';
import { loadGeneratedMigration } from '../rls/support/load-generated-migration.js';
import { EVENTS_SEED, PARTITIONED_EVENTS_DDL, TenantEvent } from './support/partitioned-events.js';

/**
 * Row-Level Security attacks, on PostgreSQL only (SQLite has no RLS), run as
 * the ordinary app role of docs/rls.md (no superuser, no BYPASSRLS, owns
 * nothing, DML rights by default privileges), inside tenant a.
 *
 * Partitions: PostgreSQL applies a partitioned table's policies to reads
 * through the parent only; a partition named directly obeys its own. The
 * attacker names tenant b's partition.
 */
const ENTITIES = [TenantEvent];

/** The tenants whose rows a raw statement on `table` returns in the current context. */
async function tenantsIn(dataSource: DataSource, table: string): Promise<string[]> {
  const rows: Array<{ tenant_id: string }> = await dataSource.query(`SELECT DISTINCT tenant_id FROM ${table} ORDER BY 1`);
  return rows.map((row) => row.tenant_id);
}

describe('RLS attacks: partitions of a tenant-scoped table (PostgreSQL, app role)', () => {
  let db: RlsDatabase;
  let owner: DataSource;
  let app: DataSource;
  const opened: DataSource[] = [];

  beforeAll(async () => {
    db = await createRlsDatabase();
    owner = await openDataSource(db.owner.url, ENTITIES, { poolSize: 1 });
    opened.push(owner);
    for (const sql of PARTITIONED_EVENTS_DDL) await owner.query(sql);
    await syncTenantRls(owner);
    // The policies alone are under test here, so the app role sets its tenant by hand (what rls: true sends),
    // on a DataSource without the start-up check that would otherwise refuse an unprotected partition.
    app = await openDataSource(db.app.url, ENTITIES, {}, false);
    opened.push(app);
  });
  afterAll(async () => {
    for (const dataSource of opened) if (dataSource.isInitialized) await dataSource.destroy();
    await db?.drop();
  });
  /** The tenants a raw SELECT on `table` returns to the app role with app.tenant_id = tenant (no tenant: nothing set). */
  async function seenAs(tenant: string | undefined, table: string): Promise<string[]> {
    const runner = app.createQueryRunner();
    try {
      await runner.startTransaction();
      if (tenant !== undefined) await runner.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant]);
      const rows: Array<{ tenant_id: string }> = await runner.query(`SELECT DISTINCT tenant_id FROM ${table} ORDER BY 1`);
      await runner.commitTransaction();
      return rows.map((row) => row.tenant_id);
    } finally {
      await runner.release();
    }
  }

  /** Runs one statement as the app role inside tenant `tenant`'s setting. */
  async function runAs(tenant: string, sql: string): Promise<void> {
    const runner = app.createQueryRunner();
    try {
      await runner.startTransaction();
      await runner.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant]);
      await runner.query(sql);
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }

  beforeEach(async () => {
    await db.superuser('TRUNCATE events');
    await db.superuser(EVENTS_SEED);
  });

  it("[rls-partitions] inside tenant a, a SELECT naming tenant b's partition returns nothing", async () => {
    expect(await seenAs('a', 'events_b')).toEqual([]);
    // Control: the own partition and the parent work.
    expect(await seenAs('a', 'events_a')).toEqual(['a']);
    expect(await seenAs('a', 'events')).toEqual(['a']);
  });

  it("[rls-partitions] inside tenant a, UPDATE and DELETE naming tenant b's partition touch nothing", async () => {
    await runAs('a', `UPDATE events_b SET body = 'pwned'`);
    await runAs('a', `DELETE FROM events_b`);
    expect(await db.superuser(`SELECT body FROM events_b ORDER BY id`)).toEqual([{ body: 'b-1' }, { body: 'b-2' }]);
  });

  it("[rls-partitions] inside tenant a, an INSERT of a row for b straight into b's partition is refused", async () => {
    await expect(
      runWithTenant('a', () => app.query(`INSERT INTO events_b (id, body, tenant_id) VALUES (99, 'planted', 'b')`)),
    ).rejects.toThrow(/row-level security/);
    expect(await db.superuser(`SELECT count(*)::int AS n FROM events_b`)).toEqual([{ n: 2 }]);
  });

  it('[rls-partitions] inside tenant a, a leaf of a sub-partitioned partition (events_c0, events_c1) returns nothing', async () => {
    expect(await seenAs('a', 'events_c0')).toEqual([]);
    expect(await seenAs('a', 'events_c1')).toEqual([]);
    expect(await seenAs('a', 'events_c')).toEqual([]);
  });

  it('[rls-partitions] with no tenant at all, every partition named directly returns nothing', async () => {
    for (const table of ['events_a', 'events_b', 'events_c0']) expect(await seenAs(undefined, table)).toEqual([]);
  });

  it('[rls-partitions] a hand-written migration (enableTenantRls on the parent) covers the partitions it finds', async () => {
    const runner = owner.createQueryRunner();
    try {
      await disableTenantRls(runner, { table: 'events' });
      await enableTenantRls(runner, { table: 'events' });
    } finally {
      await runner.release();
    }
    expect(await seenAs('a', 'events_b')).toEqual([]);
  });

  it('[rls-partitions] the generated migration covers the partitions that exist when it runs', async () => {
    const Migration = await loadGeneratedMigration(generateTenantRlsMigration(owner, { timestamp: 1700000000123 }));
    const runner = owner.createQueryRunner();
    try {
      await new Migration().down(runner);
      // Between down and up nothing protects the partitions: that is what up must restore.
      await db.superuser(`CREATE TABLE events_e PARTITION OF events FOR VALUES IN ('e')`);
      await db.superuser(`ALTER TABLE events_e OWNER TO ${db.owner.name}`);
      await db.superuser(`GRANT SELECT, INSERT, UPDATE, DELETE ON events_e TO ${db.app.name}`);
      await db.superuser(`INSERT INTO events_e (id, body, tenant_id) VALUES (50, 'e-1', 'e')`);
      await new Migration().up(runner);
    } finally {
      await runner.release();
    }
    expect(await seenAs('a', 'events_b')).toEqual([]);
    expect(await seenAs('a', 'events_e')).toEqual([]);
    expect(await seenAs('e', 'events_e')).toEqual(['e']);
  });

  it('[rls-partition-check] a partition created after the policies: the app refuses to start, and re-syncing covers it', async () => {
    await owner.query(`CREATE TABLE events_d PARTITION OF events FOR VALUES IN ('d')`);
    await db.superuser(`INSERT INTO events_d (id, body, tenant_id) VALUES (40, 'd-1', 'd')`);
    try {
      await expect(openDataSource(db.app.url, ENTITIES)).rejects.toMatchObject({
        code: 'TENANCY_CONFIGURATION',
        message: expect.stringContaining('events_d'),
      });
      await syncTenantRls(owner);
      const restarted = await openDataSource(db.app.url, ENTITIES);
      opened.push(restarted);
      expect(await runWithTenant('a', () => tenantsIn(restarted, 'events_d'))).toEqual([]);
    } finally {
      await owner.query(`DROP TABLE events_d`);
    }
  });

  it('[rls-partition-check] a table attached as a partition later: the app refuses to start (installTenantRls on a connected DataSource)', async () => {
    await owner.query(
      `CREATE TABLE events_f (id int NOT NULL, body text NOT NULL, tenant_id varchar NOT NULL, PRIMARY KEY (tenant_id, id))`,
    );
    await owner.query(`ALTER TABLE events ATTACH PARTITION events_f FOR VALUES IN ('f')`);
    try {
      const late = await openDataSource(db.app.url, ENTITIES, {}, false);
      opened.push(late);
      await expect(installTenantRls(late)).rejects.toMatchObject({ message: expect.stringContaining('events_f') });
      // Refused means closed: nothing can query through it.
      expect(late.isInitialized).toBe(false);
    } finally {
      await owner.query(`DROP TABLE events_f`);
    }
  });
});

describe('RLS attacks: bypassTenantRls outside a migration (PostgreSQL, app role)', () => {
  let db: RlsDatabase;
  let owner: DataSource;
  let app: DataSource;
  const audited: TenantAuditEvent[] = [];
  let audit: TenantAuditSink;
  const bypassTenantFilter = bypassUnder(() => ({ audit }));
  const bypassTenantRls = under(() => ({ audit }), bypassRls);

  beforeAll(async () => {
    db = await createRlsDatabase();
    owner = await openDataSource(db.owner.url, ENTITIES, { poolSize: 1 });
    for (const sql of PARTITIONED_EVENTS_DDL) await owner.query(sql);
    await syncTenantRls(owner);
    app = await openDataSource(db.app.url, ENTITIES);
  });
  afterAll(async () => {
    await app?.destroy();
    await owner?.destroy();
    await db?.drop();
  });
  beforeEach(async () => {
    audit = { record: (event) => void audited.push(event) };
    audited.length = 0;
    await db.superuser('TRUNCATE events');
    await db.superuser(EVENTS_SEED);
  });

  /** Runs `fn` on one query runner in a transaction, as a migration would, and returns what the runner's raw SELECT saw. */
  async function inTransaction(fn: (runner: ReturnType<DataSource['createQueryRunner']>) => Promise<void>): Promise<string[]> {
    const runner = app.createQueryRunner();
    try {
      await runner.startTransaction();
      await fn(runner).catch(() => undefined);
      const rows: Array<{ tenant_id: string }> = await runner.query(`SELECT DISTINCT tenant_id FROM events ORDER BY 1`);
      await runner.rollbackTransaction();
      return rows.map((row) => row.tenant_id);
    } finally {
      await runner.release();
    }
  }

  it('[rls-bypass-guard] called inside tenant a, it is refused and raw SQL still sees only a', async () => {
    const seen = await runWithTenant('a', () =>
      inTransaction(async (runner) => {
        await expect(bypassTenantRls(runner)).rejects.toMatchObject({ code: 'TENANT_RLS_BYPASS_IN_TENANT' });
      }),
    );
    expect(seen).toEqual(['a']);
    expect(audited).toEqual([]);
  });

  it('[rls-bypass-guard] called inside tenant a after its first query, it is refused and b stays hidden', async () => {
    let refusal: unknown;
    const seen = await runWithTenant('a', () =>
      inTransaction(async (runner) => {
        await runner.query('SELECT 1');
        refusal = await bypassTenantRls(runner, { reason: 'looks like a migration' }).catch((error: unknown) => error);
      }),
    );
    // Refused outright: the per-statement RLS setting would hide b anyway, so the refusal is what this case proves.
    expect(refusal).toMatchObject({ code: 'TENANT_RLS_BYPASS_IN_TENANT' });
    expect(seen).toEqual(['a']);
  });

  it('[rls-bypass-guard] called inside a tenant nested in a bypass, it is still refused', async () => {
    let refusal: unknown;
    const seen = await bypassTenantFilter(() =>
      runWithTenant('a', () =>
        inTransaction(async (runner) => {
          refusal = await bypassTenantRls(runner).catch((error: unknown) => error);
        }),
      ),
    );
    expect(refusal).toMatchObject({ code: 'TENANT_RLS_BYPASS_IN_TENANT' });
    expect(seen).toEqual(['a']);
  });

  it('[rls-bypass-audit] with no tenant but a failing audit sink, it is refused and no row opens', async () => {
    audit = {
      record: async () => {
        throw new Error('audit store down');
      },
    };
    const seen = await inTransaction(async (runner) => {
      await expect(bypassTenantRls(runner)).rejects.toMatchObject({ code: 'TENANT_AUDIT_UNAVAILABLE' });
    });
    expect(seen).toEqual([]);
  });

  it('[rls-bypass-audit] in a migration (no tenant), it is audited, then opens every row for the transaction', async () => {
    const seen = await inTransaction((runner) => bypassTenantRls(runner, { reason: 'backfill 42' }));
    expect(seen).toEqual(['a', 'b', 'c']);
    expect(audited).toMatchObject([{ type: 'tenancy.bypass', tenantId: undefined, reason: 'backfill 42' }]);
  });
});
